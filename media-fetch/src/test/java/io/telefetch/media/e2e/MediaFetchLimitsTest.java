package io.telefetch.media.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.media.Progress;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.testkit.world.WorldUser;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FLOOD_WAIT shrinking the window, a 1 GiB download in a 64 MiB heap, cancellation leaving nothing behind. */
class MediaFetchLimitsTest {
  private static final int MIB = 1 << 20;

  @Test
  void floodWaitShrinksTheWindowAndTheDownloadCompletes() throws Exception {
    try (TestCluster cluster = TestCluster.builder().dcs(2).build().start()) {
      World world = cluster.world();
      WorldUser bot = world.bot("flood_bot").dc(1).create();
      WorldChannel channel = world.channel("flood_test").dc(1).create();
      WorldDocument doc = world.document("flood.bin", FileContent.seeded(5, 24L * MIB)).dc(1).create();
      WorldMessage post = world.post(channel).media(doc).create();
      try (TelegramClient client = Fixture.botClient(cluster, bot)) {
        MediaFile file = Fixture.file(client, channel, post.id());
        cluster.dc(1).faults().floodConcurrency("upload.getFile", 2, 1, false);
        List<Progress> events = new CopyOnWriteArrayList<>();
        FetchOptions options = FetchOptions.builder().window(8, 8)
            .scheduler(d -> CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)))
            .build();
        try (InputStream in = MediaFetcher.create(client, options).download(file).withProgress(events::add).openStream()) {
          assertThat(in.readAllBytes()).isEqualTo(doc.content().read(0, 24 * MIB));
        }
        int minWindow = events.stream().mapToInt(Progress::window).min().orElseThrow();
        assertThat(minWindow).as("window after FLOOD_WAIT").isLessThanOrEqualTo(2);
      } finally {
        cluster.dc(1).faults().clearFloodLimits();
      }
    }
  }

  @Test
  void aGigabyteDownloadsInA64MiBHeap(@TempDir Path dir) throws Exception {
    long size = 1L << 30;
    try (TestCluster cluster = TestCluster.builder().dcs(2).build().start()) {
      World world = cluster.world();
      WorldUser bot = world.bot("heap_bot").dc(1).create();
      WorldChannel channel = world.channel("heap_test").dc(1).create();
      WorldDocument doc = world.video("gig.mp4", FileContent.seeded(77, size)).dc(2).create();
      WorldMessage post = world.post(channel).media(doc).create();
      Path pem = dir.resolve("rsa.pem");
      Files.writeString(pem, cluster.rsaKey().publicKey().toPem());
      String dcs = cluster.dcs().stream().filter(d -> !d.mediaOnly() && !d.cdn())
          .map(d -> d.id() + ":" + d.host() + ":" + d.port()).collect(Collectors.joining(","));
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx64m", "-cp", System.getProperty("java.class.path"), HeapBoundMain.class.getName(),
          dcs, pem.toString(), bot.botToken().orElseThrow(), "heap_test", Integer.toString(post.id()));
      pb.redirectErrorStream(true);
      pb.redirectOutput(dir.resolve("child.log").toFile());
      long t0 = System.nanoTime();
      Process child = pb.start();
      boolean exited = child.waitFor(8, TimeUnit.MINUTES);
      String log = Files.readString(dir.resolve("child.log"));
      if (!exited) {
        child.destroyForcibly();
      }
      assertThat(exited).as("child finished; log:\n%s", log).isTrue();
      assertThat(child.exitValue()).as("child exit; log:\n%s", log).isZero();
      String expected = HexFormat.of().formatHex(doc.content().sha256());
      assertThat(log).contains("bytes=" + size).contains("sha256=" + expected);
      System.out.printf("1 GiB under -Xmx64m in %.1f s; %s%n", (System.nanoTime() - t0) / 1e9,
          log.lines().filter(l -> l.startsWith("peakHeap")).findFirst().orElse(""));
    }
  }

  @Test
  void cancellingLeavesNoConnectionOrThreadBehind() throws Exception {
    Set<String> before = threadNames();
    try (TestCluster cluster = TestCluster.builder().dcs(2).build().start()) {
      World world = cluster.world();
      WorldUser bot = world.bot("cancel_bot").dc(1).create();
      WorldChannel channel = world.channel("cancel_test").dc(1).create();
      WorldDocument doc = world.document("cancel.bin", FileContent.seeded(6, 64L * MIB)).dc(2).create();
      WorldMessage post = world.post(channel).media(doc).create();
      TelegramClient client = Fixture.botClient(cluster, bot);
      MediaFile file = Fixture.file(client, channel, post.id());
      InputStream in = MediaFetcher.create(client).download(file).openStream();
      assertThat(in.readNBytes(3 * MIB)).hasSize(3 * MIB);
      long getFileBefore = cluster.dc(2).recorder().count("upload.getFile");
      in.close();
      Thread.sleep(500);
      long getFileAfter = cluster.dc(2).recorder().count("upload.getFile");
      assertThat(getFileAfter - getFileBefore).as("requests after close").isLessThanOrEqualTo(8);
      client.close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && cluster.dcs().stream().mapToInt(DcServer::openConnections).sum() > 0) {
        Thread.sleep(50);
      }
      assertThat(cluster.dcs().stream().mapToInt(DcServer::openConnections).sum()).isZero();
    }
    Thread.sleep(1500);
    Set<String> leftover = threadNames();
    leftover.removeAll(before);
    leftover.removeIf(n -> n.startsWith("ForkJoinPool") || n.startsWith("process reaper") || n.contains("Timer")
        || n.startsWith("CompletableFutureDelayScheduler") || n.startsWith("Attach") || n.startsWith("Common-Cleaner"));
    assertThat(leftover).as("threads left after closing client and cluster").isEmpty();
  }

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .collect(Collectors.toSet());
  }
}
