package io.telefetch.mtproto.rpc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** Delays work; injected so that tests run without real waiting. */
@FunctionalInterface
public interface Scheduler {
  /** The longest delay expressible in nanoseconds. */
  Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);

  /** Completes after {@code delay}. */
  CompletableFuture<Void> sleep(Duration delay);

  /**
   * A scheduler backed by real time. Negative delays do not wait; delays too long for a nanosecond
   * count (about 292 years) are taken as that long, never an overflow.
   */
  static Scheduler system() {
    return delay -> {
      long nanos = delay.isNegative() ? 0 : delay.compareTo(MAX_NANOS) >= 0 ? Long.MAX_VALUE : delay.toNanos();
      Executor e = CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS);
      return CompletableFuture.runAsync(() -> {}, e);
    };
  }
}
