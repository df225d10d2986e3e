package io.telefetch.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telefetch.examples.TelefetchCli;
import io.telefetch.examples.cli.CliFixture.Run;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import io.telefetch.testkit.server.DcServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C for real: a child JVM runs {@code telefetch download} and gets SIGINT ({@code kill -INT
 * PID}) while its {@code .part} grows; it must exit 130 and leave the partial file, and the same
 * command run again must resume it (fetching far fewer parts than the file has) and end byte-exact.
 */
class InterruptedDownloadTest {
  private static final long MIB = 1 << 20;
  private static final long SIZE = 64 * MIB;

  @Test
  void sigintLeavesAResumablePartialFileAndExits130(@TempDir Path tmp) throws Exception {
    try (CliFixture fx = new CliFixture(tmp, FileSpec.parse("big.bin:64M"))) {
      LaunchConfig.Message msg = fx.cfg.channels().get(0).messages().stream()
          .filter(m -> m.fileName().equals("big.bin")).findFirst().orElseThrow();
      assertThat(msg.size()).isEqualTo(SIZE);
      String link = "https://t.me/" + fx.cfg.channels().get(0).username() + "/" + msg.id();
      DcServer dc = fx.demo.cluster().dc(msg.dc());
      dc.rateLimit(4 * MIB); // per connection: the child is still downloading when the signal comes
      Path home = Files.createDirectories(tmp.resolve("home"));
      Path out = tmp.resolve("out");
      Path target = out.resolve("big.bin");
      Path part = out.resolve("big.bin.part");
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-cp", System.getProperty("java.class.path"), TelefetchCli.class.getName(), "download",
          "--testkit", fx.config.toString(), "-o", out.toString(), link);
      pb.environment().put("TELEFETCH_HOME", home.toString());
      pb.redirectErrorStream(true);
      pb.redirectOutput(tmp.resolve("child.log").toFile());
      Process child = pb.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      try {
        while (child.isAlive() && (!Files.exists(part) || Files.size(part) < 8 * MIB)) {
          assertThat(System.nanoTime()).as("the child's .part grows; log:%n%s", log(tmp)).isLessThan(deadline);
          Thread.sleep(5);
        }
        assertThat(child.isAlive()).as("still downloading; log:%n%s", log(tmp)).isTrue();
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("exits after SIGINT; log:%n%s", log(tmp)).isTrue();
      } finally {
        child.destroyForcibly();
      }
      assertThat(child.exitValue()).as("log:%n%s", log(tmp)).isEqualTo(130);
      assertThat(log(tmp)).contains("interrupted; the partial files are kept").doesNotContain("\tat ");
      assertThat(Files.exists(target)).isFalse();
      long onDisk = Files.size(part);
      assertThat(onDisk).isGreaterThanOrEqualTo(8 * MIB).isLessThan(SIZE);

      dc.rateLimit(0);
      dc.dropConnections(); // the shaping applies per connection: new ones are fast
      long before = dc.recorder().count("upload.getFile");
      Run r = CliFixture.run(home, "", "download", "--testkit", fx.config.toString(), "-o", out.toString(), "--json",
          link);
      assertThat(r.status()).as(r.toString()).isZero();
      long fetched = dc.recorder().count("upload.getFile") - before;
      JsonNode done = null;
      for (String line : r.outLines()) {
        JsonNode e = new ObjectMapper().readTree(line);
        if (e.get("event").asText().equals("done")) {
          done = e;
        }
      }
      assertThat(done).as(r.toString()).isNotNull();
      assertThat(done.get("resumed").asBoolean()).isTrue();
      assertThat(done.get("sha256").asText()).isEqualTo(msg.sha256());
      assertThat(DownloadCommand.sha256(target)).isEqualTo(msg.sha256());
      assertThat(fetched).as("parts fetched after the resume (the file has %d MiB)", SIZE / MIB)
          .isLessThan(SIZE / MIB - 4);
      System.out.printf("interrupted at %d MiB on disk; resumed with %d parts%n", onDisk / MIB, fetched);
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
