package io.telefetch.media;

import io.telefetch.media.engine.DownloadEngine;
import io.telefetch.media.engine.PartPlan;
import io.telefetch.media.engine.PartSink;
import io.telefetch.media.engine.SerialExecutor;
import io.telefetch.mtproto.client.DcClient;
import io.telefetch.mtproto.rpc.EventListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One download of one {@link MediaFile}: choose a range and a progress listener, then a target.
 * Each target method starts a new download. Cancelling a returned future (or closing the stream,
 * or cancelling the subscription) stops every request promptly.
 *
 * <p>Immutable: {@link #range} and {@link #withProgress} return a new request ({@link #newBuilder()}
 * changes several things at once), so one request can be shared and reused.
 */
public final class DownloadRequest {
  /** Damaged saved parts a resume refetches one by one; beyond this it downloads again from the first one. */
  private static final int MAX_REPAIRS = 16;
  private final DcClient client;
  private final EventListener events;
  private final FetchOptions options;
  private final MediaFile file;
  private final long offset;
  private final long length;
  private final Consumer<Progress> progress;
  /** The watchdog's count over this value's downloads (a statistic, not part of the value). */
  private final AtomicInteger stalls = new AtomicInteger();

  private DownloadRequest(Builder b) {
    this.client = b.client;
    this.events = EventListener.guarded(b.client.eventListener());
    this.options = b.options;
    this.file = b.file;
    this.offset = b.offset;
    this.length = b.length;
    this.progress = b.progress;
  }

  /** A builder of a request for the whole of {@code file}. */
  static Builder newBuilder(DcClient client, FetchOptions options, MediaFile file) {
    return new Builder(client, options, file);
  }

  /** A builder holding this request's file, range and listener. */
  public Builder newBuilder() {
    Builder b = new Builder(client, options, file);
    b.offset = offset;
    b.length = length;
    b.progress = progress;
    return b;
  }

  /** Builds a {@link DownloadRequest}; get one from {@link DownloadRequest#newBuilder()}. */
  public static final class Builder {
    private final DcClient client;
    private final FetchOptions options;
    private final MediaFile file;
    private long offset;
    private long length = Long.MAX_VALUE;
    private Consumer<Progress> progress = p -> {};

    private Builder(DcClient client, FetchOptions options, MediaFile file) {
      this.client = client;
      this.options = options;
      this.file = file;
    }

    /**
     * Only bytes {@code [offset, offset + length)} (clipped to the file).
     *
     * @throws IllegalArgumentException for a negative offset or length, or an offset past the end
     */
    public Builder range(long offset, long length) {
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

    /** Receives progress events (null: none). */
    public Builder progress(Consumer<Progress> listener) {
      this.progress = listener == null ? p -> {} : listener;
      return this;
    }

    public DownloadRequest build() {
      return new DownloadRequest(this);
    }
  }

  /** A request for only bytes {@code [offset, offset + length)} (clipped to the file); this one is unchanged. */
  public DownloadRequest range(long offset, long length) {
    return newBuilder().range(offset, length).build();
  }

  /**
   * A request whose progress events (whole-download bytes, total, rate, window; see {@link
   * Progress}) go to {@code listener}, on the download's threads; this one is unchanged.
   */
  public DownloadRequest withProgress(Consumer<Progress> listener) {
    return newBuilder().progress(listener).build();
  }

  /** The first byte wanted. */
  public long offset() {
    return offset;
  }

  /** How many bytes are wanted at most ({@link Long#MAX_VALUE}: to the end). */
  public long length() {
    return length;
  }

  /**
   * One download as the {@link EventListener} and the progress listener see it, across the
   * engines of a resumed or repaired download: when it started, how many bytes of the range were
   * already saved, and how many it delivered.
   */
  private final class Trace {
    private final long startMillis = options.clock().millis();
    private final AtomicLong finishedEngines = new AtomicLong();
    private final AtomicLong currentEngine = new AtomicLong();
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile long saved;
    private volatile long total = -1;

    /** Bytes of the range a resume found saved and valid, and the range's length (-1 unknown). */
    void resumed(long savedBytes, long totalBytes) {
      this.saved = savedBytes;
      this.total = totalBytes;
    }

    /** The engine's (relative) events made whole-download ones for {@code user}. */
    Consumer<Progress> progress(Consumer<Progress> user) {
      currentEngine.set(0);
      return p -> {
        currentEngine.set(p.bytesDone());
        long done = saved + finishedEngines.get() + p.bytesDone();
        long whole = total >= 0 ? total : p.totalBytes();
        user.accept(new Progress(done, whole, p.bytesPerSecond(), p.window(), p.inFlight(), p.position()));
      };
    }

    /** An engine delivered {@code n} bytes and ended. */
    void engineDone(long n) {
      currentEngine.set(0);
      finishedEngines.addAndGet(n);
    }

