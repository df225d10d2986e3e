package io.telefetch.mtproto.rpc;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Per-call settings of the client's pipeline: the timeout of each attempt, whether the client
 * sleeps through FLOOD_WAIT (and up to which wait), and the client's retry budget. Each setting is
 * optional: one left unset is taken from the client's defaults ({@link #withDefaults}). Immutable;
 * build with {@link #builder()} or change a copy with {@link #newBuilder()}.
 *
 * <p>The downloader passes {@link #SINGLE_ATTEMPT} for its parts, so its own policy (window
 * shrinking on FLOOD_WAIT, its retry budget) is the only one: one part never costs more requests
 * than the downloader allows.
 *
 * <pre>{@code
 * client.invoke(new GetConfig(), CallOptions.builder().timeout(Duration.ofSeconds(5)).maxRetries(0).build());
 * }</pre>
 */
public final class CallOptions {
  /** Nothing set: every setting is the client's default. */
  public static final CallOptions DEFAULT = new Builder().build();

  /**
   * One attempt: no flood-wait sleeping, no retries by the client; FLOOD_WAIT and 500s reach the
   * caller at once. The timeout stays the client's.
   */
  public static final CallOptions SINGLE_ATTEMPT = new Builder().noFloodWaitSleep().maxRetries(0).build();

  private final Duration timeout;
  private final Duration floodWaitThreshold;
  private final Integer maxFloodWaits;
  private final Integer maxRetries;

  private CallOptions(Builder b) {
    this.timeout = b.timeout;
    this.floodWaitThreshold = b.floodWaitThreshold;
    this.maxFloodWaits = b.maxFloodWaits;
    this.maxRetries = b.maxRetries;
  }

  /** A builder with nothing set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.timeout = timeout;
    b.floodWaitThreshold = floodWaitThreshold;
    b.maxFloodWaits = maxFloodWaits;
    b.maxRetries = maxRetries;
    return b;
  }

  /** How long each attempt may take before it fails with {@link RpcTimeoutException}, if set. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** The longest FLOOD_WAIT the client sleeps through (zero: none), if set. */
  public Optional<Duration> floodWaitThreshold() {
    return Optional.ofNullable(floodWaitThreshold);
  }

  /** How many flood waits one call may sleep through, if set. */
  public OptionalInt maxFloodWaits() {
    return maxFloodWaits == null ? OptionalInt.empty() : OptionalInt.of(maxFloodWaits);
  }

  /** How many times the client repeats a call after a retryable error (500-class, negative codes), if set. */
  public OptionalInt maxRetries() {
    return maxRetries == null ? OptionalInt.empty() : OptionalInt.of(maxRetries);
  }

  /** Whether the client sleeps through some FLOOD_WAIT with these options (unset counts as yes). */
  public boolean sleepsOnFloodWait() {
    return (floodWaitThreshold == null || !floodWaitThreshold.isZero()) && (maxFloodWaits == null || maxFloodWaits > 0);
  }

  /** These options, with every setting left unset here taken from {@code defaults}. */
  public CallOptions withDefaults(CallOptions defaults) {
    Objects.requireNonNull(defaults, "defaults");
    Builder b = newBuilder();
    if (b.timeout == null) {
      b.timeout = defaults.timeout;
    }
    if (b.floodWaitThreshold == null) {
      b.floodWaitThreshold = defaults.floodWaitThreshold;
    }
    if (b.maxFloodWaits == null) {
      b.maxFloodWaits = defaults.maxFloodWaits;
    }
    if (b.maxRetries == null) {
      b.maxRetries = defaults.maxRetries;
    }
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CallOptions c && Objects.equals(c.timeout, timeout)
        && Objects.equals(c.floodWaitThreshold, floodWaitThreshold) && Objects.equals(c.maxFloodWaits, maxFloodWaits)
        && Objects.equals(c.maxRetries, maxRetries);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timeout, floodWaitThreshold, maxFloodWaits, maxRetries);
  }

  @Override
  public String toString() {
    return "CallOptions[timeout=" + (timeout == null ? "default" : timeout)
        + ", floodWait=" + (floodWaitThreshold == null ? "default" : floodWaitThreshold)
        + " x" + (maxFloodWaits == null ? "default" : maxFloodWaits)
        + ", maxRetries=" + (maxRetries == null ? "default" : maxRetries) + "]";
  }

  /** Builds {@link CallOptions}; every setting starts unset. */
  public static final class Builder {
    private Duration timeout;
    private Duration floodWaitThreshold;
    private Integer maxFloodWaits;
    private Integer maxRetries;

    private Builder() {}

    /**
     * Each attempt fails with {@link RpcTimeoutException} after {@code timeout}. A timeout longer
     * than the client's connection call timeout has no effect beyond it.
     *
     * @throws IllegalArgumentException unless positive
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * FLOOD_WAIT up to {@code threshold} is slept through and the call repeated, at most {@code
     * maxWaits} times; zero for either turns sleeping off.
     *
     * @throws IllegalArgumentException for a negative threshold or count, or a threshold above
     *     {@link FloodWaitInterceptor#MAX_THRESHOLD}
     */
    public Builder floodWait(Duration threshold, int maxWaits) {
      Objects.requireNonNull(threshold, "threshold");
      if (threshold.isNegative() || threshold.compareTo(FloodWaitInterceptor.MAX_THRESHOLD) > 0 || maxWaits < 0) {
        throw new IllegalArgumentException("flood wait threshold must be within 0.." + FloodWaitInterceptor.MAX_THRESHOLD
            + " and maxWaits not negative");
      }
      this.floodWaitThreshold = threshold;
      this.maxFloodWaits = maxWaits;
      return this;
    }

    /** The client never sleeps through FLOOD_WAIT: the {@link FloodWaitException} reaches the caller at once. */
    public Builder noFloodWaitSleep() {
      return floodWait(Duration.ZERO, 0);
    }

    /**
     * The client repeats a call at most {@code n} times after retryable errors; 0 turns its retries off.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder maxRetries(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("negative retry count " + n);
      }
      this.maxRetries = n;
      return this;
    }

    public CallOptions build() {
      return new CallOptions(this);
    }
  }
}
