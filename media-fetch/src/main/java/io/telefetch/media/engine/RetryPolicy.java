package io.telefetch.media.engine;

import java.util.concurrent.CompletableFuture;

/** Decides what a failed part fetch means: retry after something completes, or give up. */
@FunctionalInterface
public interface RetryPolicy {
  /**
   * Called when fetching a part failed for the {@code attempt}-th time (1-based). Return a future
   * that completes normally when the part may be fetched again (after a backoff, a flood wait, a
   * file-reference refresh...), or completes exceptionally to fail the whole download with that
   * error. Call {@code window.shrink()} for errors that mean "slow down".
   */
  CompletableFuture<Void> onFailure(Throwable error, int attempt, Window window);

  /** Control over the engine's window from a retry policy. */
  interface Window {
    /** Multiplicative decrease (halve, at least 1). */
    void shrink();

    /** The current window in parts. */
    int size();
  }
}
