package io.telefetch.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UTC {@link Clock} that a test moves: either stopped at an instant ({@link #at}) and moved only
 * by {@link #advance}, or running with the system clock plus an offset the test changes ({@link
 * #offsetFromSystem}), for tests that also need real time to pass. Thread-safe.
 */
public final class TestClock extends Clock {
  private final boolean followsSystem;
  private final AtomicLong value;

  private TestClock(boolean followsSystem, long value) {
    this.followsSystem = followsSystem;
    this.value = new AtomicLong(value);
  }

  /** A clock stopped at {@code epochMillis}. */
  public static TestClock at(long epochMillis) {
    return new TestClock(false, epochMillis);
  }

  /** A clock stopped at 2023-11-14T22:13:20Z (epoch millis 1,700,000,000,000). */
  public static TestClock stopped() {
    return at(1_700_000_000_000L);
  }

  /** The system clock plus an offset (zero at first) that {@link #advance} moves. */
  public static TestClock offsetFromSystem() {
    return new TestClock(true, 0);
  }

  /** Moves the clock by {@code millis} (negative: back). */
  public TestClock advance(long millis) {
    value.addAndGet(millis);
    return this;
  }

  /** Moves the clock by {@code d} (negative: back). */
  public TestClock advance(Duration d) {
    return advance(d.toMillis());
  }

  @Override
  public long millis() {
    return followsSystem ? System.currentTimeMillis() + value.get() : value.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
