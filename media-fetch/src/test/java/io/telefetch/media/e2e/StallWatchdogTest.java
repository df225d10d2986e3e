package io.telefetch.media.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.testing.TestClock;
import io.telefetch.media.DownloadRequest;
import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.media.engine.DownloadStalledException;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.Scheduler;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stall watchdog against a connection that silently stops answering upload.getFile (testkit's
 * blackhole fault): the client's own call timeout is an hour, so only the watchdog can save the
 * download. Its clock and its ticks are the test's.
 */
class StallWatchdogTest {
  private static final int MIB = 1 << 20;
  private static final Duration STALL = Duration.ofSeconds(30);

  private static Fixture.Stage stage;
  private static TestCluster cluster;
  private static World world;
  private static TelegramClient client;
  private static WorldChannel channel;
  private static WorldDocument doc;
  private static WorldMessage post;

  @BeforeAll
  static void start() {
    // a stalled call is never timed out by the client: only the watchdog can save the download
    stage = Fixture.Stage.start(TestCluster.builder().dcs(1), "stall", b -> b.callTimeout(Duration.ofHours(1)));
    cluster = stage.cluster();
    world = stage.world();
    channel = stage.channel();
    client = stage.client();
    doc = world.document("stall.bin", FileContent.seeded(21, 16L * MIB)).dc(1).create();
    post = world.post(channel).media(doc).create();
  }

  @AfterAll
  static void stop() {
    stage.close();
  }

  /** Sleeps that end when the test says so: each tick of the watchdog waits here. */
  static final class ManualScheduler implements Scheduler {
    final LinkedBlockingQueue<CompletableFuture<Void>> sleeps = new LinkedBlockingQueue<>();

    @Override
    public CompletableFuture<Void> sleep(Duration delay) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      sleeps.add(f);
      return f;
    }
  }

  /**
   * Runs {@code download} while ticking the watchdog: virtual time passes (a quarter of the stall
   * timeout per tick) only while the download is stuck on calls the blackhole swallowed since the
   * watchdog last fired, with no progress for 200 ms of real time.
   */
  private static <T> T drive(CompletableFuture<T> download, DownloadRequest request, TestClock clock,
      ManualScheduler ticks, AtomicLong lastProgressNanos) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long swallowedAtLastStall = -1;
    int stallsSeen = -1;
    while (!download.isDone()) {
      CompletableFuture<Void> tick = ticks.sleeps.poll(20, TimeUnit.MILLISECONDS);
      if (tick == null) {
        continue;
      }
      while (true) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the download did not finish within 60 s");
        }
        if (download.isDone()) {
          return download.get();
        }
        long swallowed = cluster.dc(1).faults().swallowedCalls();
        if (request.stalls() != stallsSeen) {
          stallsSeen = request.stalls();
          swallowedAtLastStall = swallowed;
        }
        if (swallowed > swallowedAtLastStall
            && System.nanoTime() - lastProgressNanos.get() > TimeUnit.MILLISECONDS.toNanos(200)) {
          break;
        }
        Thread.sleep(10);
      }
      clock.advance(STALL.toMillis() / 4 + 1);
      tick.complete(null);
    }
    return download.get();
  }

  @Test
  void aStalledConnectionIsReconnectedAndTheDownloadCompletesByteExact(@TempDir Path dir) throws Exception {
    TestClock clock = TestClock.stopped();
    ManualScheduler ticks = new ManualScheduler();
    long swallowedBefore = cluster.dc(1).faults().swallowedCalls();
    cluster.dc(1).faults().blackhole("upload.getFile", 1);
    MediaFile file = Fixture.file(client, channel, post.id());
    FetchOptions options = FetchOptions.builder().window(4, 8).clock(clock).stallTimeout(STALL)
        .watchdogScheduler(ticks).build();
    AtomicLong lastProgress = new AtomicLong(System.nanoTime());
    DownloadRequest request = MediaFetcher.create(client, options).download(file)
        .withProgress(p -> lastProgress.set(System.nanoTime()));
    Path out = drive(request.toPath(dir.resolve("stall.bin")), request, clock, ticks, lastProgress);
    assertThat(Sha.of(out)).isEqualTo(HexFormat.of().formatHex(doc.content().sha256()));
    assertThat(cluster.dc(1).faults().swallowedCalls() - swallowedBefore).as("calls the blackhole swallowed")
        .isPositive();
    assertThat(request.stalls()).as("watchdog firings").isGreaterThanOrEqualTo(1);
  }

  @Test
  void withoutTheWatchdogTheSameDownloadHangs() throws Exception {
    cluster.dc(1).faults().blackhole("upload.getFile", 1);
    MediaFile file = Fixture.file(client, channel, post.id());
    FetchOptions options = FetchOptions.builder().window(4, 8).stallTimeout(Duration.ZERO).build();
    CompletableFuture<Long> f = MediaFetcher.create(client, options).download(file)
        .toChannel(java.nio.channels.Channels.newChannel(java.io.OutputStream.nullOutputStream()));
    try {
      assertThatThrownBy(() -> f.get(3, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
    } finally {
      f.cancel(true);
      client.dc(1).reconnect().get(10, TimeUnit.SECONDS); // leave no blackholed connection to the next test
    }
  }

  @Test
  void aDownloadThatNeverRecoversFailsTypedAfterBoundedStalls() throws Exception {
    TestClock clock = TestClock.stopped();
    ManualScheduler ticks = new ManualScheduler();
    cluster.dc(1).faults().blackhole("upload.getFile", 1000); // every new connection too
    try {
      MediaFile file = Fixture.file(client, channel, post.id());
      FetchOptions options = FetchOptions.builder().window(2, 2).clock(clock).stallTimeout(STALL).maxRetries(2)
          .watchdogScheduler(ticks).build();
      AtomicLong lastProgress = new AtomicLong(System.nanoTime());
      DownloadRequest request = MediaFetcher.create(client, options).download(file);
      CompletableFuture<Long> f = request
          .toChannel(java.nio.channels.Channels.newChannel(java.io.OutputStream.nullOutputStream()));
      assertThatThrownBy(() -> drive(f, request, clock, ticks, lastProgress)).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(DownloadStalledException.class);
      assertThat(request.stalls()).as("reconnects before giving up").isEqualTo(2);
    } finally {
      cluster.dc(1).faults().clearBlackholes();
      client.dc(1).reconnect().get(10, TimeUnit.SECONDS);
    }
  }
}
