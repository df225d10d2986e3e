package io.telefetch.media.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.testkit.world.WorldUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A killed JVM, not a cancel: a child process downloads to a path and gets SIGKILL
 * ({@link Process#destroyForcibly()}) once its {@code .part} passed 24 MiB; this JVM then resumes
 * from what the child left on disk and must end byte-exact without starting over.
 */
class KilledDownloadResumeTest {
  private static final int MIB = 1 << 20;
  private static final long SIZE = 96L * MIB;

  @Test
  void aDownloadKilledWithSigkillResumesByteExact(@TempDir Path dir) throws Exception {
    try (TestCluster cluster = TestCluster.builder().dcs(2).build().start()) {
      World world = cluster.world();
      WorldUser bot = world.bot("killed_bot").dc(1).create();
      WorldChannel channel = world.channel("killed_test").dc(1).create();
      WorldDocument doc = world.video("killed.mp4", FileContent.seeded(41, SIZE)).dc(2).create();
      WorldMessage post = world.post(channel).media(doc).create();
      cluster.dc(2).rateLimit(24L * MIB); // the child must still be downloading when it is killed
      Path pem = dir.resolve("rsa.pem");
      Files.writeString(pem, cluster.rsaKey().publicKey().toPem());
      String dcs = cluster.dcs().stream().filter(d -> !d.mediaOnly() && !d.cdn())
          .map(d -> d.id() + ":" + d.host() + ":" + d.port()).collect(Collectors.joining(","));
      Path target = dir.resolve("killed.mp4");
      Path part = dir.resolve("killed.mp4.part");
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx128m", "-cp", System.getProperty("java.class.path"), ResumeChildMain.class.getName(),
          dcs, pem.toString(), bot.botToken().orElseThrow(), "killed_test", Integer.toString(post.id()),
          target.toString());
      pb.redirectErrorStream(true);
      pb.redirectOutput(dir.resolve("child.log").toFile());
      Process child = pb.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      try {
        while (child.isAlive() && (!Files.exists(part) || Files.size(part) < 24L * MIB)) {
          assertThat(System.nanoTime()).as("the child's .part grows; log:%n%s", log(dir)).isLessThan(deadline);
          Thread.sleep(5);
        }
      } finally {
        child.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs in the child
      }
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).as("killed by SIGKILL; log:%n%s", log(dir)).isEqualTo(137);
      assertThat(log(dir)).doesNotContain("finished");
      assertThat(Files.exists(target)).isFalse();
      long onDisk = Files.size(part);
      assertThat(onDisk).isGreaterThanOrEqualTo(24L * MIB).isLessThan(SIZE);

      cluster.dc(2).rateLimit(0);
      cluster.dc(2).dropConnections(); // the shaping applies per connection: new ones are fast
      try (TelegramClient client = Fixture.botClient(cluster, bot)) {
        MediaFile file = Fixture.file(client, channel, post.id());
        long before = cluster.dc(2).recorder().count("upload.getFile");
        Path done = MediaFetcher.create(client, FetchOptions.builder().window(4, 8).build()).download(file)
            .toPath(target).get(90, TimeUnit.SECONDS);
        long fetched = cluster.dc(2).recorder().count("upload.getFile") - before;
        assertThat(Sha.of(done)).isEqualTo(HexFormat.of().formatHex(doc.content().sha256()));
        assertThat(fetched).as("parts fetched after the resume (the file has %d)", SIZE / MIB)
            .isLessThan(SIZE / MIB - 8);
        System.out.printf("killed at %d MiB on disk; resumed with %d parts%n", onDisk / MIB, fetched);
      }
    }
  }

  private static String log(Path dir) {
    try {
      return Files.readString(dir.resolve("child.log"));
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
