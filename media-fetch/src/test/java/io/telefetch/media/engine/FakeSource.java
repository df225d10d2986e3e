package io.telefetch.media.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlRegistry;
import io.telefetch.tl.TlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A part source over a byte array that answers requests in a scrambled order when {@link
 * #releaseSome} is called, handing out zero-copy slices of pooled buffers (as the real connection
 * does) so the leak detector sees any part the engine forgets to release.
 */
final class FakeSource implements PartSource {
  final byte[] file;
  final List<Request> pending = new ArrayList<>();
  final AtomicInteger requests = new AtomicInteger();
  int maxOutstanding;
  BiFunction<Long, Integer, Throwable> failure = (o, l) -> null;

  record Request(long offset, int limit, CompletableFuture<TlBytes> future) {}

  FakeSource(byte[] file) {
    this.file = file;
  }

  @Override
  public synchronized CompletableFuture<TlBytes> fetch(long offset, int limit) {
    requests.incrementAndGet();
    if (offset % limit != 0 || (1 << 20) % limit != 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("LIMIT_INVALID/OFFSET_INVALID"));
    }
    CompletableFuture<TlBytes> f = new CompletableFuture<>();
    pending.add(new Request(offset, limit, f));
    maxOutstanding = Math.max(maxOutstanding, pending.size());
    return f;
  }

  /** Answers up to {@code n} outstanding requests, in a random order. Returns how many. */
  int releaseSome(Random random, int n) {
    List<Request> chosen = new ArrayList<>();
    synchronized (this) {
      for (int i = 0; i < n && !pending.isEmpty(); i++) {
        chosen.add(pending.remove(random.nextInt(pending.size())));
      }
    }
    for (Request r : chosen) {
      Throwable t = failure.apply(r.offset(), r.limit());
      if (t != null) {
        r.future().completeExceptionally(t);
        continue;
      }
      int len = (int) Math.max(0, Math.min(r.limit(), file.length - r.offset()));
      TlBytes slice = slice(file, (int) Math.min(r.offset(), file.length), len);
      if (!r.future().complete(slice)) {
        slice.release();
      }
    }
    return chosen.size();
  }

  synchronized int outstanding() {
    return pending.size();
  }

  static TlBytes slice(byte[] data, int offset, int len) {
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(len + 8);
    try {
      new TlWriter(buf).writeBytes(TlBytes.of(data, offset, len));
      return new TlReader(buf, TlRegistry.standard(), TlReader.Options.DEFAULT.withZeroCopyThreshold(1)).readBytes();
    } finally {
      buf.release();
    }
  }
}
