package io.telefetch.mtproto.rpc;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter and a cap, the one delay rule of every retry in Telefetch
 * (the client's {@link RetryInterceptor} and the downloader's part retries): retry {@code n}
 * (0-based) waits a uniformly random time in {@code [0, min(max, base * 2^n))}, in whole
 * milliseconds. The randomness is passed in, so tests get the same delays from the same seed.
 * Immutable and thread-safe.
 */
public final class Backoff {
  private final Duration base;
  private final Duration max;

  private Backoff(Duration base, Duration max) {
    this.base = base;
    this.max = max;
  }

  /**
   * @param base the cap of the first retry's delay
   * @param max the cap of every delay
   * @throws IllegalArgumentException when either is negative (a {@code max} below {@code base}
   *     caps every delay at {@code max})
   */
  public static Backoff exponential(Duration base, Duration max) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(max, "max");
    if (base.isNegative() || max.isNegative()) {
      throw new IllegalArgumentException("backoff delays must not be negative: " + base + ", " + max);
    }
    return new Backoff(base, max);
  }

  /** The cap of the first retry's delay. */
  public Duration base() {
    return base;
  }

  /** The cap of every delay. */
  public Duration max() {
    return max;
  }

  /** The upper bound of retry {@code retry}'s delay (0-based): {@code min(max, base * 2^retry)}, never overflowing. */
  public Duration cap(int retry) {
    long maxMillis = max.toMillis();
    long baseMillis = base.toMillis();
    int shift = Math.max(0, Math.min(retry, 62));
    long cap = baseMillis > (maxMillis >> shift) ? maxMillis : Math.min(maxMillis, baseMillis << shift);
    return Duration.ofMillis(cap);
  }

  /**
   * The delay before retry {@code retry} (0-based): uniform in {@code [0, cap(retry))}.
   *
   * @param random the randomness (one {@code nextDouble()} per call); must be thread-safe when
   *     shared, as {@link java.util.Random} and {@link java.security.SecureRandom} are
   */
  public Duration delay(int retry, RandomGenerator random) {
    long cap = cap(retry).toMillis();
    return Duration.ofMillis(cap <= 0 ? 0 : (long) (random.nextDouble() * cap));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Backoff b && b.base.equals(base) && b.max.equals(max);
  }

  @Override
  public int hashCode() {
    return base.hashCode() * 31 + max.hashCode();
  }

  @Override
  public String toString() {
    return "Backoff[" + base + ".." + max + ", full jitter]";
  }
}
