package io.telefetch.mtproto.rpc;

import io.telefetch.tl.TlMethod;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sleeps through FLOOD_WAIT_X / FLOOD_PREMIUM_WAIT_X up to a threshold (default 60 s) and repeats
 * the call; longer waits fail with the {@link FloodWaitException} so the caller can decide.
 */
public final class FloodWaitInterceptor implements RpcInterceptor {
  private final Duration threshold;
  private final Scheduler scheduler;
  private final int maxWaits;

  /**
   * @param threshold the longest wait slept through automatically
   * @param maxWaits how many waits one call may sleep through before failing
   */
  public FloodWaitInterceptor(Duration threshold, int maxWaits, Scheduler scheduler) {
    this.threshold = threshold;
    this.maxWaits = maxWaits;
    this.scheduler = scheduler;
  }

  @Override
  public <R> CompletableFuture<R> intercept(TlMethod<R> method, RpcCaller next) {
    return attempt(method, next, 0);
  }

  private <R> CompletableFuture<R> attempt(TlMethod<R> method, RpcCaller next, int waits) {
    return next.call(method).handle((r, e) -> {
      Throwable cause = unwrap(e);
      if (cause instanceof FloodWaitException f && waits < maxWaits && f.waitTime().compareTo(threshold) <= 0) {
        return scheduler.sleep(f.waitTime()).thenCompose(v -> attempt(method, next, waits + 1));
      }
      return e == null ? CompletableFuture.completedFuture(r) : CompletableFuture.<R>failedFuture(cause);
    }).thenCompose(f -> f);
  }

  static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
