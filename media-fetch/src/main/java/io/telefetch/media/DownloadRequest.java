package io.telefetch.media;

import io.telefetch.media.engine.DownloadEngine;
import io.telefetch.media.engine.PartPlan;
import io.telefetch.media.engine.PartSink;
import io.telefetch.media.engine.Progress;
import io.telefetch.mtproto.client.DcClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One download of one {@link MediaFile}: choose a range and a progress listener, then a target.
 * Each target method starts a new download. Cancelling a returned future (or closing the stream,
 * or cancelling the subscription) stops every request promptly.
 */
public final class DownloadRequest {
  private final DcClient client;
  private final HashCalls hashCalls;
  private final FetchOptions options;
  private final MediaFile file;
  private long offset;
  private long length = Long.MAX_VALUE;
  private Consumer<Progress> progress = p -> {};

  DownloadRequest(DcClient client, HashCalls hashCalls, FetchOptions options, MediaFile file) {
    this.client = client;
    this.hashCalls = hashCalls;
    this.options = options;
    this.file = file;
  }

  /** Only bytes {@code [offset, offset + length)} (clipped to the file). */
  public DownloadRequest range(long offset, long length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length");
    }
    if (file.size() >= 0 && offset > file.size()) {
      throw new IllegalArgumentException("offset " + offset + " is past the end of " + file);
    }
    this.offset = offset;
    this.length = length;
    return this;
  }

  /** Receives progress events (bytes done, total, rate, window) on the download's threads. */
  public DownloadRequest withProgress(Consumer<Progress> listener) {
    this.progress = listener == null ? p -> {} : listener;
    return this;
  }

  private DownloadEngine engine(long from, long len, PartSink sink) {
    TelegramPartSource source = new TelegramPartSource(client, hashCalls, file, options.verify(), options.cdn());
    TelegramRetryPolicy retry = new TelegramRetryPolicy(source, options, options.scheduler(), options.random());
    int max = options.maxWindow();
    int initial = Math.min(max, options.initialWindow());
    PartPlan plan = PartPlan.of(options.partSize(), file.size(), from, len);
    return new DownloadEngine(plan, source, sink, retry, initial, max, options.clock(), progress);
  }

  private static <T> CompletableFuture<T> cancellable(CompletableFuture<T> result, DownloadEngine engine) {
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        engine.cancel();
      }
    });
    return result;
  }

  // ------------------------------------------------------------------ channel

  /**
   * Writes the bytes in order to {@code channel} (not closed here); completes with the byte count.
   */
  public CompletableFuture<Long> toChannel(WritableByteChannel channel) {
    PartSink sink = data -> {
      try {
        while (data.hasRemaining()) {
          channel.write(data);
        }
        return CompletableFuture.completedFuture(null);
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    };
    DownloadEngine engine = engine(offset, length, sink);
    CompletableFuture<Long> result = new CompletableFuture<>();
    engine.start().whenComplete((n, e) -> complete(result, n, e));
    return cancellable(result, engine);
  }

  private static <T> void complete(CompletableFuture<T> f, T value, Throwable e) {
    if (e == null) {
      f.complete(value);
    } else {
      f.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
    }
  }

  // ------------------------------------------------------------------ path (with resume)

  /**
   * Downloads to {@code path}: bytes go to {@code path.part} (with a small {@code path.part.state}
   * file), which is fsynced and renamed atomically when complete. An existing {@code .part} with a
   * matching state file is resumed: the part before the seam is downloaded again and compared
   * with the disk, and the download continues after it (or starts over if they differ).
   */
  public CompletableFuture<Path> toPath(Path path) {
    Path part = path.resolveSibling(path.getFileName() + ".part");
    Path statePath = path.resolveSibling(path.getFileName() + ".part.state");
    ResumeState state;
    FileChannel channel;
    try {
      state = ResumeState.load(statePath, part, file, options.partSize(), offset, length);
      channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      if (state.committed() == 0) {
        channel.truncate(0);
      }
      state.save(statePath);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    long seamStart = Math.max(0, state.committed() - options.partSize());
    long startAt = offset + seamStart;
    PathSink sink = new PathSink(channel, state, statePath, seamStart);
    DownloadEngine engine = engine(startAt, length == Long.MAX_VALUE ? Long.MAX_VALUE : length - seamStart, sink);
    CompletableFuture<Path> result = new CompletableFuture<>();
    engine.start().whenComplete((n, e) -> {
      try {
        if (e != null) {
          sink.persist();
          channel.close();
          complete(result, null, e);
          return;
        }
        if (sink.seamMismatch) {
          channel.close();
          Files.deleteIfExists(statePath);
          Files.deleteIfExists(part);
          toPath(path).whenComplete((p, e2) -> complete(result, p, e2)); // the old bytes were not ours: start over
          return;
        }
        channel.force(true);
        channel.close();
        Files.move(part, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(statePath);
        result.complete(path);
      } catch (IOException io) {
        result.completeExceptionally(io);
      }
    });
    return cancellable(result, engine);
  }

  /** Writes at the right position of the .part file; compares instead of writing below the seam. */
  private static final class PathSink implements PartSink {
    private final FileChannel channel;
    private final ResumeState state;
    private final Path statePath;
    private long position;
    private final long committedAtStart;
    private int sinceSave;
    volatile boolean seamMismatch;

    PathSink(FileChannel channel, ResumeState state, Path statePath, long position) {
      this.channel = channel;
      this.state = state;
      this.statePath = statePath;
      this.position = position;
      this.committedAtStart = state.committed();
    }

    @Override
    public CompletableFuture<Void> write(ByteBuffer data) {
      try {
        int n = data.remaining();
        if (position < committedAtStart) {
          ByteBuffer disk = ByteBuffer.allocate((int) Math.min(n, committedAtStart - position));
          channel.read(disk, position);
          disk.flip();
          ByteBuffer fresh = data.duplicate();
          fresh.limit(fresh.position() + disk.remaining());
          if (!disk.equals(fresh)) {
            seamMismatch = true;
          }
        }
        long p = position;
        while (data.hasRemaining()) {
          p += channel.write(data, p);
        }
        position = p;
        state.commit(position);
        if (++sinceSave >= 8) {
          sinceSave = 0;
          persist();
        }
        return CompletableFuture.completedFuture(null);
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    void persist() throws IOException {
      channel.force(false);
      state.save(statePath);
    }
  }

  // ------------------------------------------------------------------ InputStream

  /**
   * An InputStream of the bytes. A slow reader stalls the window (the engine waits until the
   * reader has consumed each part); closing the stream cancels the download.
   */
  public InputStream openStream() {
    StreamSink sink = new StreamSink();
    DownloadEngine engine = engine(offset, length, sink);
    sink.engine = engine;
    engine.start().whenComplete((n, e) -> sink.finish(e));
    return sink.stream;
  }

  private static final class StreamSink implements PartSink {
    private record Chunk(ByteBuffer data, CompletableFuture<Void> consumed, Throwable end) {}

    private static final Chunk EOF = new Chunk(null, null, null);
    private final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    DownloadEngine engine;
    final InputStream stream = new Stream();

    @Override
    public CompletableFuture<Void> write(ByteBuffer data) {
      CompletableFuture<Void> consumed = new CompletableFuture<>();
      if (closed.get()) {
        return CompletableFuture.failedFuture(new CancellationException("stream closed"));
      }
      queue.add(new Chunk(data, consumed, null));
      return consumed;
    }

    void finish(Throwable e) {
      queue.add(e == null ? EOF : new Chunk(null, null, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e));
    }

    private final class Stream extends InputStream {
      private Chunk current;
      private boolean done;

      private boolean fill() throws IOException {
        if (closed.get()) {
          throw new IOException("stream closed");
        }
        while (current == null || !current.data().hasRemaining()) {
          if (current != null) {
            current.consumed().complete(null);
            current = null;
          }
          if (done) {
            return false;
          }
          Chunk c;
          try {
            c = queue.take();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the download");
          }
          if (c == EOF) {
            done = true;
            return false;
          }
          if (c.end() != null) {
            done = true;
            throw new IOException("download failed: " + c.end(), c.end());
          }
          current = c;
        }
        return true;
      }

      @Override
      public int read() throws IOException {
        return fill() ? current.data().get() & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (!fill()) {
          return -1;
        }
        int n = Math.min(len, current.data().remaining());
        current.data().get(b, off, n);
        return n;
      }

      @Override
      public int available() {
        return current == null ? 0 : current.data().remaining();
      }

      @Override
      public void close() {
        if (closed.compareAndSet(false, true)) {
          engine.cancel();
          if (current != null) {
            current.consumed().complete(null);
          }
          Chunk c;
          while ((c = queue.poll()) != null) {
            if (c.consumed() != null) {
              c.consumed().complete(null);
            }
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ Flow.Publisher

  /**
   * A cold publisher: each subscription runs one download and emits the bytes in order as
   * read-only buffers (copies; a subscriber may keep them). Demand is honoured: without demand the
   * window stalls.
   */
  public Flow.Publisher<ByteBuffer> toPublisher() {
    return subscriber -> {
      PublisherSink sink = new PublisherSink(subscriber);
      DownloadEngine engine = engine(offset, length, sink);
      sink.engine = engine;
      subscriber.onSubscribe(sink);
      engine.start().whenComplete((n, e) -> sink.finish(e));
    };
  }

  private static final class PublisherSink implements PartSink, Flow.Subscription {
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    DownloadEngine engine;
    private long demand;
    private ByteBuffer held;
    private CompletableFuture<Void> heldFuture;
    private boolean cancelled;
    private Throwable pendingEnd;
    private boolean ended;

    PublisherSink(Flow.Subscriber<? super ByteBuffer> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public CompletableFuture<Void> write(ByteBuffer data) {
      ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip().asReadOnlyBuffer();
      synchronized (this) {
        if (cancelled) {
          return CompletableFuture.failedFuture(new CancellationException("subscription cancelled"));
        }
        if (demand == 0) {
          held = copy;
          heldFuture = new CompletableFuture<>();
          return heldFuture;
        }
        demand--;
      }
      subscriber.onNext(copy);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancel();
        subscriber.onError(new IllegalArgumentException("request(" + n + ") violates Reactive Streams rule 3.9"));
        return;
      }
      ByteBuffer deliver;
      CompletableFuture<Void> release;
      synchronized (this) {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        if (held == null) {
          return;
        }
        deliver = held;
        release = heldFuture;
        held = null;
        heldFuture = null;
        demand--;
      }
      subscriber.onNext(deliver);
      release.complete(null);
      maybeEnd();
    }

    @Override
    public void cancel() {
      synchronized (this) {
        cancelled = true;
      }
      engine.cancel();
    }

    void finish(Throwable e) {
      synchronized (this) {
        pendingEnd = e == null ? null : (e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
        ended = true;
        if (cancelled) {
          return;
        }
      }
      maybeEnd();
    }

    private void maybeEnd() {
      Throwable e;
      synchronized (this) {
        if (!ended || held != null || cancelled) {
          return;
        }
        cancelled = true; // terminal: signal once
        e = pendingEnd;
      }
      if (e == null) {
        subscriber.onComplete();
      } else {
        subscriber.onError(e);
      }
    }
  }
}
