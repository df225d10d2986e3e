package io.telefetch.mtproto.rpc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** Delays work; injected so that tests run without real waiting. */
@FunctionalInterface
public interface Scheduler {
  /** Completes after {@code delay}. */
  CompletableFuture<Void> sleep(Duration delay);

  /** A scheduler backed by real time. */
  static Scheduler system() {
    return delay -> {
      Executor e = CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS);
      return CompletableFuture.runAsync(() -> {}, e);
    };
  }
}
