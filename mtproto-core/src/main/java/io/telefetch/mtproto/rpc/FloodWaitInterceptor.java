package io.telefetch.mtproto.rpc;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Sleeps through FLOOD_WAIT_X / FLOOD_PREMIUM_WAIT_X up to a threshold (default 60 s, at most
 * {@link #MAX_THRESHOLD}) and repeats the call; longer waits (a hostile server may ask for 10^9
 * seconds), and waits beyond the maximum count per call, fail at once with the {@link
 * FloodWaitException}, which carries the seconds, so the caller can decide. The threshold and count
 * are the call's {@link CallOptions#floodWaitThreshold()} and {@link CallOptions#maxFloodWaits()}
 * (the ones given here when the call sets none): a caller with its own flood policy (the
 * downloader, which shrinks its window) turns sleeping off with {@link
 * CallOptions.Builder#noFloodWaitSleep()}. Each repeat is reported as a retry to the {@link
 * EventListener}. Cancelling the returned future cancels the call or the sleep under way.
 */
public final class FloodWaitInterceptor implements Interceptor {
  /** The default threshold: waits up to 60 s are slept through. */
  public static final Duration DEFAULT_THRESHOLD = Duration.ofSeconds(60);
  /** The longest threshold accepted: no call ever sleeps longer than a day on a server's word. */
  public static final Duration MAX_THRESHOLD = Duration.ofDays(1);

  private final Duration threshold;
  private final Scheduler scheduler;
  private final int maxWaits;
  private final EventListener listener;

  /**
   * @param threshold the longest wait slept through automatically, from zero to {@link #MAX_THRESHOLD}
   * @param maxWaits how many waits one call may sleep through before failing
   * @throws IllegalArgumentException for a negative threshold or one above {@link #MAX_THRESHOLD}
   */
  public FloodWaitInterceptor(Duration threshold, int maxWaits, Scheduler scheduler) {
    this(threshold, maxWaits, scheduler, EventListener.NONE);
  }

  /** Like {@link #FloodWaitInterceptor(Duration, int, Scheduler)}, reporting repeats to {@code listener}. */
  public FloodWaitInterceptor(Duration threshold, int maxWaits, Scheduler scheduler, EventListener listener) {
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative() || threshold.compareTo(MAX_THRESHOLD) > 0) {
      throw new IllegalArgumentException("threshold must be within 0.." + MAX_THRESHOLD + ": " + threshold);
    }
    this.threshold = threshold;
    this.maxWaits = maxWaits;
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.listener = EventListener.guarded(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public <R> CompletableFuture<R> intercept(Chain<R> chain) {
    Duration limit = chain.options().floodWaitThreshold().orElse(threshold);
    int waits = chain.options().maxFloodWaits().orElse(maxWaits);
    if (limit.isZero() || waits <= 0) {
      return chain.proceed(chain.method()); // sleeping is off for this call
    }
    return Retrying.run(chain, scheduler, (cause, n) -> {
      if (!(cause instanceof FloodWaitException f && n < waits && f.waitTime().compareTo(limit) <= 0)) {
        return null;
      }
      listener.retry(chain.method().tlName(), InterceptorChain.sent(chain, chain.attempt() + n), f.waitTime(), cause);
      return f.waitTime();
    });
  }
}
