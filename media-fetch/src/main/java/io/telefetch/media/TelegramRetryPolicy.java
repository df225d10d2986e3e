package io.telefetch.media;

import io.telefetch.media.engine.BadPartException;
import io.telefetch.media.engine.RetryPolicy;
import io.telefetch.mtproto.rpc.Backoff;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.EventListener;
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
 * retry with the client's {@link Backoff} (exponential, full jitter); anything else fails the download.
 * This is the only retry policy of a part: the parts are sent with {@link
 * io.telefetch.mtproto.rpc.CallOptions#SINGLE_ATTEMPT}, so the client neither sleeps through their
 * flood waits nor repeats them. Every retry and flood wait is reported to the client's {@link
 * EventListener}.
 *
 * <p>Threading: the engine calls it on the download's owner executor only, which owns its state
 * (the refresh in progress); no lock is held while it asks the file's refresher.
 */
final class TelegramRetryPolicy implements RetryPolicy {
  private final SourceRouter source;
  private final FetchOptions options;
  private final Scheduler scheduler;
  private final Random random;
  private final Backoff backoff;
  private final EventListener events;
  // owned by the download's owner executor
  private CompletableFuture<MediaFile> refreshing;
  private int refreshes;

  TelegramRetryPolicy(SourceRouter source, FetchOptions options, Scheduler scheduler, Random random,
      EventListener events) {
    this.source = source;
    this.options = options;
    this.scheduler = scheduler;
    this.random = random;
    this.backoff = options.backoff();
    this.events = events;
  }

  private String method() {
    return source.usingCdn() ? "upload.getCdnFile" : "upload.getFile";
  }

  @Override
  public CompletableFuture<Void> onFailure(Throwable error, int attempt, Window window) {
    if (error instanceof FloodWaitException flood) {
      window.shrink();
      if (flood.waitTime().compareTo(options.maxFloodWait()) > 0 || attempt > options.maxRetries() * 4) {
        return CompletableFuture.failedFuture(error);
      }
      events.retry(method(), attempt, flood.waitTime(), error);
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
      Duration delay = backoff(attempt);
      events.retry(method(), attempt, delay, error);
      return scheduler.sleep(delay);
    }
    return CompletableFuture.failedFuture(error);
  }

  /** The delay after failed attempt {@code attempt} (1-based): {@link Backoff#delay} of retry {@code attempt - 1}. */
  Duration backoff(int attempt) {
    return backoff.delay(attempt - 1, random);
  }

  /** One refresh for all parts that hit the expired reference at the same time. */
  private CompletableFuture<Void> refresh(Throwable error) {
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
