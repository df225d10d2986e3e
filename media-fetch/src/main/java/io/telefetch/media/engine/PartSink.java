package io.telefetch.media.engine;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** Receives the downloaded bytes in order, one part at a time. */
@FunctionalInterface
public interface PartSink {
  /**
   * Consumes {@code data} (read-only, valid only until the returned future completes). The engine
   * delivers the next part only after the future completes, so a slow sink stalls the window
   * instead of growing memory.
   */
  CompletableFuture<Void> write(ByteBuffer data);
}
