package io.telefetch.mtproto.transport;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * An MTProxy secret: the 16 bytes mixed into the obfuscation keys ({@code SHA256(key | secret)}),
 * parsed from the forms found in proxy links (hex or base64, plain or with the {@code dd} prefix
 * that asks for the padded intermediate transport).
 */
public final class MtProxySecret {

  private final byte[] key;
  private final boolean paddingRequired;

  private MtProxySecret(byte[] key, boolean paddingRequired) {
    this.key = key;
    this.paddingRequired = paddingRequired;
  }

  /**
   * A secret from its bytes: 16 bytes, or 17 bytes whose first byte (usually {@code 0xdd}) asks for
   * the padded intermediate transport and is not part of the key.
   *
   * @throws IllegalArgumentException for another length or a fake-TLS ({@code ee}) secret
   */
  public static MtProxySecret of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 16) {
      return new MtProxySecret(bytes.clone(), false);
    }
    if (bytes.length > 17 && (bytes[0] & 0xff) == 0xee) {
      throw new IllegalArgumentException("fake-TLS (ee) MTProxy secrets are not supported");
    }
    if (bytes.length == 17) {
      return new MtProxySecret(Arrays.copyOfRange(bytes, 1, 17), true);
    }
    throw new IllegalArgumentException(
        "an MTProxy secret has 16 bytes, or 17 with a dd prefix; got " + bytes.length);
  }

  /**
   * Parses a secret written as hex (32 digits, or 34 with the {@code dd} prefix) or as base64 /
   * base64url of 16 or 17 bytes.
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

  /** Whether the secret was given in the 17-byte form that asks for padded intermediate. */
  public boolean paddingRequired() {
    return paddingRequired;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MtProxySecret other
        && other.paddingRequired == paddingRequired
        && Arrays.equals(other.key, key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key) * 2 + (paddingRequired ? 1 : 0);
  }

  /** Does not reveal the secret. */
  @Override
  public String toString() {
    return "MtProxySecret[" + (paddingRequired ? "dd, " : "") + "redacted]";
  }
}
