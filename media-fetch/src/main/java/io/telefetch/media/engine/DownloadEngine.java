package io.telefetch.media.engine;

import io.telefetch.media.Progress;
import io.telefetch.tl.TlBytes;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Downloads the parts of a {@link PartPlan} through a sliding window: up to {@code window} parts
 * are requested or buffered ahead of the sink at any time, requests complete in any order, and
 * bytes reach the {@link PartSink} strictly in order, each part once. Memory is bounded by {@code
 * maxWindow x partSize} whatever the file size.
 *
 * <p>The window adapts. From a cold start it doubles every round trip, the way TCP's slow start
 * does (one more part for every part delivered), until the link is full: a round's throughput grew
 * by less than a tenth, or parts keep coming back markedly later than the fastest one did (a queue
 * is building: the bandwidth-delay product is reached; the window then drops to what fills the
 * link, with a quarter to spare), or the maximum. Then (AIMD) after every
 * window's worth of parts delivered it grows by one part while throughput still grows (up to
 * {@code maxWindow}), holds when throughput plateaus, steps back when latency has risen well above
 * the best seen while throughput fell, and halves when the retry policy says to slow down (flood
 * waits, which also end the slow start). A failed part is retried as the {@link
 * RetryPolicy} decides; a part is never delivered twice or out of order. {@link #cancel()} stops
 * every request promptly and releases everything buffered.
 *
 * <p>Threading: the engine's state is owned by one {@link SerialExecutor} ({@link
 * Options#executor()}); every callback (a part answered, a write done, a retry due, a cancel) is a
 * task on it, and no lock is held while the engine calls outside code (the source, the sink, the
 * progress listener, the retry policy). A listener that blocks delays the download but never
 * deadlocks it, and one that calls back into the engine (cancel, window) is served after it
 * returns.
 */
public final class DownloadEngine {
  /** The stall timeout doubles after each stall, up to this. */
  private static final long MAX_STALL_TIMEOUT_MILLIS = 10 * 60_000;
  private final PartPlan plan;
  private final PartSource source;
  private final PartSink sink;
  private final RetryPolicy retry;
  private final Consumer<Progress> progress;
  private final Clock clock;
  private final SerialExecutor owner;
  private final int maxWindow;
  private final int minWindow;
  private final CompletableFuture<Long> result = new CompletableFuture<>();

  // owned by the serial executor (read elsewhere only through the volatile ones)
  private final Map<Long, TlBytes> buffered = new HashMap<>();
  /** Requests in flight: the part and the attempt each is for. */
  private final Map<CompletableFuture<?>, long[]> inFlight = new HashMap<>();
  private long nextRequest;
  private long nextEmit;
  private long eofPart = -1;
  private volatile int window;
  private int deliveredSinceGrowth;
  /** Parts delivered per round (epoch): the window when the round began. */
  private int roundParts;
  /** Doubling the window per round trip (one more part per part delivered) until the link is full. */
  private boolean slowStart = true;
  /**
   * Parts in a row, up to the last one delivered, that took markedly longer than the fastest part
   * (an eighth more and 5 ms): they queued, so the link is full (HyStart's delay signal). Enough of
   * them in a row (not one part that waited for a connection to open) end the slow start.
   */
  private int queued;
  /** When the first of those {@link #queued} parts arrived (engine clock, ms). */
  private long queuedSince;
  private boolean emitting;
  private volatile boolean finished;
  /** Set by {@link #cancel()} at once, from any thread: no part is requested or delivered after it. */
  private volatile boolean cancelRequested;
  private long bytesDone;
  private long startMillis;
  private double bestLatencyMillis = Double.MAX_VALUE;
  private double latencyEwma;
  private long epochBytes;
  private long epochStart;
  private double epochRate;
  private long stallTimeoutMillis;
  private long slowestPartMillis;
  private int maxStalls;
  private Supplier<CompletableFuture<Void>> onStall;
  private long lastProgressMillis;
  private int consecutiveStalls;
  private volatile int stalls;

  /**
   * How an engine runs: its window bounds, clock, progress listener and owner executor. Immutable;
   * {@link #newBuilder()} copies it into a builder.
   */
  public static final class Options {
    private final int initialWindow;
    private final int maxWindow;
    private final Clock clock;
    private final Consumer<Progress> progress;
    private final SerialExecutor executor;

    private Options(Builder b) {
      if (b.initialWindow < 1 || b.maxWindow < b.initialWindow) {
        throw new IllegalArgumentException("need 1 <= initialWindow <= maxWindow: " + b.initialWindow + ", "
            + b.maxWindow);
      }
      this.initialWindow = b.initialWindow;
      this.maxWindow = b.maxWindow;
      this.clock = b.clock;
      this.progress = b.progress;
      this.executor = b.executor;
    }

    /** Window 4 of 16, the system clock, no listener, a fresh direct {@link SerialExecutor}. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder holding these options. */
    public Builder newBuilder() {
      Builder b = new Builder();
      b.initialWindow = initialWindow;
      b.maxWindow = maxWindow;
      b.clock = clock;
      b.progress = progress;
      b.executor = executor;
      return b;
    }

    /** Parts in flight at the start. */
    public int initialWindow() {
      return initialWindow;
    }

    /** The most parts in flight or buffered (the memory bound). */
    public int maxWindow() {
      return maxWindow;
    }

    /** The clock of rates, latencies and the stall watchdog. */
    public Clock clock() {
      return clock;
    }

    /** Receives a {@link Progress} after each part delivered (on the owner executor). */
    public Consumer<Progress> progress() {
      return progress;
    }

    /** The executor owning the engine's state; null: a new direct one per engine. */
    public SerialExecutor executor() {
      return executor;
    }

    /** Builds {@link Options}. */
    public static final class Builder {
      private int initialWindow = 4;
      private int maxWindow = 16;
      private Clock clock = Clock.systemUTC();
      private Consumer<Progress> progress = p -> {};
      private SerialExecutor executor;

      private Builder() {}

      /** Parts in flight at the start ({@code initial}) and at most ({@code max}). */
      public Builder window(int initial, int max) {
        this.initialWindow = initial;
        this.maxWindow = max;
        return this;
      }

      public Builder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
      }

      public Builder progress(Consumer<Progress> progress) {
        this.progress = Objects.requireNonNull(progress, "progress");
        return this;
      }

      /** The executor owning the engine's state (shared with the source when it has state too). */
      public Builder executor(SerialExecutor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        return this;
      }

      /**
       * @throws IllegalArgumentException unless {@code 1 <= initialWindow <= maxWindow}
       */
      public Options build() {
        return new Options(this);
      }
    }
  }

  /** An engine for {@code plan}; nothing is requested before {@link #start()}. */
  public DownloadEngine(PartPlan plan, PartSource source, PartSink sink, RetryPolicy retry, Options options) {
    this.plan = Objects.requireNonNull(plan, "plan");
    this.source = Objects.requireNonNull(source, "source");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.window = options.initialWindow();
    this.roundParts = window;
    this.maxWindow = options.maxWindow();
    this.minWindow = 1;
    this.clock = options.clock();
    this.progress = options.progress();
    this.owner = options.executor() != null ? options.executor() : SerialExecutor.direct();
    this.nextRequest = plan.firstPart();
    this.nextEmit = plan.firstPart();
  }

  /**
   * Arms the stall watchdog (before {@link #start()}): when {@link #checkStall()} finds requests in
   * flight and nothing answered for {@code timeout} (of the engine's clock; or for four times the
   * slowest part seen, if longer), it abandons those requests, runs {@code onStall} (e.g.
   * reconnecting the connections they were sent on) and asks for the same parts again once that
   * completes. Each stall doubles the timeout (up to 10 minutes) so that a slow link is not taken
   * for a dead one. After {@code maxStalls} stalls in a row without progress the download fails
   * with {@link DownloadStalledException}. Arm it before {@link #start()} (on the starting thread):
   * the owner reads these settings only from its tasks.
   */
  public DownloadEngine watchdog(Duration timeout, int maxStalls, Supplier<CompletableFuture<Void>> onStall) {
    if (timeout.isNegative() || timeout.isZero() || maxStalls < 0) {
      throw new IllegalArgumentException("the stall timeout must be positive");
    }
    this.stallTimeoutMillis = timeout.toMillis();
    this.maxStalls = maxStalls;
    this.onStall = onStall;
    return this;
  }

  /** How many times the watchdog fired. */
  public int stalls() {
    return stalls;
  }

  /**
   * The watchdog's tick (call it periodically, e.g. every quarter of the timeout): handles a stall
   * if there is one, on the owner executor.
   *
   * @return completes with whether it found a stall (at once when the owner is idle)
   */
  public CompletableFuture<Boolean> checkStall() {
    CompletableFuture<Boolean> found = new CompletableFuture<>();
    owner.execute(() -> found.complete(stallCheck()));
    return found;
  }

  private boolean stallCheck() {
    if (finished || stallTimeoutMillis == 0 || inFlight.isEmpty()
        || clock.millis() - lastProgressMillis < Math.max(stallTimeoutMillis, 4 * slowestPartMillis)) {
      return false;
    }
    stalls++;
    // a slow link is not a dead one: wait twice as long before the next verdict
    stallTimeoutMillis = Math.min(MAX_STALL_TIMEOUT_MILLIS, stallTimeoutMillis * 2);
    if (++consecutiveStalls > maxStalls) {
      finish(new DownloadStalledException(consecutiveStalls - 1, stallTimeoutMillis / 2));
      return true;
    }
    // abandon the unanswered requests: a late answer finds them gone and is released
    List<long[]> again = new ArrayList<>();
    for (CompletableFuture<?> f : new ArrayList<>(inFlight.keySet())) {
      again.add(inFlight.remove(f));
      f.cancel(true);
    }
    lastProgressMillis = clock.millis();
    CompletableFuture<Void> ready;
    try {
      ready = onStall == null ? CompletableFuture.completedFuture(null) : onStall.get();
    } catch (RuntimeException e) {
      ready = CompletableFuture.completedFuture(null);
    }
    ready.handle((v, e) -> null).thenRun(() -> owner.execute(() -> {
      if (finished) {
        return;
      }
      lastProgressMillis = clock.millis();
      for (long[] r : again) {
        request(r[0], (int) r[1] + 1);
      }
    }));
    return true;
  }

  /** Starts the download; the future completes with the number of bytes delivered. */
  public CompletableFuture<Long> start() {
    owner.execute(() -> {
      startMillis = clock.millis();
      lastProgressMillis = startMillis;
      epochStart = startMillis;
      if (plan.length() == 0) {
        finish(null);
      } else {
        pump();
      }
    });
    return result;
  }

  /** The result future (also returned by {@link #start()}). */
  public CompletableFuture<Long> result() {
    return result;
  }

  /**
   * Stops all requests, releases buffered parts and fails the result with CancellationException
   * (at once when the owner is idle, else right after its current task).
   */
  public void cancel() {
    cancelRequested = true;
    owner.execute(() -> finish(new CancellationException("download cancelled")));
  }

  /** The current window (parts). */
  public int window() {
    return window;
  }

  private boolean morePartsToRequest() {
    long end = plan.endPart();
    if (end >= 0 && nextRequest >= end) {
      return false;
    }
    return eofPart < 0 || nextRequest <= eofPart;
  }

  /** Requests parts while the window allows. */
  private void pump() {
    while (!finished && !cancelRequested && morePartsToRequest() && nextRequest - nextEmit < window) {
      long part = nextRequest++;
      request(part, 1);
    }
  }

  private void request(long part, int attempt) {
    long sentAt = clock.millis();
    CompletableFuture<TlBytes> f;
    try {
      f = source.fetch(plan.offsetOf(part), plan.partSize());
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    inFlight.put(f, new long[] {part, attempt});
    CompletableFuture<TlBytes> fetch = f;
    f.whenComplete((data, error) -> owner.execute(() -> onFetched(fetch, part, attempt, sentAt, data, error)));
  }

  private void onFetched(CompletableFuture<TlBytes> fetch, long part, int attempt, long sentAt, TlBytes data,
      Throwable error) {
    if (inFlight.remove(fetch) == null || finished) {
      if (data != null) {
        data.release(); // finished, or abandoned by the watchdog (the part was asked again)
      }
      return;
    }
    lastProgressMillis = clock.millis();
    consecutiveStalls = 0;
    if (error == null && data.length() > plan.partSize()) {
      int n = data.length();
      data.release();
      error = new BadPartException(part, n, n + " bytes for a " + plan.partSize() + "-byte request");
    }
    if (error == null && data.length() < plan.partSize()) {
      long end = plan.endPart();
      boolean lastPlanned = end >= 0 && part == end - 1;
      boolean coversWanted = data.length() >= plan.skipOf(part) + plan.wantedOf(part);
      if (!(lastPlanned && coversWanted) && end >= 0) {
        int n = data.length();
        data.release();
        error = new BadPartException(part, n, "ended early: " + n + " bytes, the file is shorter than its size");
      } else if (end < 0 && (eofPart < 0 || part < eofPart)) {
        eofPart = part; // end of file detected by a short reply
      }
    }
    if (error == null) {
      observeLatency(clock.millis() - sentAt);
      if (eofPart >= 0 && part > eofPart) {
        data.release(); // past the end of the file
      } else {
        buffered.put(part, data);
        tryEmit();
      }
      pump();
      return;
    }
    Throwable cause = unwrap(error);
    CompletableFuture<Void> retryAfter;
    try {
      retryAfter = retry.onFailure(cause, attempt, new WindowControl());
    } catch (RuntimeException e) {
      retryAfter = CompletableFuture.failedFuture(e);
    }
    retryAfter.whenComplete((v, e) -> owner.execute(() -> {
      if (finished) {
        return;
      }
      if (e != null) {
        finish(unwrap(e));
        return;
      }
      request(part, attempt + 1);
    }));
  }

  private void observeLatency(long millis) {
    slowestPartMillis = Math.max(slowestPartMillis, millis);
    double l = Math.max(1, millis);
    bestLatencyMillis = Math.min(bestLatencyMillis, l);
    if (l > bestLatencyMillis * 1.125 + 5) {
      if (queued++ == 0) {
        queuedSince = clock.millis();
      }
    } else {
      queued = 0;
    }
    latencyEwma = latencyEwma == 0 ? l : latencyEwma * 0.8 + l * 0.2;
  }

  /** Delivers the next part if it is buffered and the sink is free. */
  private void tryEmit() {
    if (emitting || finished || cancelRequested) {
      return;
    }
    TlBytes data = buffered.remove(nextEmit);
    if (data == null) {
      return;
    }
    long part = nextEmit;
    int skip = plan.skipOf(part);
    int len = Math.max(0, Math.min(plan.wantedOf(part), data.length() - skip));
    ByteBuffer view = data.asReadOnlyByteBuffer();
    view.position(Math.min(skip, view.limit()));
    view.limit(view.position() + len);
    emitting = true;
    CompletableFuture<Void> written;
    try {
      written = sink.write(view.slice());
    } catch (RuntimeException e) {
      written = CompletableFuture.failedFuture(e);
    }
    written.whenComplete((v, e) -> {
      data.release();
      owner.execute(() -> onWritten(len, e));
    });
  }

  private void onWritten(int len, Throwable e) {
    emitting = false;
    if (finished) {
      return;
    }
    if (e != null) {
      finish(unwrap(e));
      return;
    }
    nextEmit++;
    bytesDone += len;
    grow();
    reportProgress();
    if (finished || cancelRequested) {
      return; // the listener cancelled: its task comes next
    }
    if (done()) {
      finish(null);
      return;
    }
    tryEmit();
    pump();
  }

  private boolean done() {
    long end = plan.endPart();
    if (end >= 0 && nextEmit >= end) {
      return true;
    }
    return eofPart >= 0 && nextEmit > eofPart;
  }

  /**
   * Once per window's worth of delivered parts (an epoch): grow while throughput grows, hold when
   * it plateaus, and step back when latency has risen well above the best seen while throughput
   * fell (queueing with no gain).
   */
  private void grow() {
    if (slowStart && queued >= 4) {
      // the pipe is full: keep what fills it (the rate parts arrive at now, times the latency
      // without a queue), a quarter more for parts that arrive out of order, and at least half
      slowStart = false;
      double partsPerMilli = (queued - 1) / (double) Math.max(1, clock.millis() - queuedSince);
      int fills = (int) Math.ceil(1.25 * partsPerMilli * bestLatencyMillis) + 1;
      window = Math.max(Math.max(minWindow, window / 2), Math.min(window, fills));
    } else if (slowStart && window < maxWindow) {
      window++;
    }
    if (++deliveredSinceGrowth < roundParts) {
      return;
    }
    deliveredSinceGrowth = 0;
    long now = clock.millis();
    double rate = (bytesDone - epochBytes) / (double) Math.max(1, now - epochStart);
    epochBytes = bytesDone;
    epochStart = now;
    if (slowStart) {
      if (epochRate > 0 && rate < epochRate * 1.1) {
        slowStart = false; // a round trip's doubling no longer pays
      }
      epochRate = Math.max(rate, epochRate);
      roundParts = window;
      return;
    }
    boolean latencyRising = latencyEwma > 4 * bestLatencyMillis && bestLatencyMillis > 5;
    if (epochRate == 0 || rate >= epochRate * 1.05) {
      if (window < maxWindow) {
        window++;
      }
    } else if (latencyRising && rate < epochRate * 0.8) {
      window = Math.max(minWindow, window - 1);
    }
    epochRate = Math.max(rate, epochRate * 0.9); // remember the best recent rate, slowly forgetting it
    roundParts = window;
  }

  private void reportProgress() {
    long elapsed = Math.max(1, clock.millis() - startMillis);
    try {
      progress.accept(new Progress(bytesDone, plan.length(), bytesDone * 1000.0 / elapsed, window, inFlight.size(),
          plan.start() + bytesDone));
    } catch (RuntimeException ignored) {
      // a listener's failure must not break the download
    }
  }

  private void finish(Throwable error) {
    if (finished) {
      return;
    }
    finished = true;
    for (TlBytes b : buffered.values()) {
      b.release();
    }
    buffered.clear();
    List<CompletableFuture<?>> pending = new ArrayList<>(inFlight.keySet());
    inFlight.clear();
    for (CompletableFuture<?> f : pending) {
      f.cancel(true);
    }
    if (error == null) {
      result.complete(bytesDone);
    } else {
      result.completeExceptionally(error);
    }
  }

  private static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** The retry policy's handle on the window: a shrink is a task on the owner. */
  private final class WindowControl implements RetryPolicy.Window {
    @Override
    public void shrink() {
      owner.execute(() -> {
        window = Math.max(minWindow, window / 2);
        deliveredSinceGrowth = 0;
        roundParts = window;
        slowStart = false;
      });
    }

    @Override
    public int size() {
      return window;
    }
  }
}
