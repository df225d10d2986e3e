package io.telefetch.media;

import io.telefetch.media.engine.BadPartException;
import io.telefetch.media.engine.RetryPolicy;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.FloodWaitException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.mtproto.rpc.RpcTimeoutException;
import io.telefetch.mtproto.rpc.Scheduler;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * What the downloader does when a part fails: FLOOD_WAIT -> shrink the window and wait;
 * FILE_REFERENCE_EXPIRED -> refresh the file reference (once for all parts) and retry; a hash
 * mismatch or a part of the wrong size -> fetch again a bounded number of times; 500s, -503, timeouts and lost connections ->
 * retry with exponential backoff and full jitter; anything else fails the download.
 */
final class TelegramRetryPolicy implements RetryPolicy {
  private final TelegramPartSource source;
  private final FetchOptions options;
  private final Scheduler scheduler;
  private final Random random;
  private CompletableFuture<MediaFile> refreshing;
  private int refreshes;

  TelegramRetryPolicy(TelegramPartSource source, FetchOptions options, Scheduler scheduler, Random random) {
    this.source = source;
    this.options = options;
    this.scheduler = scheduler;
    this.random = random;
  }

  @Override
  public CompletableFuture<Void> onFailure(Throwable error, int attempt, Window window) {
    if (error instanceof FloodWaitException flood) {
      window.shrink();
      if (flood.waitTime().compareTo(options.maxFloodWait()) > 0 || attempt > options.maxRetries() * 4) {
        return CompletableFuture.failedFuture(error);
      }
      return scheduler.sleep(flood.waitTime());
    }
    if (error instanceof RpcException rpc && rpc.errorMessage().startsWith("FILE_REFERENCE_")) {
      return refresh(error);
    }
    if (error instanceof HashMismatchException || error instanceof BadPartException) {
      return attempt <= options.maxHashRetries() ? CompletableFuture.completedFuture(null)
          : CompletableFuture.failedFuture(error);
    }
    boolean transientError = error instanceof ConnectionClosedException || error instanceof RpcTimeoutException
        || error instanceof RpcException rpc && rpc.isRetryable();
    if (transientError && attempt <= options.maxRetries()) {
      return scheduler.sleep(backoff(attempt));
    }
    return CompletableFuture.failedFuture(error);
  }

  /** Full jitter: a random delay in [0, min(max, base * 2^(attempt-1))). */
  Duration backoff(int attempt) {
    long cap = Math.min(options.maxBackoff().toMillis(), options.baseBackoff().toMillis() << Math.min(20, attempt - 1));
    synchronized (random) {
      return Duration.ofMillis(cap <= 0 ? 0 : (long) (random.nextDouble() * cap));
    }
  }

  /** One refresh for all parts that hit the expired reference at the same time. */
  private synchronized CompletableFuture<Void> refresh(Throwable error) {
    if (refreshing == null || refreshing.isDone()) {
      if (++refreshes > options.maxRetries() * 2) {
        return CompletableFuture.failedFuture(error);
      }
      refreshing = source.file().refresh().thenApply(fresh -> {
        source.refreshed(fresh);
        return fresh;
      });
    }
    return refreshing.thenApply(f -> null);
  }
}
