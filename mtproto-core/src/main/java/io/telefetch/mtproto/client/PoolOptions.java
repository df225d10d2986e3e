package io.telefetch.mtproto.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How many connections the client keeps per DC and purpose, and when an idle one is closed.
 * Immutable.
 */
public final class PoolOptions {
  private final int mainConnections;
  private final int downloadConnections;
  private final Duration idleTimeout;

  private PoolOptions(Builder b) {
    this.mainConnections = b.mainConnections;
    this.downloadConnections = b.downloadConnections;
    this.idleTimeout = b.idleTimeout;
  }

  /** A builder with the defaults: 1 connection for calls, 4 for files, closed after 5 idle minutes. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder newBuilder() {
    return new Builder().mainConnections(mainConnections).downloadConnections(downloadConnections)
        .idleTimeout(idleTimeout);
  }

  /** Connections per DC for ordinary calls. */
  public int mainConnections() {
    return mainConnections;
  }

  /** Connections per DC for file transfer. */
  public int downloadConnections() {
    return downloadConnections;
  }

  /** Connections without a call for this long are closed; zero keeps them. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PoolOptions x && x.mainConnections == mainConnections
        && x.downloadConnections == downloadConnections && x.idleTimeout.equals(idleTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mainConnections, downloadConnections, idleTimeout);
  }

  @Override
  public String toString() {
    return "PoolOptions[main=" + mainConnections + ", download=" + downloadConnections + ", idle=" + idleTimeout + "]";
  }

  /** Builds {@link PoolOptions}; every setter checks its value. */
  public static final class Builder {
    private int mainConnections = 1;
    private int downloadConnections = 4;
    private Duration idleTimeout = Duration.ofMinutes(5);

    Builder() {}

    /**
     * Connections per DC for ordinary calls (default 1).
     *
     * @throws IllegalArgumentException naming mainConnections when below 1
     */
    public Builder mainConnections(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("mainConnections must be at least 1: " + n);
      }
      this.mainConnections = n;
      return this;
    }

    /**
     * Connections per DC for file transfer (default 4).
     *
     * @throws IllegalArgumentException naming downloadConnections when below 1
     */
    public Builder downloadConnections(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("downloadConnections must be at least 1: " + n);
      }
      this.downloadConnections = n;
      return this;
    }

    /**
     * Connections without a call for this long are closed (default 5 minutes); zero keeps them.
     *
     * @throws IllegalArgumentException naming idleTimeout when negative
     */
    public Builder idleTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "idleTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("idleTimeout must not be negative: " + timeout);
      }
      this.idleTimeout = timeout;
      return this;
    }

    public PoolOptions build() {
      return new PoolOptions(this);
    }
  }
}
