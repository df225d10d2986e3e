package io.telefetch.mtproto.client;

import io.telefetch.mtproto.transport.ClientTransportConfig;
import io.telefetch.mtproto.transport.MtProxySecret;
import io.telefetch.mtproto.transport.TransportKind;
import java.util.Objects;

/**
 * How a client frames MTProto on its connections: the framing, whether the connection is
 * obfuscated (obfuscated2 header, AES-CTR), and optionally an MTProxy secret every DC accepts. The
 * DC id of the obfuscation header is filled in per connection. Immutable; {@link #toString()}
 * never shows the secret. (To go through one MTProxy address, use {@link Proxy#mtProxy} instead.)
 */
public final class Transport {
  /** The framings of the MTProto transport protocol. */
  public enum Framing {
    /** One length byte (or {@code 0x7f} and three); the smallest. */
    ABRIDGED(TransportKind.ABRIDGED),
    /** A 4-byte length (the default). */
    INTERMEDIATE(TransportKind.INTERMEDIATE),
    /** Intermediate with random padding; what {@code dd} MTProxy secrets need. */
    PADDED_INTERMEDIATE(TransportKind.PADDED_INTERMEDIATE),
    /** Length, sequence number and CRC32; cannot be obfuscated. */
    FULL(TransportKind.FULL);

    private final TransportKind kind;

    Framing(TransportKind kind) {
      this.kind = kind;
    }
  }

  private final Framing framing;
  private final ClientTransportConfig config;

  private Transport(Framing framing, ClientTransportConfig config) {
    this.framing = framing;
    this.config = config;
  }

  /** Plain (not obfuscated) connections with this framing. */
  public static Transport of(Framing framing) {
    Objects.requireNonNull(framing, "framing");
    return new Transport(framing, ClientTransportConfig.of(framing.kind));
  }

  /**
   * Obfuscated connections with this framing.
   *
   * @throws IllegalArgumentException naming the framing when it is {@link Framing#FULL}
   */
  public static Transport obfuscated(Framing framing) {
    Objects.requireNonNull(framing, "framing");
    if (framing == Framing.FULL) {
      throw new IllegalArgumentException("framing FULL has no obfuscated form");
    }
    return new Transport(framing, ClientTransportConfig.builder(framing.kind).obfuscated(true).build());
  }

  /**
   * Obfuscated connections keyed with an MTProxy secret (hex or base64, as in a proxy link) that
   * every DC accepts.
   *
   * @throws IllegalArgumentException naming mtProxySecret when the text is not a secret, or when the
   *     framing does not fit it
   */
  public static Transport withMtProxySecret(Framing framing, String mtProxySecret) {
    Objects.requireNonNull(framing, "framing");
    MtProxySecret secret;
    try {
      secret = MtProxySecret.parse(Objects.requireNonNull(mtProxySecret, "mtProxySecret"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mtProxySecret: " + e.getMessage(), e);
    }
    try {
      return new Transport(framing, ClientTransportConfig.builder(framing.kind).mtProxySecret(secret).build());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mtProxySecret with framing " + framing + ": " + e.getMessage(), e);
    }
  }

  /** The framing. */
  public Framing framing() {
    return framing;
  }

  /** Whether connections start with an obfuscated2 header and are AES-CTR encrypted. */
  public boolean obfuscated() {
    return config.obfuscated();
  }

  /** Whether connections are keyed with an MTProxy secret. */
  public boolean hasMtProxySecret() {
    return config.mtProxySecret() != null;
  }

  /** The transport configuration of a connection (the DC id still unset). */
  ClientTransportConfig config() {
    return config;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Transport x && x.framing == framing && x.config.obfuscated() == config.obfuscated()
        && Objects.equals(x.config.mtProxySecret(), config.mtProxySecret());
  }

  @Override
  public int hashCode() {
    return Objects.hash(framing, config.obfuscated(), config.mtProxySecret());
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "Transport[" + framing + (obfuscated() ? ", obfuscated" : "") + (hasMtProxySecret() ? ", MTProxy secret" : "")
        + "]";
  }
}
