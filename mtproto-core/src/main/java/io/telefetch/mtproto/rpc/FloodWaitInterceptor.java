package io.telefetch.mtproto.rpc;

import io.telefetch.tl.TlMethod;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Sleeps through FLOOD_WAIT_X / FLOOD_PREMIUM_WAIT_X up to a threshold (default 60 s) and repeats
 * the call; longer waits, and waits beyond {@code maxWaits} per call, fail with the {@link
 * FloodWaitException} so the caller can decide. Cancelling the returned future cancels the call or
 * the sleep under way.
 */
public final class FloodWaitInterceptor implements RpcInterceptor {
  /** The default threshold: waits up to 60 s are slept through. */
  public static final Duration DEFAULT_THRESHOLD = Duration.ofSeconds(60);

  private final Duration threshold;
  private final Scheduler scheduler;
  private final int maxWaits;

  /**
   * @param threshold the longest wait slept through automatically
   * @param maxWaits how many waits one call may sleep through before failing
   */
  public FloodWaitInterceptor(Duration threshold, int maxWaits, Scheduler scheduler) {
    this.threshold = Objects.requireNonNull(threshold, "threshold");
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
