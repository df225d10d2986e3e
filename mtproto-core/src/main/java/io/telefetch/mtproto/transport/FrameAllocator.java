package io.telefetch.mtproto.transport;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client connections' allocator: heap buffers for large packets (file parts, {@value
 * FrameDecoder#LARGE_FRAME} bytes to {@link #MAX_RECYCLED}) come from a small bounded set of
 * recycled arrays; every other buffer from the delegate (Netty's pooled allocator).
 *
 * <p>Why: a 1 MiB part is a "normal" allocation for Netty's pool, which takes a 4 MiB chunk for it
 * and frees the chunk again once the part is released (a chunk that falls to zero use is
 * destroyed), so each part cost a fresh, zeroed 4 MiB array: 4 GiB of garbage per GiB downloaded,
 * young collections every few parts and, on a small heap, full collections. Here the array of a
 * released part waits in a queue of at most {@link #DEFAULT_MAX_IDLE} for the next part of about its
 * size; the steady state of a download allocates nothing.
 *
 * <p>Arrays are rounded up to 64 KiB so that packets of slightly different lengths share them; an
 * idle array more than a quarter larger than asked is dropped rather than used (a part size that
 * changed). Recycled arrays are not zeroed: a buffer's readable bytes are always bytes written into
 * it, as with Netty's pool. Buffers are leak-aware like any other. Thread-safe; a buffer may be
 * released on any thread.
 *
 * <p>{@link #buffer()} gives heap buffers (the client encrypts and decrypts on arrays, in place);
 * socket reads use {@link #ioBuffer()}, direct from the delegate.
 */
public final class FrameAllocator extends AbstractByteBufAllocator {
  /** The largest buffer recycled: a gathered packet ({@link FrameDecoder#MAX_GATHERED}) and its spill. */
  static final int MAX_RECYCLED = FrameDecoder.MAX_GATHERED + FrameDecoder.SPILL;
  /** Idle arrays kept by default: with 4 the arrays dropped and made again doubled the collections of a 1 GiB download at -Xmx32m. */
  static final int DEFAULT_MAX_IDLE = 8;
  private static final int ROUND = 64 * 1024;
  /** Pool chunks of 8 KiB pages << 7 = 1 MiB. */
  private static final int CHUNK_ORDER = 7;

  /**
   * What the client's connections pool: 64 KiB socket reads, requests and small answers (parts are
   * recycled above). Netty's defaults but 1 MiB chunks instead of 4: a chunk per event loop arena is
   * what stays resident, and nothing pooled here needs more.
   */
  private static final PooledByteBufAllocator CLIENT_POOL = new PooledByteBufAllocator(
      PooledByteBufAllocator.defaultPreferDirect(), PooledByteBufAllocator.defaultNumHeapArena(),
      PooledByteBufAllocator.defaultNumDirectArena(), PooledByteBufAllocator.defaultPageSize(), CHUNK_ORDER,
      PooledByteBufAllocator.defaultSmallCacheSize(), PooledByteBufAllocator.defaultNormalCacheSize(),
      PooledByteBufAllocator.defaultUseCacheForAllThreads());

  private static final FrameAllocator SHARED = new FrameAllocator(CLIENT_POOL, DEFAULT_MAX_IDLE);

  private final ByteBufAllocator delegate;
  private final ArrayBlockingQueue<byte[]> idle;
  private final AtomicLong created = new AtomicLong();
  private final AtomicLong reused = new AtomicLong();

  FrameAllocator(ByteBufAllocator delegate, int maxIdle) {
    super(false);
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.idle = new ArrayBlockingQueue<>(maxIdle);
  }

  /** The allocator every client connection uses (one per process: parts of all downloads share it). */
  public static FrameAllocator shared() {
    return SHARED;
  }

  /** Whether a heap buffer of this initial capacity is recycled here. */
  static boolean recycles(int initialCapacity) {
    return initialCapacity >= FrameDecoder.LARGE_FRAME && initialCapacity <= MAX_RECYCLED;
  }

  /** Returns a new buffer owned by the caller, who releases it. */
  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    if (recycles(initialCapacity) && maxCapacity >= MAX_RECYCLED + ROUND) {
      return toLeakAwareBuffer(new Recycled(this, initialCapacity, maxCapacity));
    }
    return delegate.heapBuffer(initialCapacity, maxCapacity);
  }

  /** Returns a new buffer owned by the caller, who releases it. */
  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return delegate.directBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
    return delegate.compositeHeapBuffer(maxNumComponents);
  }

  @Override
  public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
    return delegate.compositeDirectBuffer(maxNumComponents);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return delegate.isDirectBufferPooled();
  }

  /** Arrays allocated so far (not taken from the idle set). */
  long created() {
    return created.get();
  }

  /** Arrays taken from the idle set so far. */
  long reused() {
    return reused.get();
  }

  /** Arrays idle now. */
  int idle() {
    return idle.size();
  }

  private byte[] take(int capacity) {
    if (recycles(capacity)) {
      byte[] a = idle.poll();
      if (a != null && a.length >= capacity && a.length - capacity <= capacity / 4) {
        reused.incrementAndGet();
        return a;
      }
      created.incrementAndGet();
      int rounded = (int) Math.min(Integer.MAX_VALUE, ((long) capacity + ROUND - 1) / ROUND * ROUND);
      return new byte[rounded];
    }
    return new byte[capacity]; // grown past what is recycled: a plain array, left to the GC
  }

  private void give(byte[] array) {
    if (recycles(array.length)) {
      idle.offer(array); // dropped when the idle set is full
    }
  }

  /** A heap buffer whose arrays come from and go back to the allocator's idle set. */
  private static final class Recycled extends UnpooledHeapByteBuf {
    Recycled(FrameAllocator alloc, int initialCapacity, int maxCapacity) {
      super(alloc, initialCapacity, maxCapacity);
    }

    @Override
    protected byte[] allocateArray(int initialCapacity) {
      return ((FrameAllocator) alloc()).take(initialCapacity);
    }

    @Override
    protected void freeArray(byte[] array) {
      ((FrameAllocator) alloc()).give(array);
    }
  }

  @Override
  public String toString() {
    return "FrameAllocator[idle " + idle.size() + ", created " + created + ", reused " + reused + "]";
  }
}