    /** The download ended ({@code failure} null: completed); reported once. */
    void finished(Throwable failure) {
      if (reported.compareAndSet(false, true)) {
        long elapsed = Math.max(0, options.clock().millis() - startMillis);
        events.downloadFinished(finishedEngines.get() + currentEngine.get(), Duration.ofMillis(elapsed),
            failure == null ? null : unwrap(failure));
      }
    }
  }

  private DownloadEngine engine(long from, long len, PartSink sink, Trace trace) {
    SerialExecutor owner = SerialExecutor.direct();
    SourceRouter source = new SourceRouter(client, file, options.verify(), options.cdn(), owner);
    TelegramRetryPolicy retry = new TelegramRetryPolicy(source, options, options.scheduler(), options.random(), events);
    int max = options.maxWindow();
    int initial = Math.min(max, options.initialWindow());
    PartPlan plan = PartPlan.of(options.partSize(), file.size(), from, len);
    DownloadEngine engine = new DownloadEngine(plan, source, sink, retry, DownloadEngine.Options.builder()
        .window(initial, max).clock(options.clock()).progress(trace.progress(progress)).executor(owner).build());
    engine.result().whenComplete((n, e) -> {
      if (e == null) {
        trace.engineDone(n);
      }
    });
    if (!options.stallTimeout().isZero()) {
      engine.watchdog(options.stallTimeout(), options.maxRetries(), () -> {
        stalls.incrementAndGet();
        return source.reconnect();
      });
    }
    return engine;
  }

  /** Starts {@code engine} and, when the watchdog is on, its periodic stall checks. */
  private CompletableFuture<Long> run(DownloadEngine engine) {
    CompletableFuture<Long> result = engine.start();
    Duration timeout = options.stallTimeout();
    if (!timeout.isZero()) {
      tick(engine, Duration.ofMillis(Math.max(1, timeout.toMillis() / 4)));
    }
    return result;
  }

  private void tick(DownloadEngine engine, Duration every) {
    if (engine.result().isDone()) {
      return;
    }
    options.watchdogScheduler().sleep(every).whenComplete((v, e) -> {
      if (e == null && !engine.result().isDone()) {
        engine.checkStall();
        tick(engine, every);
      }
    });
  }

