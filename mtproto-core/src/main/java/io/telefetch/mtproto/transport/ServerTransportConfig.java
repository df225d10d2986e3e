package io.telefetch.mtproto.transport;

import java.util.Objects;

/**
 * Immutable description of what a server accepts on a new connection: the MTProxy secret its
 * obfuscated clients use (if any), whether plain transports are refused, and the options.
 */
public final class ServerTransportConfig {

  private static final ServerTransportConfig DEFAULTS = new Builder().build();

  private final MtProxySecret mtProxySecret;
  private final boolean obfuscationRequired;
  private final TransportOptions options;

  private ServerTransportConfig(Builder b) {
    this.mtProxySecret = b.mtProxySecret;
    this.obfuscationRequired = b.obfuscationRequired;
    this.options = b.options;
  }

  /** Accept every transport, plain or obfuscated without a secret, with default options. */
  public static ServerTransportConfig defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.mtProxySecret = mtProxySecret;
    b.obfuscationRequired = obfuscationRequired;
    b.options = options;
    return b;
  }

  /** The secret mixed into obfuscation keys, or null. */
  public MtProxySecret mtProxySecret() {
    return mtProxySecret;
  }

  /** Whether plain (not obfuscated) connections are refused. */
  public boolean obfuscationRequired() {
    return obfuscationRequired;
  }

  /** Limits and randomness. */
  public TransportOptions options() {
    return options;
  }

  @Override
  public String toString() {
    return "ServerTransportConfig["
        + (mtProxySecret != null ? "MTProxy" : "no secret")
        + (obfuscationRequired ? ", obfuscation required" : "")
        + "]";
  }

  /** Builds a {@link ServerTransportConfig}. */
  public static final class Builder {
    private MtProxySecret mtProxySecret;
    private boolean obfuscationRequired;
    private TransportOptions options = TransportOptions.defaults();

    private Builder() {}

    /** Act as an MTProxy with this secret (obfuscated clients must use it); null for none. */
    public Builder mtProxySecret(MtProxySecret secret) {
      this.mtProxySecret = secret;
      return this;
    }

    /** Refuse plain connections. */
    public Builder obfuscationRequired(boolean required) {
      this.obfuscationRequired = required;
      return this;
    }

    /** Limits and randomness. */
    public Builder options(TransportOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** The configuration. */
    public ServerTransportConfig build() {
      return new ServerTransportConfig(this);
    }
  }
}
