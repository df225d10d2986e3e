package io.telefetch.mtproto.session;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound on calls accepted and not yet written: at most {@code maxCalls} calls and {@code
 * maxBytes} bytes (one call alone may exceed the bytes). Callers reserve from any thread before
 * submitting; the session gives the reservation back once the call is written or finished.
 *
 * <p>Thread-safe.
 */
public final class SendBudget {
  private final int maxCalls;
  private final long maxBytes;
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();

  /** A budget of {@code maxCalls} calls and {@code maxBytes} bytes. */
  public SendBudget(int maxCalls, long maxBytes) {
    this.maxCalls = maxCalls;
    this.maxBytes = maxBytes;
  }

  /** Counts a call of {@code size} bytes as queued, unless that goes past the bounds (then nothing is counted). */
  public boolean tryReserve(int size) {
    int c = calls.incrementAndGet();
    long b = bytes.addAndGet(size);
    if (c > maxCalls || (b > maxBytes && c > 1)) {
      calls.decrementAndGet();
      bytes.addAndGet(-size);
      return false;
    }
    return true;
  }

  /** Gives back what {@link #tryReserve} counted for a call of {@code size} bytes. */
  public void release(int size) {
    calls.decrementAndGet();
    bytes.addAndGet(-size);
  }

  /** Calls counted now. */
  public int calls() {
    return calls.get();
  }

  /** Bytes counted now. */
  public long bytes() {
    return bytes.get();
  }

  /** The most calls. */
  public int maxCalls() {
    return maxCalls;
  }

  /** The most bytes. */
  public long maxBytes() {
    return maxBytes;
  }
}
