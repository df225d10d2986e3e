package io.telefetch.media.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.testing.TestClock;
import io.telefetch.tl.TlBytes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DownloadEngineTest {
  private static final int KIB = 1024;

  private static byte[] file(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Collects bytes; optionally completes writes only when told (a slow reader). */
  static final class Collector implements PartSink {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final List<CompletableFuture<Void>> held = new ArrayList<>();
    boolean slow;

    @Override
    public synchronized CompletableFuture<Void> write(ByteBuffer data) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      out.write(b, 0, b.length);
      if (!slow) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      held.add(f);
      return f;
    }

    synchronized void releaseWrites() {
      List<CompletableFuture<Void>> copy = new ArrayList<>(held);
      held.clear();
      copy.forEach(f -> f.complete(null));
    }
  }

  /** An engine on a direct serial owner (every task runs on the thread that completes a future). */
  private static DownloadEngine engine(PartPlan plan, PartSource source, PartSink sink, RetryPolicy retry,
      int initialWindow, int maxWindow, Clock clock, java.util.function.Consumer<io.telefetch.media.Progress> progress) {
    return new DownloadEngine(plan, source, sink, retry, DownloadEngine.Options.builder()
        .window(initialWindow, maxWindow).clock(clock).progress(progress).build());
  }

  private static final RetryPolicy NO_RETRY = (e, attempt, w) -> CompletableFuture.failedFuture(e);

  private static long drive(FakeSource source, Collector sink, DownloadEngine engine, Random random) {
    CompletableFuture<Long> result = engine.start();
    int rounds = 0;
    while (!result.isDone() && rounds++ < 1_000_000) {
      sink.releaseWrites();
      source.releaseSome(random, 1 + random.nextInt(3));
    }
    return result.join();
  }

  @ParameterizedTest(name = "size={0} part={1} offset={2} length={3} knownSize={4}")
  @CsvSource({
      "1048576, 65536, 0, 1048576, true",
      "1000000, 65536, 0, 1000000, true",
      "1000000, 65536, 0, 1000000, false",
      "3145728, 1048576, 0, 3145728, false",
      "500000, 4096, 12345, 100000, true",
      "500000, 16384, 499999, 1, true",
      "500000, 16384, 16384, 16384, true",
      "500000, 16384, 0, 0, true",
      "70000, 65536, 0, 70000, false",
      "65536, 65536, 0, 65536, false"})
  void deliversExactlyTheRangeInOrder(int size, int part, long offset, long length, boolean knownSize) {
    byte[] data = file(size, size ^ part);
    FakeSource source = new FakeSource(data);
    Collector sink = new Collector();
    PartPlan plan = PartPlan.of(part, knownSize ? size : -1, offset, knownSize ? length : Long.MAX_VALUE);
    DownloadEngine engine = engine(plan, source, sink, NO_RETRY, 2, 8, Clock.systemUTC(), p -> {});
    long n = drive(source, sink, engine, new Random(size));
    long expectedLength = knownSize ? length : size - offset;
    assertThat(n).isEqualTo(expectedLength);
    assertThat(sink.out.toByteArray())
        .isEqualTo(Arrays.copyOfRange(data, (int) offset, (int) (offset + expectedLength)));
  }

  @Test
  void memoryIsBoundedByTheWindowEvenWithASlowReader() {
    byte[] data = file(4 << 20, 7);
    FakeSource source = new FakeSource(data);
    Collector sink = new Collector();
    sink.slow = true;
    DownloadEngine engine = engine(PartPlan.of(16 * KIB, data.length, 0, data.length), source, sink,
        NO_RETRY, 4, 6, Clock.systemUTC(), p -> {});
    CompletableFuture<Long> result = engine.start();
    Random random = new Random(3);
    for (int i = 0; i < 50; i++) {
      source.releaseSome(random, 10); // the reader never frees the sink: requests must stop
    }
    assertThat(source.requests.get()).isLessThanOrEqualTo(6);
    assertThat(source.maxOutstanding).isLessThanOrEqualTo(6);
    while (!result.isDone()) {
      sink.releaseWrites();
      source.releaseSome(random, 3);
    }
    assertThat(sink.out.toByteArray()).isEqualTo(data);
    assertThat(source.maxOutstanding).isLessThanOrEqualTo(6);
  }

  @Test
  void windowGrowsUpToTheMaximum() {
    byte[] data = file(8 << 20, 9);
    FakeSource source = new FakeSource(data);
    Collector sink = new Collector();
    List<Integer> windows = new ArrayList<>();
    // A latency-bound link on a simulated clock: every request takes one 10 ms round trip, so
    // throughput grows with the window until the maximum (deterministic whatever the machine does).
    TestClock clock = TestClock.at(1_000_000);

    DownloadEngine engine = engine(PartPlan.of(64 * KIB, data.length, 0, data.length), source, sink,
        NO_RETRY, 1, 8, clock, p -> windows.add(p.window()));
    CompletableFuture<Long> result = engine.start();
    Random random = new Random(4);
    for (int round = 0; !result.isDone() && round < 10_000; round++) {
      clock.advance(10);
      sink.releaseWrites();
      source.releaseSome(random, Integer.MAX_VALUE);
    }
    assertThat(result.join()).isEqualTo(data.length);
    assertThat(sink.out.toByteArray()).isEqualTo(data);
    assertThat(windows.get(0)).isLessThanOrEqualTo(2);
    assertThat(windows).contains(8);
    assertThat(windows.stream().mapToInt(Integer::intValue).max().orElseThrow()).isEqualTo(8);
  }

  /**
   * A cold start on a long fat link (100 ms round trip, 5 ms per part: 21 parts fill it) on a
   * simulated clock: the window doubles every round trip, so it covers the bandwidth-delay product
   * within five round trips (adding one part per round would take twenty), and then it stops
   * growing instead of running to the memory bound.
   */
  @Test
  void theWindowRampsToTheBandwidthDelayProductWithinAFewRoundTrips() {
    byte[] data = file(400 * 16 * KIB, 21);
    TestClock clock = TestClock.at(1_000_000);
    LinkSource link = new LinkSource(data, clock, 100, 5);
    Collector sink = new Collector();
    List<long[]> windows = new ArrayList<>(); // (ms since start, window)
    DownloadEngine engine = engine(PartPlan.of(16 * KIB, data.length, 0, data.length), link, sink, NO_RETRY, 2, 64,
        clock, p -> windows.add(new long[] {clock.millis() - 1_000_000, p.window()}));
    CompletableFuture<Long> result = engine.start();
    while (!result.isDone() && link.advance()) {
      sink.releaseWrites();
    }

    assertThat(result.join()).isEqualTo(data.length);
    assertThat(sink.out.toByteArray()).isEqualTo(data);
    long bdp = link.bandwidthDelayParts();
    long reachedAt = windows.stream().filter(w -> w[1] >= bdp).mapToLong(w -> w[0]).min().orElseThrow();
    assertThat(reachedAt).as("ms until the window covers %d parts", bdp).isLessThanOrEqualTo(5 * 105);
    assertThat(windows.get(windows.size() - 1)[1]).as("the window settles near the bandwidth-delay product, "
        + "not at the memory bound").isBetween(bdp, 2 * bdp);
    long elapsed = clock.millis() - 1_000_000;
    long ideal = 105 + 400 * 5; // one round trip, then the link busy all the time
    assertThat(ideal * 100 / elapsed).as("%% of the link's capacity used from a cold start").isGreaterThanOrEqualTo(85);
  }

  /**
   * The benchmark's shaped link on a simulated clock: four connections capped at 20 MB/s each
   * (52 ms per 1 MiB part), 100 ms round trip, a window of at most 32 parts, a cold start at 4.
   * Parts arrive out of order across the connections, and those buffered for in-order delivery
   * count in the window; still the download uses at least 90 % of the capacity from the first byte.
   */
  @ParameterizedTest(name = "{0} connection(s)")
  @CsvSource({"1", "2", "4"})
  void aShapedLinkIsKeptFullFromAColdStart(int connections) {
    int parts = 256;
    byte[] data = file(parts * 16 * KIB, 22);
    TestClock clock = TestClock.at(1_000_000);
    LinkSource link = new LinkSource(data, clock, 100, 52, connections);
    Collector sink = new Collector();
    List<Integer> windows = new ArrayList<>();
    DownloadEngine engine = engine(PartPlan.of(16 * KIB, data.length, 0, data.length), link, sink, NO_RETRY, 4, 32,
        clock, p -> windows.add(p.window()));
    CompletableFuture<Long> result = engine.start();
    while (!result.isDone() && link.advance()) {
      sink.releaseWrites();
    }
    assertThat(result.join()).isEqualTo(data.length);
    assertThat(sink.out.toByteArray()).isEqualTo(data);
    long elapsed = clock.millis() - 1_000_000;
    assertThat(link.idealMillis(parts) * 100 / elapsed).as("%% of the link's capacity used").isGreaterThanOrEqualTo(90);
  }

  @Test
  void failedPartsAreRetriedAndShrinkTheWindow() {
    byte[] data = file(2 << 20, 11);
    FakeSource source = new FakeSource(data);
    AtomicInteger failures = new AtomicInteger();
    source.failure = (offset, limit) -> offset == 5L * 64 * KIB && failures.getAndIncrement() < 3
        ? new IllegalStateException("FLOOD_WAIT_1") : null;
    Collector sink = new Collector();
    List<Integer> attempts = new ArrayList<>();
    RetryPolicy policy = (e, attempt, w) -> {
      attempts.add(attempt);
      w.shrink();
      return CompletableFuture.completedFuture(null);
    };
    DownloadEngine engine = engine(PartPlan.of(64 * KIB, data.length, 0, data.length), source, sink,
        policy, 8, 8, Clock.systemUTC(), p -> {});
    drive(source, sink, engine, new Random(5));
    assertThat(sink.out.toByteArray()).isEqualTo(data);
    assertThat(attempts).containsExactly(1, 2, 3);
  }

  @Test
  void givingUpFailsTheDownloadAndReleasesEverything() {
    byte[] data = file(1 << 20, 12);
    FakeSource source = new FakeSource(data);
    source.failure = (offset, limit) -> offset == 3L * 64 * KIB ? new IllegalStateException("boom") : null;
    Collector sink = new Collector();
    DownloadEngine engine = engine(PartPlan.of(64 * KIB, data.length, 0, data.length), source, sink,
        NO_RETRY, 8, 8, Clock.systemUTC(), p -> {});
    CompletableFuture<Long> result = engine.start();
    Random random = new Random(6);
    while (!result.isDone()) {
      source.releaseSome(random, 2);
    }
    source.releaseSome(random, 100); // late answers after the failure are released by the engine
    assertThatThrownBy(result::join).hasRootCauseMessage("boom");
    assertThat(sink.out.size()).isLessThan(data.length);
    assertThat(sink.out.size() % (64 * KIB)).isZero();
  }

  @Test
  void cancelStopsRequestsAndCancelsInFlightFetches() {
    byte[] data = file(4 << 20, 13);
    FakeSource source = new FakeSource(data);
    Collector sink = new Collector();
    DownloadEngine engine = engine(PartPlan.of(64 * KIB, data.length, 0, data.length), source, sink,
        NO_RETRY, 4, 4, Clock.systemUTC(), p -> {});
    CompletableFuture<Long> result = engine.start();
    source.releaseSome(new Random(7), 2);
    engine.cancel();
    assertThat(source.pending).allMatch(r -> r.future().isCancelled());
    int before = source.requests.get();
    source.releaseSome(new Random(7), 100);
    assertThat(source.requests.get()).isEqualTo(before);
    assertThatThrownBy(result::join).isInstanceOf(CancellationException.class);
  }

  @Test
  void aShortReplyBeforeTheKnownEndIsAnError() {
    byte[] data = file(100_000, 14);
    FakeSource source = new FakeSource(data);
    Collector sink = new Collector();
    // claim the file is bigger than it is
    DownloadEngine engine = engine(PartPlan.of(16 * KIB, 200_000, 0, 200_000), source, sink, NO_RETRY,
        4, 4, Clock.systemUTC(), p -> {});
    CompletableFuture<Long> result = engine.start();
    Random random = new Random(8);
    while (!result.isDone()) {
      sink.releaseWrites();
      source.releaseSome(random, 2);
    }
    assertThatThrownBy(result::join).hasMessageContaining("ended early");
  }

  @Test
  void plannerRejectsInvalidPartSizes() {
    assertThatThrownBy(() -> PartPlan.of(3000, 10, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PartPlan.of(2 << 20, 10, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PartPlan.of(4096, 10, 11, 1)).isInstanceOf(IllegalArgumentException.class);
    PartPlan p = PartPlan.of(4096, 10_000, 5000, 3000);
    assertThat(p.firstPart()).isEqualTo(1);
    assertThat(p.endPart()).isEqualTo(2);
    assertThat(p.skipOf(1)).isEqualTo(904);
    assertThat(p.wantedOf(1)).isEqualTo(3000);
  }

  @Test
  void theWatchdogAbandonsUnansweredPartsAsksAgainAndDoublesItsPatience() {
    byte[] data = file(8 * 64 * KIB, 99);
    FakeSource source = new FakeSource(data);
    Collector sink = new Collector();
    TestClock clock = TestClock.at(1_000_000);
    int[] remedies = {0};
    DownloadEngine engine = engine(PartPlan.of(64 * KIB, data.length, 0, data.length), source, sink,
        NO_RETRY, 4, 4, clock, p -> {}).watchdog(java.time.Duration.ofSeconds(30), 2, () -> {
          remedies[0]++;
          return CompletableFuture.completedFuture(null);
        });
    CompletableFuture<Long> result = engine.start();
    assertThat(source.outstanding()).isEqualTo(4);
    clock.advance(29_999);
    assertThat(engine.checkStall().join()).as("not yet").isFalse();
    clock.advance(1);
    assertThat(engine.checkStall().join()).as("30 s without an answer").isTrue();
    assertThat(remedies[0]).isEqualTo(1);
    assertThat(source.requests.get()).as("the 4 parts asked again").isEqualTo(8);
    // the abandoned requests are answered late: released, not delivered twice
    Random random = new Random(1);
    List<FakeSource.Request> stale;
    synchronized (source) {
      stale = new ArrayList<>(source.pending.subList(0, 4));
      source.pending.subList(0, 4).clear();
    }
    for (FakeSource.Request r : stale) {
      TlBytes slice = FakeSource.slice(data, (int) r.offset(), r.limit());
      if (!r.future().complete(slice)) {
        slice.release();
      }
    }
    clock.advance(30_000);
    assertThat(engine.checkStall().join()).as("the timeout doubled after a stall").isFalse();
    clock.advance(30_000);
    assertThat(engine.checkStall().join()).isTrue();
    assertThat(remedies[0]).isEqualTo(2);
    // now the source answers: the download completes exactly, and progress resets the count
    assertThat(drive(source, sink, engine, random)).isEqualTo(data.length);
    assertThat(result).isCompleted();
    assertThat(sink.out.toByteArray()).isEqualTo(data);
    assertThat(engine.stalls()).isEqualTo(2);
  }

  @Test
  void theWatchdogGivesUpTypedAfterMaxStallsInARow() {
    byte[] data = file(4 * 64 * KIB, 98);
    FakeSource source = new FakeSource(data);
    TestClock clock = TestClock.at(1_000_000);
    DownloadEngine engine = engine(PartPlan.of(64 * KIB, data.length, 0, data.length), source,
        new Collector(), NO_RETRY, 2, 2, clock, p -> {}).watchdog(java.time.Duration.ofSeconds(1), 2,
            () -> CompletableFuture.completedFuture(null));
    CompletableFuture<Long> result = engine.start();
    for (int i = 0; i < 3; i++) {
      clock.advance(10_000);
      assertThat(engine.checkStall().join()).isTrue();
    }
    assertThat(result).isCompletedExceptionally();
    assertThatThrownBy(result::join).hasCauseInstanceOf(DownloadStalledException.class);
    assertThat(engine.checkStall().join()).as("finished").isFalse();
    synchronized (source) {
      source.pending.forEach(r -> r.future().cancel(true));
    }
  }

  @Test
  void aListenerBlockedOnAnotherThreadsCallsIntoTheEngineDoesNotDeadlock() throws Exception {
    byte[] data = file(1 << 20, 21);
    FakeSource source = new FakeSource(data);
    Collector sink = new Collector();
    DownloadEngine[] engine = new DownloadEngine[1];
    CountDownLatch otherReturned = new CountDownLatch(1);
    AtomicBoolean servedWhileBlocked = new AtomicBoolean();
    AtomicInteger events = new AtomicInteger();
    // the other thread calls into the engine while the listener (on the owner) waits for it
    Thread other = new Thread(() -> {
      engine[0].window();
      engine[0].checkStall();
      engine[0].cancel();
      otherReturned.countDown();
    });
    engine[0] = engine(PartPlan.of(64 * KIB, data.length, 0, data.length), source, sink, NO_RETRY, 4, 4,
        Clock.systemUTC(), p -> {
          if (events.getAndIncrement() == 0) {
            other.start();
            try {
              servedWhileBlocked.set(otherReturned.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        });
    CompletableFuture<Long> result = engine[0].start();
    Random random = new Random(21);
    for (int i = 0; i < 10_000 && !result.isDone(); i++) {
      source.releaseSome(random, 2);
    }
    other.join(10_000);
    assertThat(servedWhileBlocked).as("no lock held while the listener runs").isTrue();
    assertThatThrownBy(result::join).isInstanceOf(CancellationException.class);
    assertThat(events).as("nothing delivered after the cancel").hasValue(1);
    assertThat(sink.out.size()).isEqualTo(64 * KIB);
    source.releaseSome(random, 100); // late answers are released by the engine (the leak detector checks)
  }

  @Test
  void aListenerThatReentersTheEngineIsServedAfterItReturns() {
    byte[] data = file(1 << 20, 22);
    FakeSource source = new FakeSource(data);
    Collector sink = new Collector();
    DownloadEngine[] engine = new DownloadEngine[1];
    List<Integer> windows = new ArrayList<>();
    List<Boolean> stallFound = new ArrayList<>();
    engine[0] = engine(PartPlan.of(64 * KIB, data.length, 0, data.length), source, sink, NO_RETRY, 4, 4,
        Clock.systemUTC(), p -> {
          windows.add(engine[0].window());
          // re-entering: the check runs after this listener, on the same owner, not recursively
          CompletableFuture<Boolean> check = engine[0].checkStall();
          stallFound.add(check.isDone());
          if (p.bytesDone() >= 3 * 64 * KIB) {
            engine[0].cancel();
          }
        });
    CompletableFuture<Long> result = engine[0].start();
    Random random = new Random(22);
    for (int i = 0; i < 10_000 && !result.isDone(); i++) {
      source.releaseSome(random, 1);
    }
    assertThatThrownBy(result::join).isInstanceOf(CancellationException.class);
    assertThat(windows).hasSize(3).containsOnly(4);
    assertThat(stallFound).as("queued behind the listener, not run inside it").containsOnly(false);
    assertThat(sink.out.toByteArray()).isEqualTo(Arrays.copyOf(data, 3 * 64 * KIB));
    source.releaseSome(random, 100);
  }

  @Test
  void partsCompletedOnManyThreadsAtOnceAreDeliveredExactly() throws Exception {
    byte[] data = file(4 << 20, 23);
    FakeSource source = new FakeSource(data);
    Collector sink = new Collector();
    DownloadEngine engine = engine(PartPlan.of(16 * KIB, data.length, 0, data.length), source, sink, NO_RETRY, 8,
        16, Clock.systemUTC(), p -> {});
    CompletableFuture<Long> result = engine.start();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Random random = new Random(t);
        workers.add(pool.submit(() -> {
          for (int i = 0; i < 1_000_000 && !result.isDone(); i++) {
            source.releaseSome(random, 1);
          }
        }));
      }
      assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(data.length);
      for (java.util.concurrent.Future<?> w : workers) {
        w.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(sink.out.toByteArray()).isEqualTo(data);
    assertThat(source.maxOutstanding).isLessThanOrEqualTo(16);
  }
}
