package io.telefetch.mtproto.connection;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition until it holds or a deadline passes: for what waits on real I/O (a socket, a
 * peer's thread), never for protocol time, which the session's own tests drive on virtual time.
 */
final class Await {
  private Await() {}

  static void until(BooleanSupplier condition, long timeout, TimeUnit unit) {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout + " " + unit);
      }
      try {
        Thread.sleep(10); // a poll interval on real I/O, not a wait for protocol time
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
