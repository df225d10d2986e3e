package io.telefetch.mtproto.rpc;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * Retries calls that failed with a retryable {@link RpcException} (500-class, negative codes),
 * waiting as its {@link Backoff} says. The budget is the call's {@link CallOptions#maxRetries()}
 * ({@code maxRetries} given here when the call sets none). Other failures pass through unchanged.
 * Each retry is reported to the {@link EventListener}. Cancelling the returned future cancels the
 * call or the sleep under way.
 */
public final class RetryInterceptor implements Interceptor {
  private final int maxRetries;
  private final Backoff backoff;
  private final RandomGenerator random;
  private final Scheduler scheduler;
  private final EventListener listener;

  /** With exponential backoff from {@code base} to {@code max} and no listener. */
  public RetryInterceptor(int maxRetries, Duration base, Duration max, RandomGenerator random, Scheduler scheduler) {
    this(maxRetries, Backoff.exponential(base, max), random, scheduler, EventListener.NONE);
  }

  /**
   * @param maxRetries the budget of calls whose options set none
   * @param random the jitter's randomness
   */
  public RetryInterceptor(int maxRetries, Backoff backoff, RandomGenerator random, Scheduler scheduler,
      EventListener listener) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("negative retry count " + maxRetries);
    }
    this.maxRetries = maxRetries;
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.random = Objects.requireNonNull(random, "random");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.listener = EventListener.guarded(Objects.requireNonNull(listener, "listener"));
  }

  /** The delay before retry number {@code attempt} (0-based): {@link Backoff#delay}. */
  public Duration backoff(int attempt) {
    return backoff.delay(attempt, random);
  }

  @Override
  public <R> CompletableFuture<R> intercept(Chain<R> chain) {
    int budget = chain.options().maxRetries().orElse(maxRetries);
    return Retrying.run(chain, scheduler, (cause, attempt) -> {
      if (!(cause instanceof RpcException rpc && rpc.isRetryable() && attempt < budget)) {
        return null;
      }
      Duration delay = backoff(attempt);
      listener.retry(chain.method().tlName(), InterceptorChain.sent(chain, chain.attempt() + attempt), delay, cause);
      return delay;
    });
  }
}