  /** How many times the stall watchdog fired for this request's downloads. */
  public int stalls() {
    return stalls.get();
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
    Trace trace = new Trace();
    DownloadEngine engine = engine(offset, length, sink, trace);
    CompletableFuture<Long> result = new CompletableFuture<>();
    result.whenComplete((n, e) -> trace.finished(e));
    run(engine).whenComplete((n, e) -> {
      trace.finished(e); // reported before the caller sees the result
      complete(result, n, e);
    });
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
   * file holding the SHA-256 of every part written), which is fsynced and renamed atomically when
   * complete. An existing {@code .part} with a matching state file is resumed: every saved part is
   * checked against its stored hash first (on the calling thread), parts that differ are fetched
   * again, and the download continues after the saved ones.
   *
   * <p>No link is followed: when the destination, the {@code .part} or the state file is a
   * symbolic link or not a regular file, or a {@code .part} or state file left there belongs to
   * another user, the future fails with a {@link DownloadIOException} and nothing is written. The
   * partial and state files are created owner-only (mode 600), so the finished file is too. A
   * disk error fails it with a {@link DownloadIOException} naming the file (the first error is
   * the cause, cleanup errors are suppressed); the partial file is closed and kept for a resume.
   *
   * <p>When {@code path} is an existing directory, the file is saved in it under the media's own
   * name made safe ({@link SafeFileNames#of}: no path separators, control characters, {@code .} or
   * {@code ..}; a name from the id and MIME type when it has none); the future completes with the
   * path written.
   */
  public CompletableFuture<Path> toPath(Path destination) {
    Path path = Files.isDirectory(destination) ? destination.resolve(SafeFileNames.of(file)) : destination;
    PartPlan whole = PartPlan.of(options.partSize(), file.size(), offset, length);
    ResumeState fresh = ResumeState.fresh(file, options.partSize(), offset, whole.length());
    PartFile files;
    ResumeState state;
    List<Integer> bad;
    try {
      files = PartFile.open(path, options.fileIo());
    } catch (DownloadIOException e) {
      return CompletableFuture.failedFuture(e);
    }
    try {
      state = files.existed() ? files.loadState(fresh) : fresh;
      bad = files.verify(state);
      if (bad.size() > MAX_REPAIRS) {
        state.truncate(bad.get(0)); // much is damaged: download again from the first bad part on
        bad = List.of();
      }
      if (state.chunks() == 0) {
        files.truncate();
      }
      files.saveState(state);
    } catch (DownloadIOException e) {
      files.closeInto(e);
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Path> result = new CompletableFuture<>();
    Trace trace = new Trace();
    long damaged = 0;
    for (int index : bad) {
      damaged += state.chunkLength(index);
    }
    trace.resumed(state.committed() - damaged, whole.length());
    result.whenComplete((p, e) -> trace.finished(e));
    List<DownloadEngine> engines = new CopyOnWriteArrayList<>();
    // refetch the saved parts that no longer match their hash, one after the other, then the rest
    CompletableFuture<Void> repaired = CompletableFuture.completedFuture(null);
    for (int index : bad) {
      repaired = repaired.thenCompose(v -> {
        if (result.isDone()) {
          return CompletableFuture.failedFuture(new CancellationException("download cancelled"));
        }
        long start = state.chunkStart(index);
        PathSink sink = PathSink.repair(files, state, index, start);
        DownloadEngine engine = engine(offset + start, state.chunkLength(index), sink, trace);
        engines.add(engine);
        return run(engine).thenRun(() -> {});
      });
    }
    CompletableFuture<Long> all = repaired.thenCompose(v -> {
      if (result.isDone()) {
        return CompletableFuture.failedFuture(new CancellationException("download cancelled"));
      }
      long committed = state.committed();
      PathSink sink = PathSink.append(files, state, committed);
      long rest = length == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, whole.length() - committed);
      DownloadEngine engine = engine(offset + committed, rest, sink, trace);
      engines.add(engine);
      return run(engine);
    });
    all.whenComplete((n, e) -> {
      if (e == null) {
        try {
          files.complete();
          trace.finished(null); // reported before the caller sees the result
          result.complete(path);
        } catch (DownloadIOException io) {
          files.closeInto(io);
          result.completeExceptionally(io);
        }
        return;
      }
      Throwable first = unwrap(e);
      try {
        files.persist(state); // keep what was written for a resume (this may fail too on a full disk)
      } catch (DownloadIOException io) {
        if (io != first) {
          first.addSuppressed(io);
        }
      }
      files.closeInto(first);
      trace.finished(first);
      result.completeExceptionally(first);
    });
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        engines.forEach(DownloadEngine::cancel);
        all.cancel(false);
      }
    });
    return result;
  }

  private static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Writes parts at their position in the .part file and records their SHA-256 in the state. */
  private static final class PathSink implements PartSink {
    private final PartFile files;
    private final ResumeState state;
    private final boolean repair;
    private int index;
    private long position;
    private int sinceSave;

    private PathSink(PartFile files, ResumeState state, boolean repair, int index, long position) {
      this.files = files;
      this.state = state;
      this.repair = repair;
      this.index = index;
      this.position = position;
    }

    /** Appends after the saved chunks. */
    static PathSink append(PartFile files, ResumeState state, long position) {
      return new PathSink(files, state, false, state.chunks(), position);
    }

    /** Rewrites saved chunk {@code index} at {@code position}. */
    static PathSink repair(PartFile files, ResumeState state, int index, long position) {
      return new PathSink(files, state, true, index, position);
    }

    @Override
    public CompletableFuture<Void> write(ByteBuffer data) {
      int n = data.remaining();
      if (n == 0) {
        return CompletableFuture.completedFuture(null);
      }
      MessageDigest sha = ResumeState.sha256();
      sha.update(data.duplicate());
      byte[] hash = sha.digest();
      try {
        files.write(data, position);
        position += n;
        if (repair) {
          state.replace(index, hash);
          files.persist(state);
          return CompletableFuture.completedFuture(null);
        }
        state.append(index++, hash, position);
        // save every 8 parts, less often for long files (the state grows with the parts)
        if (++sinceSave >= Math.max(8, index / 8)) {
          sinceSave = 0;
          files.persist(state);
        }
        return CompletableFuture.completedFuture(null);
      } catch (DownloadIOException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
  }

  // ------------------------------------------------------------------ InputStream

  /**
   * An InputStream of the bytes. A slow reader stalls the window (the engine waits until the
   * reader has consumed each part); closing the stream cancels the download.
   */
  public InputStream openStream() {
    StreamSink sink = new StreamSink();
    Trace trace = new Trace();
    DownloadEngine engine = engine(offset, length, sink, trace);
    sink.engine = engine;
    run(engine).whenComplete((n, e) -> {
      trace.finished(e);
      sink.finish(e);
    });
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
      Trace trace = new Trace();
      DownloadEngine engine = engine(offset, length, sink, trace);
      sink.engine = engine;
      subscriber.onSubscribe(sink);
      run(engine).whenComplete((n, e) -> {
        trace.finished(e);
        sink.finish(e);
      });
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
      CompletableFuture<Void> release;
      synchronized (this) {
        cancelled = true;
        release = heldFuture;
        held = null;
        heldFuture = null;
      }
      engine.cancel();
      if (release != null) {
        release.complete(null); // the engine releases the held part's bytes once its write completes
      }
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

  /** The file (no location, id, access hash or file reference) and the range. */
  @Override
  public String toString() {
    return "DownloadRequest{" + file + ", offset=" + offset + (length == Long.MAX_VALUE ? "" : ", length=" + length) + "}";
  }
}
