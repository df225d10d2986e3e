package io.telefetch.mtproto.client;

import io.telefetch.mtproto.rpc.Backoff;
import io.telefetch.mtproto.rpc.CallOptions;
import io.telefetch.mtproto.rpc.FloodWaitInterceptor;
import java.time.Duration;
import java.util.Objects;

/**
 * How calls are repeated: FLOOD_WAIT_X up to {@link #floodWaitThreshold()} is slept through at most
 * {@link #maxFloodWaits()} times per call, 500-class and negative errors are retried at most {@link
 * #maxRetries()} times with the {@link #backoff()} delays. Immutable; these are the defaults of
 * each call, whose own {@link CallOptions} may change the threshold and the counts.
 */
public final class RetryPolicy {
  private final Duration floodWaitThreshold;
  private final int maxFloodWaits;
  private final int maxRetries;
  private final Backoff backoff;

  private RetryPolicy(Builder b) {
    this.floodWaitThreshold = b.floodWaitThreshold;
    this.maxFloodWaits = b.maxFloodWaits;
    this.maxRetries = b.maxRetries;
    this.backoff = b.backoff;
  }

  /** A builder with the defaults: flood waits up to 60 s slept through 3 times, 3 retries from 200 ms to 10 s. */
  public static Builder builder() {
    return new Builder();
  }

  /** The default policy. */
  public static RetryPolicy defaults() {
    return builder().build();
  }

  /** A builder holding this policy. */
  public Builder newBuilder() {
    return new Builder().floodWait(floodWaitThreshold, maxFloodWaits).maxRetries(maxRetries).backoff(backoff);
  }

  /** The longest FLOOD_WAIT_X slept through; longer ones fail at once. Zero: none is. */
  public Duration floodWaitThreshold() {
    return floodWaitThreshold;
  }

  /** How many flood waits one call sleeps through. */
  public int maxFloodWaits() {
    return maxFloodWaits;
  }

  /** How many times one call is retried after a 500-class or negative error; zero: never. */
  public int maxRetries() {
    return maxRetries;
  }

  /** The delays between retries. */
  public Backoff backoff() {
    return backoff;
  }

  /** The call settings this policy gives a call that sets none of its own (no timeout). */
  CallOptions.Builder callDefaults() {
    return CallOptions.builder().floodWait(floodWaitThreshold, maxFloodWaits).maxRetries(maxRetries);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryPolicy x && x.floodWaitThreshold.equals(floodWaitThreshold)
        && x.maxFloodWaits == maxFloodWaits && x.maxRetries == maxRetries && x.backoff.equals(backoff);
  }

  @Override
  public int hashCode() {
    return Objects.hash(floodWaitThreshold, maxFloodWaits, maxRetries, backoff);
  }

  @Override
  public String toString() {
    return "RetryPolicy[floodWait<=" + floodWaitThreshold + " x" + maxFloodWaits + ", retries=" + maxRetries + ", "
        + backoff + "]";
  }

  /** Builds a {@link RetryPolicy}; every setter checks its value. */
  public static final class Builder {
    private Duration floodWaitThreshold = Duration.ofSeconds(60);
    private int maxFloodWaits = 3;
    private int maxRetries = 3;
    private Backoff backoff = Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(10));

    Builder() {}

    /**
     * FLOOD_WAIT_X up to {@code threshold} (at most {@link FloodWaitInterceptor#MAX_THRESHOLD}) is
     * slept through at most {@code maxWaits} times per call.
     *
     * @throws IllegalArgumentException naming floodWaitThreshold or maxFloodWaits when out of range
     */
    public Builder floodWait(Duration threshold, int maxWaits) {
      Objects.requireNonNull(threshold, "floodWaitThreshold");
      if (threshold.isNegative() || threshold.compareTo(FloodWaitInterceptor.MAX_THRESHOLD) > 0) {
        throw new IllegalArgumentException("floodWaitThreshold must be within 0.." + FloodWaitInterceptor.MAX_THRESHOLD
            + ": " + threshold);
      }
      if (maxWaits < 0) {
        throw new IllegalArgumentException("maxFloodWaits must not be negative: " + maxWaits);
      }
      this.floodWaitThreshold = threshold;
      this.maxFloodWaits = maxWaits;
      return this;
    }

    /**
     * The retry budget of a call; 0 disables retries.
     *
     * @throws IllegalArgumentException naming maxRetries when negative
     */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** The delays between retries (default exponential from 200 ms to 10 s, full jitter). */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    public RetryPolicy build() {
      return new RetryPolicy(this);
    }
  }
}
