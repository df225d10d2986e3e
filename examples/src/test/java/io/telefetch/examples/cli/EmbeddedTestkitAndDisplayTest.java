package io.telefetch.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telefetch.examples.cli.CliFixture.Run;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --testkit} alone (an embedded cluster with the demo content and its demo user logged
 * in), and the live display's lines.
 */
class EmbeddedTestkitAndDisplayTest {
  @Test
  void embeddedTestkitDownloadsWithTheDemoUserAndTheLiveDisplay(@TempDir Path tmp) throws Exception {
    LaunchConfig.Link story;
    try (CliFixture reference = new CliFixture(tmp)) { // the same seeding: the same links and bytes
      story = reference.cfg.link("story").orElseThrow();
    }
    Path out = tmp.resolve("out");
    Run r = CliFixture.run(tmp.resolve("home"), "", "download", "--testkit", "--progress", "live", "-o",
        out.toString(), story.link());
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.err()).contains("starting an embedded testkit cluster");
    String sha = story.media().get(0).sha256();
    assertThat(DownloadCommand.sha256(out.resolve(story.media().get(0).fileName()))).isEqualTo(sha);
    assertThat(r.out()).contains(sha + "  " + out.resolve(story.media().get(0).fileName()))
        .contains("1 file(s)");

    Run info = CliFixture.run(tmp.resolve("home"), "", "info", "--testkit", story.link());
    assertThat(info.status()).as(info.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(info.out());
    assertThat(json.get("account").asText()).isEqualTo("testkit demo user");
    assertThat(json.get("media").get(0).get("size").asLong()).isEqualTo(story.media().get(0).size());
  }

  @Test
  void liveLinesShowBarsBytesRateEtaAndATotal() {
    assertThat(DownloadDisplay.line("video.mp4", 512L << 20, 1L << 30, 64 << 20))
        .isEqualTo("video.mp4                    [############------------] 512.0 MiB / 1.0 GiB    64.0 MiB/s ETA 00:08");
    assertThat(DownloadDisplay.line("x", 0, -1, 0)).contains("[------------------------]").contains("/ ?")
        .endsWith("ETA --:--");
    assertThat(DownloadDisplay.eta(3725)).isEqualTo("1:02:05");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (DownloadDisplay d = new DownloadDisplay(DownloadDisplay.Mode.LIVE, out, out)) {
      Path a = Path.of("a.bin");
      Path b = Path.of("b.bin");
      d.started("l", a, 1000);
      d.started("l", b, 3000);
      d.progress("l", a, 500, 100);
      d.progress("l", b, 1000, 100);
      d.done("l", a, 1000, "ff", false);
      d.summary(1, 0, 0, false);
    }
    String s = bytes.toString(StandardCharsets.UTF_8);
    assertThat(s).contains("ff  a.bin").contains("b.bin").contains("total").contains("\033[");
    // the last drawing: b.bin at 1000 of 3000 bytes plus a.bin's 1000 done, of 4000 in total
    assertThat(s.substring(s.lastIndexOf("total"))).contains("2.0 KiB / 3.9 KiB").contains("100 B/s ETA 00:20");
  }
}
