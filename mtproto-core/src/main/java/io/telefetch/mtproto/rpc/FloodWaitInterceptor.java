package io.telefetch.mtproto.rpc;

import io.telefetch.tl.TlMethod;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Sleeps through FLOOD_WAIT_X / FLOOD_PREMIUM_WAIT_X up to a threshold (default 60 s, at most
 * {@link #MAX_THRESHOLD}) and repeats the call; longer waits (a hostile server may ask for 10^9
 * seconds), and waits beyond {@code maxWaits} per call, fail at once with the {@link
 * FloodWaitException}, which carries the seconds, so the caller can decide. Cancelling the returned
 * future cancels the call or the sleep under way.
 */
public final class FloodWaitInterceptor implements RpcInterceptor {
  /** The default threshold: waits up to 60 s are slept through. */
  public static final Duration DEFAULT_THRESHOLD = Duration.ofSeconds(60);
  /** The longest threshold accepted: no call ever sleeps longer than a day on a server's word. */
  public static final Duration MAX_THRESHOLD = Duration.ofDays(1);

  private final Duration threshold;
  private final Scheduler scheduler;
  private final int maxWaits;

  /**
   * @param threshold the longest wait slept through automatically, from zero to {@link #MAX_THRESHOLD}
   * @param maxWaits how many waits one call may sleep through before failing
   * @throws IllegalArgumentException for a negative threshold or one above {@link #MAX_THRESHOLD}
   */
  public FloodWaitInterceptor(Duration threshold, int maxWaits, Scheduler scheduler) {
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative() || threshold.compareTo(MAX_THRESHOLD) > 0) {
      throw new IllegalArgumentException("threshold must be within 0.." + MAX_THRESHOLD + ": " + threshold);
    }
    this.threshold = threshold;
    this.maxWaits = maxWaits;
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  @Override
  public <R> CompletableFuture<R> intercept(TlMethod<R> method, RpcCaller next) {
    return Retrying.run(method, next, scheduler, (cause, waits) ->
        cause instanceof FloodWaitException f && waits < maxWaits && f.waitTime().compareTo(threshold) <= 0
            ? f.waitTime() : null);
  }
}
