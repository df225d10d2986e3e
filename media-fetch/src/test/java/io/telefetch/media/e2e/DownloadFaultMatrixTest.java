package io.telefetch.media.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.media.DownloadIOException;
import io.telefetch.media.DownloadRequest;
import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.Transport;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.FloodWaitException;
import io.telefetch.mtproto.rpc.Scheduler;
import io.telefetch.mtproto.transport.TransportKind;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.server.Faults;
import io.telefetch.testkit.server.RecordedRequest;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.api.upload.GetFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downloader's fault matrix: every fault below, during a download to a path, over each of the
 * four transports (obfuscated in a checkerboard pattern, FULL never: it has no obfuscated form).
 * Each cell ends byte-exact (SHA-256 equal to testkit's) or with the typed error the policy names,
 * within {@link #BOUND}. The file lives on DC 2 (not the home DC), so every fault hits the
 * download's own DC, authorization import included. See also MediaFetchEndToEndTest (256 MiB with
 * drops, a healed corrupt part, file-reference expiry, cancel and resume), MediaFetchLimitsTest,
 * DiskSafetyTest, StallWatchdogTest and DownloaderHostileServerTest.
 */
class DownloadFaultMatrixTest {
  private static final int MIB = 1 << 20;
  /** Bytes per cell; the few cells marked big download {@link #BIG} bytes. */
  static final long SIZE = 16L * MIB;
  static final long BIG = 256L * MIB;
  /** Every cell finishes (either way) within this. */
  static final Duration BOUND = Duration.ofSeconds(60);
  /** Where mid-download faults strike. */
  private static final long STRIKE_AT = 4L * MIB;

  enum Fault {
    DROPS, TRANSPORT_404, TRANSPORT_429, SESSION_RESET, SALT_CHANGE, FLOOD_WAIT_SHORT, FLOOD_WAIT_LONG,
    FILE_REFERENCE_EXPIRED, DC_DOWN_THEN_UP, CORRUPT_PART, CDN_FILE_TOKEN_INVALID, DISK_FULL,
    CORRUPTED_SAVED_BYTES_THEN_RESUME, STALLED_CONNECTION
  }

  private static TestCluster cluster;
  private static World world;
  private static WorldUser bot;
  private static WorldChannel channel;
  private static WorldDocument plain;
  private static WorldMessage plainPost;
  private static WorldDocument cdnDoc;
  private static WorldDocument big;
  private static WorldMessage bigPost;
  private static WorldMessage cdnPost;
  private static final Map<String, TelegramClient> clients = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
  private static long startNanos;

  @BeforeAll
  static void start() {
    startNanos = System.nanoTime();
    cluster = TestCluster.builder().dcs(2).cdn(true).build().start();
    world = cluster.world();
    bot = world.bot("matrix_bot").dc(1).create();
    channel = world.channel("matrix_test").dc(1).create();
    plain = world.document("matrix.bin", FileContent.seeded(31, SIZE)).dc(2).create();
    plainPost = world.post(channel).media(plain).create();
    cdnDoc = world.video("matrix-cdn.mp4", FileContent.seeded(32, SIZE)).dc(2).cdn(true).create();
    cdnPost = world.post(channel).media(cdnDoc).create();
    big = world.video("matrix-big.mp4", FileContent.seeded(33, BIG)).dc(2).create();
    bigPost = world.post(channel).media(big).create();
  }

  @AfterAll
  static void stop() {
    clients.values().forEach(TelegramClient::close);
    cluster.close();
    System.out.printf("download fault matrix: %s in %.1f s (%d MiB per cell, %d MiB per big cell)%n", outcomes,
        (System.nanoTime() - startNanos) / 1e9, SIZE / MIB, BIG / MIB);
  }

  @AfterEach
  void healAll() {
    for (DcServer dc : cluster.dcs()) {
      dc.faults().closeAfterBytes(-1).clearFloodLimits().clearBlackholes().down(false);
    }
    world.clearCorruption();
  }

  /**
   * The 56 cells at {@link #SIZE} plus four at {@link #BIG} in every {@code verify}; with
   * {@code -Dtelefetch.matrix.full=true} every cell downloads {@link #BIG} bytes (the full
   * matrix; minutes, not run in CI).
   */
  static Stream<Arguments> cells() {
    boolean full = Boolean.getBoolean("telefetch.matrix.full");
    List<Arguments> cells = new ArrayList<>();
    for (Fault f : Fault.values()) {
      for (TransportKind k : TransportKind.values()) {
        boolean obfuscated = k != TransportKind.FULL && (f.ordinal() + k.ordinal()) % 2 == 0;
        cells.add(Arguments.of(f, k, obfuscated, full));
      }
    }
    if (full) {
      return cells.stream();
    }
    // a handful of cells at the full 256 MiB, one per transport
    cells.add(Arguments.of(Fault.DROPS, TransportKind.INTERMEDIATE, true, true));
    cells.add(Arguments.of(Fault.CORRUPTED_SAVED_BYTES_THEN_RESUME, TransportKind.ABRIDGED, false, true));
    cells.add(Arguments.of(Fault.DC_DOWN_THEN_UP, TransportKind.PADDED_INTERMEDIATE, true, true));
    cells.add(Arguments.of(Fault.FILE_REFERENCE_EXPIRED, TransportKind.FULL, false, true));
    return cells.stream();
  }

  /** One client per transport, logged in, its own flood-wait sleeping off (the downloader decides). */
  private static TelegramClient client(TransportKind kind, boolean obfuscated) {
    return clients.computeIfAbsent(kind + "/" + obfuscated, k -> {
      List<DcOption> options = new ArrayList<>();
      for (DcServer dc : cluster.dcs()) {
        if (!dc.mediaOnly() && !dc.cdn()) {
          options.add(DcOption.of(dc.id(), dc.host(), dc.port()));
        }
      }
      TelegramClient c = TelegramClient.builder().apiId(4242).apiHash("0123456789abcdef0123456789abcdef")
          .dcOptions(DcOptions.of(options)).serverKeys(cluster.serverKeys()).mainDc(1).downloadConnections(2)
          .transport(obfuscated ? Transport.obfuscated(Transport.Framing.valueOf(kind.name()))
              : Transport.of(Transport.Framing.valueOf(kind.name())))
          .callTimeout(Duration.ofSeconds(20)).connectTimeout(Duration.ofSeconds(5))
          .retries(2, Duration.ofMillis(20), Duration.ofMillis(200))
          .floodWait(Duration.ofSeconds(60), 3) // a user's default: parts opt out of it per call
          .build();
      c.login(Login.botToken(bot.botToken().orElseThrow())).join();
      return c;
    });
  }

  /** Real delays, capped at 20 ms (flood waits and backoffs pass quickly; their sizes are the policy's). */
  private static Scheduler fast(Runnable onSleep) {
    return d -> {
      onSleep.run();
      return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(
          Math.min(20, d.toMillis()), TimeUnit.MILLISECONDS));
    };
  }

  private static String sha(WorldDocument d) {
    return HexFormat.of().formatHex(d.content().sha256());
  }

  private static Throwable run(CompletableFuture<Path> f) throws Exception {
    try {
      f.get(BOUND.toSeconds(), TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  /** Calls a fault once, on the first progress event at or past {@link #STRIKE_AT}. */
  private static Consumer<io.telefetch.media.Progress> strike(Runnable fault) {
    AtomicBoolean done = new AtomicBoolean();
    return p -> {
      if (p.bytesDone() >= STRIKE_AT && done.compareAndSet(false, true)) {
        fault.run();
      }
    };
  }

  /**
   * The CDN file token revoked between a part's bytes and its hashes (the master DC answers
   * upload.getCdnFileHashes with FILE_TOKEN_INVALID): the downloader falls back to the DC, which
   * serves the file byte-exact. The matrix's CDN_FILE_TOKEN_INVALID cells hit this race only now
   * and then; this one forces it.
   */
  @org.junit.jupiter.api.Test
  void aTokenRejectedWhenItsHashesAreAskedFallsBackToTheDc(@TempDir Path dir) throws Exception {
    TelegramClient client = client(TransportKind.INTERMEDIATE, false);
    DcServer dc2 = cluster.dc(2);
    MediaFile file = Fixture.file(client, channel, cdnPost.id());
    long cdnBefore = cluster.cdnDc().orElseThrow().recorder().count("upload.getCdnFile");
    dc2.faults().rpcError("upload.getCdnFileHashes", 400, "FILE_TOKEN_INVALID", 1);
    try {
      Path target = dir.resolve("cdn.bin");
      assertThat(run(MediaFetcher.create(client, FetchOptions.builder().build()).download(file).toPath(target)))
          .isNull();
      assertThat(Sha.of(target)).isEqualTo(sha(cdnDoc));
      assertThat(cluster.cdnDc().orElseThrow().recorder().count("upload.getCdnFile")).as("the CDN served first")
          .isGreaterThan(cdnBefore);
    } finally {
      dc2.faults().clearRpcErrors();
    }
  }

  @ParameterizedTest(name = "{0} over {1} obfuscated={2} big={3}")
  @MethodSource("cells")
  void cell(Fault fault, TransportKind kind, boolean obfuscated, boolean bigCell, @TempDir Path dir) throws Exception {
    TelegramClient client = client(kind, obfuscated);
    DcServer dc2 = cluster.dc(2);
    Faults faults = dc2.faults();
    WorldDocument doc = fault == Fault.CDN_FILE_TOKEN_INVALID ? cdnDoc : bigCell ? big : plain;
    MediaFile file = Fixture.file(client, channel, (doc == cdnDoc ? cdnPost : doc == big ? bigPost : plainPost).id());
    Path target = dir.resolve("cell.bin");
    AtomicInteger sleeps = new AtomicInteger();
    FetchOptions.Builder options = FetchOptions.builder().window(4, 8)
        .cdn(fault == Fault.CDN_FILE_TOKEN_INVALID)
        .scheduler(fast(sleeps::incrementAndGet)).watchdogScheduler(Scheduler.system());
    Consumer<io.telefetch.media.Progress> listener = p -> {};
    String outcome;
    switch (fault) {
      case DROPS -> faults.closeAfterBytes(bigCell ? 20L * MIB : 3L * MIB);
      case TRANSPORT_404 -> listener = strike(() -> faults.transportError(-404, 1));
      case TRANSPORT_429 -> listener = strike(() -> faults.transportError(-429, 2));
      case SESSION_RESET -> listener = strike(faults::resetSession);
      case SALT_CHANGE -> listener = strike(() -> faults.badServerSalt(3));
      case FLOOD_WAIT_SHORT -> faults.floodConcurrency("upload.getFile", 2, 3, false);
      case FLOOD_WAIT_LONG -> faults.floodConcurrency("upload.getFile", 1, 1_000_000_000, false);
      case FILE_REFERENCE_EXPIRED -> listener = strike(world::expireFileReferences);
      case DC_DOWN_THEN_UP -> {
        // down mid-download; up again when the downloader first backs off (so, deterministically, while it retries)
        listener = strike(() -> {
          faults.down(true);
          dc2.dropConnections();
        });
        options.scheduler(fast(() -> {
          sleeps.incrementAndGet();
          faults.down(false);
        }));
      }
      case CORRUPT_PART -> {
        dc2.recorder().clear();
        world.corrupt(doc, 5L * MIB + 100, 10, 1); // one corrupted answer, then the true bytes
      }
      case CDN_FILE_TOKEN_INVALID -> listener = strike(() -> world.revokeCdnToken(cdnDoc));
      case STALLED_CONNECTION -> {
        // the next download connection to get a part never answers again (StallWatchdogTest drives
        // the same with a test clock; here a short real timeout)
        faults.blackhole("upload.getFile", 1);
        options.stallTimeout(Duration.ofSeconds(1));
      }
      case DISK_FULL -> options.fileIo(new FailingFileIo(6L * MIB, p -> true));
      case CORRUPTED_SAVED_BYTES_THEN_RESUME -> {
        // a first run dies at 10 MiB (its .part stops growing), a byte of a saved part flips, the next run resumes
        Throwable first = run(MediaFetcher.create(client, options.fileIo(new FailingFileIo(10L * MIB,
            p -> p.getFileName().toString().endsWith(".part"))).build()).download(file).toPath(target));
        assertThat(first).isInstanceOf(DownloadIOException.class);
        flip(dir.resolve("cell.bin.part"), 3L * MIB + 7);
        dc2.recorder().clear();
        options.fileIo(io.telefetch.media.FileIo.system());
      }
    }
    long cdnBefore = cluster.cdnDc().orElseThrow().recorder().count("upload.getCdnFile");
    Throwable error;
    DownloadRequest request;
    request = MediaFetcher.create(client, options.build()).download(file).withProgress(listener);
    error = run(request.toPath(target));
    switch (fault) {
      case FLOOD_WAIT_LONG -> {
        assertThat(error).as("a 10^9 s flood wait fails the download at once").isInstanceOf(FloodWaitException.class);
        assertThat(((FloodWaitException) error).seconds()).isEqualTo(1_000_000_000);
        outcome = "typed";
      }
      case DISK_FULL -> {
        assertThat(error).isInstanceOf(DownloadIOException.class);
        assertThat(error.getCause()).hasMessage("No space left on device");
        assertThat(Files.exists(dir.resolve("cell.bin.part.state.tmp"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        outcome = "typed";
      }
      default -> {
        assertThat(error).as("%s over %s", fault, kind).isNull();
        assertThat(Sha.of(target)).as("byte-exact").isEqualTo(sha(doc));
        outcome = "exact";
      }
    }
    switch (fault) {
      // FLOOD_WAIT_SHORT: whether the concurrency rule trips depends on how many parts are in flight
      // at once (load-dependent); the flood sleep itself is asserted in FloodWaitInterceptorTest
      case CDN_FILE_TOKEN_INVALID -> assertThat(cluster.cdnDc().orElseThrow().recorder().count("upload.getCdnFile"))
          .as("parts came from the CDN first").isGreaterThan(cdnBefore);
      case CORRUPT_PART -> assertThat(getFileOffsets(dc2)).as("the corrupted part was fetched again")
          .filteredOn(o -> o == 5L * MIB).hasSizeGreaterThanOrEqualTo(2);
      case CORRUPTED_SAVED_BYTES_THEN_RESUME -> {
        List<Long> offsets = getFileOffsets(dc2);
        assertThat(offsets).as("the damaged saved part was fetched again").contains(3L * MIB);
        assertThat(offsets).as("the intact saved parts were not").doesNotContain(0L, 2L * MIB, 4L * MIB);
      }
      case DC_DOWN_THEN_UP -> assertThat(sleeps.get()).as("backed off while the DC was down").isPositive();
      case STALLED_CONNECTION -> assertThat(request.stalls()).as("the watchdog fired").isPositive();
      default -> { }
    }
    outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
  }

  private static List<Long> getFileOffsets(DcServer dc) throws InterruptedException {
    List<Long> offsets = new ArrayList<>();
    RecordedRequest r;
    while ((r = dc.recorder().takeRequest(Duration.ZERO)) != null) {
      if (r.method() instanceof GetFile g) {
        offsets.add(g.offset());
      }
    }
    return offsets;
  }

  static void flip(Path file, long at) throws Exception {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) ~b.get(0)).rewind();
      ch.write(b, at);
    }
  }
}
