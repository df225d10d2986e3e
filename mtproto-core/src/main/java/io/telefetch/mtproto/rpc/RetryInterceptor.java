package io.telefetch.mtproto.rpc;

import io.telefetch.tl.TlMethod;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Retries calls that failed with a retryable {@link RpcException} (500-class, negative codes) using
 * exponential backoff with full jitter: attempt n waits a random time in {@code [0, min(max, base *
 * 2^n))}.
 */
public final class RetryInterceptor implements RpcInterceptor {
  private final int maxRetries;
  private final Duration base;
  private final Duration max;
  private final Random random;
  private final Scheduler scheduler;

  public RetryInterceptor(int maxRetries, Duration base, Duration max, Random random, Scheduler scheduler) {
    this.maxRetries = maxRetries;
    this.base = base;
    this.max = max;
    this.random = random;
    this.scheduler = scheduler;
  }

  /** The delay before retry number {@code attempt} (0-based). */
  public Duration backoff(int attempt) {
    long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(attempt, 30));
    long jitter;
    synchronized (random) {
      jitter = cap <= 0 ? 0 : (long) (random.nextDouble() * cap);
    }
    return Duration.ofMillis(jitter);
  }

  @Override
  public <R> CompletableFuture<R> intercept(TlMethod<R> method, RpcCaller next) {
    return attempt(method, next, 0);
  }

  private <R> CompletableFuture<R> attempt(TlMethod<R> method, RpcCaller next, int attempt) {
    return next.call(method).handle((r, e) -> {
      Throwable cause = FloodWaitInterceptor.unwrap(e);
      if (cause instanceof RpcException rpc && rpc.isRetryable() && attempt < maxRetries) {
        return scheduler.sleep(backoff(attempt)).thenCompose(v -> attempt(method, next, attempt + 1));
      }
      return e == null ? CompletableFuture.completedFuture(r) : CompletableFuture.<R>failedFuture(cause);
    }).thenCompose(f -> f);
  }
}
