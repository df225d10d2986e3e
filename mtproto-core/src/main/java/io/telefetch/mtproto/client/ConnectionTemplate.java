package io.telefetch.mtproto.client;

import io.telefetch.mtproto.connection.ConnectionOptions;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What every connection of a client shares: the transport (and its obfuscation), the proxy, the
 * address family, the timeouts, the keep-alive ping and the zero-copy threshold of file transfer.
 * Immutable; the client's connector opens each connection from it.
 */
public final class ConnectionTemplate {
  private final Transport transport;
  private final @Nullable Proxy proxy;
  private final boolean preferIpv6;
  private final Duration callTimeout;
  private final Duration connectTimeout;
  private final Duration pingInterval;
  private final int zeroCopyThreshold;

  private ConnectionTemplate(Builder b) {
    this.transport = b.transport;
    this.proxy = b.proxy;
    this.preferIpv6 = b.preferIpv6;
    this.callTimeout = b.callTimeout;
    this.connectTimeout = b.connectTimeout;
    this.pingInterval = b.pingInterval;
    this.zeroCopyThreshold = b.zeroCopyThreshold;
  }

  /** A builder with the defaults: intermediate transport, direct, IPv4, 30 s calls, 10 s connects, 60 s pings. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this template. */
  public Builder newBuilder() {
    return new Builder().transport(transport).proxy(proxy).preferIpv6(preferIpv6).callTimeout(callTimeout)
        .connectTimeout(connectTimeout).pingInterval(pingInterval).zeroCopyThreshold(zeroCopyThreshold);
  }

  public Transport transport() {
    return transport;
  }

  /** The proxy, or null for direct connections. */
  public @Nullable Proxy proxy() {
    return proxy;
  }

  /** Whether IPv6 addresses are preferred when the DC list has them. */
  public boolean preferIpv6() {
    return preferIpv6;
  }

  /** How long a call waits for its answer; zero: no limit. */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** How long opening one connection may take (TCP, proxy and key exchange). */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Keep-alive ping interval per connection; zero disables pings. */
  public Duration pingInterval() {
    return pingInterval;
  }

  /** On file-transfer connections, {@code bytes} fields at least this long are zero-copy slices. */
  public int zeroCopyThreshold() {
    return zeroCopyThreshold;
  }

  /** The timeouts as each connection takes them. */
  ConnectionOptions.Timeouts timeouts() {
    return new ConnectionOptions.Timeouts(callTimeout, connectTimeout, pingInterval);
  }

  /** Whether connections go through an MTProxy. */
  boolean viaMtProxy() {
    return proxy != null && proxy.type() == Proxy.Type.MTPROXY;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConnectionTemplate x && x.transport.equals(transport) && Objects.equals(x.proxy, proxy)
        && x.preferIpv6 == preferIpv6 && x.callTimeout.equals(callTimeout) && x.connectTimeout.equals(connectTimeout)
        && x.pingInterval.equals(pingInterval) && x.zeroCopyThreshold == zeroCopyThreshold;
  }

  @Override
  public int hashCode() {
    return Objects.hash(transport, proxy, preferIpv6, callTimeout, connectTimeout, pingInterval, zeroCopyThreshold);
  }

  /** Never shows a proxy's password or secret. */
  @Override
  public String toString() {
    return "ConnectionTemplate[" + transport + (proxy != null ? ", " + proxy : "") + (preferIpv6 ? ", IPv6" : "")
        + ", call " + callTimeout + ", connect " + connectTimeout + ", ping " + pingInterval + ", zeroCopy>="
        + zeroCopyThreshold + "]";
  }

  /** Builds a {@link ConnectionTemplate}; every setter checks its value. */
  public static final class Builder {
    private Transport transport = Transport.of(Transport.Framing.INTERMEDIATE);
    private @Nullable Proxy proxy;
    private boolean preferIpv6;
    private Duration callTimeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration pingInterval = Duration.ofSeconds(60);
    private int zeroCopyThreshold = 64 << 10;

    Builder() {}

    /**
     * The transport (default intermediate, not obfuscated). An obfuscated configuration gets each
     * connection's DC id in its header.
     */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** A SOCKS5 proxy or MTProxy for every connection; null for direct connections. */
    public Builder proxy(@Nullable Proxy proxy) {
      this.proxy = proxy;
      return this;
    }

    /** Prefer IPv6 addresses when the DC list has them (default false). */
    public Builder preferIpv6(boolean preferIpv6) {
      this.preferIpv6 = preferIpv6;
      return this;
    }

    /**
     * How long a call waits for its answer (default 30 s); zero: no limit.
     *
     * @throws IllegalArgumentException naming callTimeout when negative
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = notNegative(timeout, "callTimeout");
      return this;
    }

    /**
     * How long opening one connection may take: TCP connect, proxy handshake and, on a DC without
     * a key yet, the key exchange (default 10 s).
     *
     * @throws IllegalArgumentException naming connectTimeout when not positive
     */
    public Builder connectTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "connectTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive: " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * Keep-alive ping interval per connection (default 60 s); zero disables pings.
     *
     * @throws IllegalArgumentException naming pingInterval when negative
     */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = notNegative(interval, "pingInterval");
      return this;
    }

    /**
     * On file-transfer connections, {@code bytes} fields at least this long are decoded as
     * zero-copy slices the caller releases (default 64 KiB; {@link Integer#MAX_VALUE}: always heap
     * copies).
     *
     * @throws IllegalArgumentException naming zeroCopyThreshold when not positive
     */
    public Builder zeroCopyThreshold(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("zeroCopyThreshold must be positive: " + bytes);
      }
      this.zeroCopyThreshold = bytes;
      return this;
    }

    private static Duration notNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + d);
      }
      return d;
    }

    public ConnectionTemplate build() {
      return new ConnectionTemplate(this);
    }
  }
}
