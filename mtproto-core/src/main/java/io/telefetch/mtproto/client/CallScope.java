package io.telefetch.mtproto.client;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One call as the caller sees it, across interceptor retries and the client's resends: cancelling
 * the caller's future cancels the request in flight on its connection (which drops the answer and
 * releases it if it still arrives) and stops any further attempt.
 */
final class CallScope {
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  boolean cancelled() {
    return cancelled;
  }

  /** Registers a connection-level request future; cancels it at once if the call was cancelled. */
  <T> CompletableFuture<T> track(CompletableFuture<T> request) {
    inFlight.add(request);
    request.whenComplete((r, e) -> inFlight.remove(request));
    if (cancelled) {
      request.cancel(false);
    }
    return request;
  }

  void cancel() {
    cancelled = true;
    for (CompletableFuture<?> f : inFlight) {
      f.cancel(false);
    }
  }

  static <T> CompletableFuture<T> cancelledFuture() {
    return CompletableFuture.failedFuture(new CancellationException("the call was cancelled"));
  }
}
