package io.telefetch.mtproto.transport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * An MTProxy secret: the 16 bytes mixed into the obfuscation keys ({@code SHA256(key | secret)}),
 * parsed from the forms found in proxy links (hex or base64, plain or with the {@code dd} prefix
 * that asks for the padded intermediate transport, or with the {@code ee} prefix and a trailing
 * domain name for fake-TLS: the connection starts with a TLS 1.3 handshake for that domain and
 * carries the obfuscated stream in TLS application-data records).
 */
public final class MtProxySecret {

  /** The longest fake-TLS domain a secret may carry (what fits a proxy link's secret). */
  public static final int MAX_DOMAIN_LENGTH = 182;

  private final byte[] key;
  private final boolean paddingRequired;
  private final String fakeTlsDomain;

  private MtProxySecret(byte[] key, boolean paddingRequired, String fakeTlsDomain) {
    this.key = key;
    this.paddingRequired = paddingRequired;
    this.fakeTlsDomain = fakeTlsDomain;
  }

  /**
   * A secret from its bytes: 16 bytes; 17 bytes whose first byte (usually {@code 0xdd}, never
   * {@code 0xee}) asks for the padded intermediate transport and is not part of the key; or {@code
   * 0xee}, the 16 key bytes and a domain name (1 to {@value #MAX_DOMAIN_LENGTH} printable ASCII
   * bytes) for fake-TLS.
   *
   * @throws IllegalArgumentException for another length, or a missing or malformed fake-TLS domain
   */
  public static MtProxySecret of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 16) {
      return new MtProxySecret(bytes.clone(), false, null);
    }
    if (bytes.length == 17) {
      if ((bytes[0] & 0xff) == 0xee) {
        // not a dd secret in disguise: an ee secret whose domain is missing
        throw new IllegalArgumentException("a fake-TLS (ee) secret needs a domain after its 16 key bytes");
      }
      return new MtProxySecret(Arrays.copyOfRange(bytes, 1, 17), true, null);
    }
    if (bytes.length > 17 && (bytes[0] & 0xff) == 0xee) {
      if (bytes.length > 17 + MAX_DOMAIN_LENGTH) {
        throw new IllegalArgumentException("a fake-TLS secret's domain has at most "
            + MAX_DOMAIN_LENGTH + " bytes; got " + (bytes.length - 17));
      }
      for (int i = 17; i < bytes.length; i++) {
        if (bytes[i] <= 0x20 || bytes[i] >= 0x7f) {
          throw new IllegalArgumentException(
              "a fake-TLS secret's domain must be printable ASCII; byte " + i + " is not");
        }
      }
      String domain = new String(bytes, 17, bytes.length - 17, StandardCharsets.US_ASCII);
      return new MtProxySecret(Arrays.copyOfRange(bytes, 1, 17), false, domain);
    }
    throw new IllegalArgumentException("an MTProxy secret has 16 bytes, 17 with a dd prefix, or"
        + " ee + 16 bytes + a domain for fake-TLS; got " + bytes.length + " bytes");
  }

  /** A fake-TLS secret for {@code domain} with these 16 key bytes. */
  public static MtProxySecret fakeTls(byte[] key, String domain) {
    Objects.requireNonNull(key, "key");
    byte[] d = Objects.requireNonNull(domain, "domain").getBytes(StandardCharsets.US_ASCII);
    if (key.length != 16) {
      throw new IllegalArgumentException("an MTProxy key has 16 bytes; got " + key.length);
    }
    if (d.length == 0) {
      throw new IllegalArgumentException("a fake-TLS secret needs a domain");
    }
    byte[] all = new byte[17 + d.length];
    all[0] = (byte) 0xee;
    System.arraycopy(key, 0, all, 1, 16);
    System.arraycopy(d, 0, all, 17, d.length);
    return of(all);
  }

  /**
   * Parses a secret written as hex (32 digits, 34 with the {@code dd} prefix, or {@code ee} + 32
   * digits + the domain's bytes) or as base64 / base64url of those bytes.
   *
   * @throws IllegalArgumentException when the text is not such a secret
   */
  public static MtProxySecret parse(String text) {
    Objects.requireNonNull(text, "text");
    String s = text.trim();
    if (s.length() >= 32
        && s.length() % 2 == 0
        && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return of(HexFormat.of().parseHex(s));
    }
    byte[] decoded;
    try {
      decoded = Base64.getUrlDecoder().decode(s.replace('+', '-').replace('/', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a hex or base64 MTProxy secret", e);
    }
    if (decoded.length == 0) {
      throw new IllegalArgumentException("not a hex or base64 MTProxy secret");
    }
    return of(decoded);
  }

  /** Like {@link #parse(String)}, but empty instead of throwing. */
  public static Optional<MtProxySecret> tryParse(String text) {
    try {
      return Optional.of(parse(text));
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
  }

  /** The 16 key bytes (a copy). */
  public byte[] key() {
    return key.clone();
  }

  byte[] keyUnsafe() {
    return key;
  }

  /** The domain of a fake-TLS ({@code ee}) secret: the SNI its TLS handshake names. */
  public Optional<String> fakeTlsDomain() {
    return Optional.ofNullable(fakeTlsDomain);
  }

  /** Whether this is a fake-TLS ({@code ee}) secret. */
  public boolean fakeTls() {
    return fakeTlsDomain != null;
  }

  /**
   * The secret in the hex form of proxy links: 32 digits, {@code dd} + 32 digits, or {@code ee} +
   * 32 digits + the domain's bytes. {@link #parse(String)} reads it back.
   */
  public String toHex() {
    HexFormat hex = HexFormat.of();
    if (fakeTlsDomain != null) {
      return "ee" + hex.formatHex(key) + hex.formatHex(fakeTlsDomain.getBytes(StandardCharsets.US_ASCII));
    }
    return (paddingRequired ? "dd" : "") + hex.formatHex(key);
  }

  /** Whether the secret was given in the 17-byte form that asks for padded intermediate. */
  public boolean paddingRequired() {
    return paddingRequired;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MtProxySecret other
        && other.paddingRequired == paddingRequired
        && Objects.equals(other.fakeTlsDomain, fakeTlsDomain)
        && Arrays.equals(other.key, key);
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(key) * 2 + (paddingRequired ? 1 : 0)) * 31 + Objects.hashCode(fakeTlsDomain);
  }

  /** Does not reveal the secret. */
  @Override
  public String toString() {
    return "MtProxySecret[" + (paddingRequired ? "dd, " : "")
        + (fakeTlsDomain != null ? "fake-TLS " + fakeTlsDomain + ", " : "") + "redacted]";
  }
}
