package io.telefetch.mtproto.transport;

import java.util.Objects;

/**
 * Immutable description of the transport a client connection speaks: the kind, whether it is
 * obfuscated, the MTProxy secret and DC id if it goes through an MTProxy, and the options.
 */
public final class ClientTransportConfig {

  private final TransportKind kind;
  private final boolean obfuscated;
  private final MtProxySecret mtProxySecret;
  private final int dcId;
  private final TransportOptions options;

  private ClientTransportConfig(Builder b) {
    this.kind = b.kind;
    this.obfuscated = b.obfuscated || b.mtProxySecret != null;
    this.mtProxySecret = b.mtProxySecret;
    this.dcId = b.dcId;
    this.options = b.options;
  }

  /** A plain (not obfuscated) connection of {@code kind} with default options. */
  public static ClientTransportConfig of(TransportKind kind) {
    return builder(kind).build();
  }

  /** A builder for a connection of {@code kind}. */
  public static Builder builder(TransportKind kind) {
    return new Builder(kind);
  }

  /** A builder starting from this configuration. */
  public Builder newBuilder() {
    Builder b = new Builder(kind);
    b.obfuscated = obfuscated;
    b.mtProxySecret = mtProxySecret;
    b.dcId = dcId;
    b.options = options;
    return b;
  }

  /** The framing. */
  public TransportKind kind() {
    return kind;
  }

  /** Whether the connection starts with an obfuscated2 header and is AES-CTR encrypted. */
  public boolean obfuscated() {
    return obfuscated;
  }

  /** The MTProxy secret, or null when not connecting through an MTProxy. */
  public MtProxySecret mtProxySecret() {
    return mtProxySecret;
  }

  /** The DC id written into the obfuscation header, or 0 for none. */
  public int dcId() {
    return dcId;
  }

  /** Limits and randomness. */
  public TransportOptions options() {
    return options;
  }

  @Override
  public String toString() {
    return "ClientTransportConfig["
        + kind
        + (obfuscated ? ", obfuscated" : "")
        + (mtProxySecret != null ? ", MTProxy" : "")
        + (dcId != 0 ? ", dc " + dcId : "")
        + "]";
  }

  /** Builds a {@link ClientTransportConfig}. */
  public static final class Builder {
    private final TransportKind kind;
    private boolean obfuscated;
    private MtProxySecret mtProxySecret;
    private int dcId;
    private TransportOptions options = TransportOptions.defaults();

    private Builder(TransportKind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** Whether to obfuscate (implied by an MTProxy secret). */
    public Builder obfuscated(boolean obfuscated) {
      this.obfuscated = obfuscated;
      return this;
    }

    /** Connect through an MTProxy with this secret (implies obfuscation); null to clear. */
    public Builder mtProxySecret(MtProxySecret secret) {
      this.mtProxySecret = secret;
      return this;
    }

    /**
     * The DC id to put in the obfuscation header (an int16; negative for a media DC, +10000 for a
     * test DC), or 0 for none; MTProxies need it.
     */
    public Builder dcId(int dcId) {
      if (dcId < Short.MIN_VALUE || dcId > Short.MAX_VALUE) {
        throw new IllegalArgumentException("the DC id is an int16: " + dcId);
      }
      this.dcId = dcId;
      return this;
    }

    /** Limits and randomness. */
    public Builder options(TransportOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException for a DC id without obfuscation, an MTProxy with the full
     *     transport, or a {@code dd} secret with another kind than padded intermediate
     */
    public ClientTransportConfig build() {
      boolean obf = obfuscated || mtProxySecret != null;
      if (dcId != 0 && !obf) {
        throw new IllegalArgumentException("a DC id is only sent in an obfuscation header");
      }
      if (mtProxySecret != null && kind == TransportKind.FULL) {
        throw new IllegalArgumentException("MTProxy does not support the full transport");
      }
      if (mtProxySecret != null
          && mtProxySecret.paddingRequired()
          && kind != TransportKind.PADDED_INTERMEDIATE) {
        throw new IllegalArgumentException(
            "a dd-prefixed MTProxy secret requires the padded intermediate transport, not " + kind);
      }
      return new ClientTransportConfig(this);
    }
  }
}
