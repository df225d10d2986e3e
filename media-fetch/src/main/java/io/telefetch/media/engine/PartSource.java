package io.telefetch.media.engine;

import io.telefetch.tl.TlBytes;
import java.util.concurrent.CompletableFuture;

/** Fetches the bytes of one part; the engine owns (and releases) every returned {@link TlBytes}. */
@FunctionalInterface
public interface PartSource {
  /**
   * Fetches {@code limit} bytes at {@code offset}. Completes with at most {@code limit} bytes; fewer
   * only at the end of the file. Cancelling the future should stop the request.
   */
  CompletableFuture<TlBytes> fetch(long offset, int limit);
}
