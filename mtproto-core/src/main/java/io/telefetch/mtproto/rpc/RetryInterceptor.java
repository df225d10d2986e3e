package io.telefetch.mtproto.rpc;

import io.telefetch.tl.TlMethod;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Retries calls that failed with a retryable {@link RpcException} (500-class, negative codes) using
 * exponential backoff with full jitter: retry n (0-based) waits a random time in {@code [0,
 * min(max, base * 2^n))}. Other failures pass through unchanged. Cancelling the returned future
 * cancels the call or the sleep under way.
 */
public final class RetryInterceptor implements RpcInterceptor {
  private final int maxRetries;
  private final Duration base;
  private final Duration max;
  private final Random random;
  private final Scheduler scheduler;

  public RetryInterceptor(int maxRetries, Duration base, Duration max, Random random, Scheduler scheduler) {
    this.maxRetries = maxRetries;
    this.base = Objects.requireNonNull(base, "base");
    this.max = Objects.requireNonNull(max, "max");
    this.random = Objects.requireNonNull(random, "random");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** The delay before retry number {@code attempt} (0-based): uniform in {@code [0, min(max, base * 2^attempt))}. */
  public Duration backoff(int attempt) {
    long maxMillis = max.toMillis();
    long baseMillis = base.toMillis();
    int shift = Math.max(0, Math.min(attempt, 62));
    // saturating base << shift, capped at max
    long cap = baseMillis > (maxMillis >> shift) ? maxMillis : Math.min(maxMillis, baseMillis << shift);
    long jitter;
    synchronized (random) {
      jitter = cap <= 0 ? 0 : (long) (random.nextDouble() * cap);
    }
    return Duration.ofMillis(jitter);
  }

  @Override
  public <R> CompletableFuture<R> intercept(TlMethod<R> method, RpcCaller next) {
    return Retrying.run(method, next, scheduler, (cause, attempt) ->
        cause instanceof RpcException rpc && rpc.isRetryable() && attempt < maxRetries ? backoff(attempt) : null);
  }
}
