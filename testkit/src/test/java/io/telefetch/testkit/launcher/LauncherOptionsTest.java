package io.telefetch.testkit.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Parsing of {@code --file} specs and the launcher's usage errors (in process, nothing is started). */
class LauncherOptionsTest {
  @ParameterizedTest
  @CsvSource({
      "12345, 12345", "12345B, 12345", "300KiB, 307200", "300k, 307200", "300KB, 300000", "64MiB, 67108864",
      "64M, 67108864", "64MB, 64000000", "1GiB, 1073741824", "1gib, 1073741824", "1.5GiB, 1610612736", "2GB, 2000000000"})
  void sizes(String text, long bytes) {
    assertThat(FileSpec.parseSize(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "12XB", "-5", "1.5.5M"})
  void badSizes(String text) {
    assertThatThrownBy(() -> FileSpec.parseSize(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void specs() {
    assertThat(FileSpec.parse("demo.mp4:64MiB")).isEqualTo(new FileSpec("demo.mp4", 64L << 20, 0, false));
    assertThat(FileSpec.parse("big.bin:1GiB:3:cdn")).isEqualTo(new FileSpec("big.bin", 1L << 30, 3, true));
    assertThat(FileSpec.parse("a.zip:12345:cdn")).isEqualTo(new FileSpec("a.zip", 12345, 0, true));
    assertThat(FileSpec.parse("a.zip:12345:4")).isEqualTo(new FileSpec("a.zip", 12345, 4, false));
    assertThat(FileSpec.parse("a.zip:12345:3:cdn").toString()).isEqualTo("a.zip:12345:3:cdn");
    for (String bad : new String[] {"demo.mp4", "demo.mp4:", ":5", "a:1:cdn:2", "a:1:2:3", "a:1:x", "a:0", "a:5GiB",
        "a:1:0", "a:1:cdn:cdn", "a:1:2:cdn:x"}) {
      assertThatThrownBy(() -> FileSpec.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void mimeTypesByExtension() {
    assertThat(FileSpec.parse("x.mp4:1").mimeType()).isEqualTo("video/mp4");
    assertThat(FileSpec.parse("x.MP4:1").isVideo()).isTrue();
    assertThat(FileSpec.parse("x.mkv:1").mimeType()).isEqualTo("video/x-matroska");
    assertThat(FileSpec.parse("x.pdf:1").mimeType()).isEqualTo("application/pdf");
    assertThat(FileSpec.parse("x.jpg:1").mimeType()).isEqualTo("image/jpeg");
    assertThat(FileSpec.parse("x.jpg:1").isVideo()).isFalse();
    assertThat(FileSpec.parse("noext:1").mimeType()).isEqualTo("application/octet-stream");
    assertThat(FileSpec.parse("x.weird:1").mimeType()).isEqualTo("application/octet-stream");
  }

  @Test
  void contentIsDeterministicPerNameAndSize() {
    FileSpec a = FileSpec.parse("a.bin:4096");
    assertThat(a.content().sha256Hex()).isEqualTo(FileSpec.parse("a.bin:4096:2:cdn").content().sha256Hex());
    assertThat(a.content().sha256Hex()).isNotEqualTo(FileSpec.parse("b.bin:4096").content().sha256Hex());
    assertThat(FileSpec.defaultVideo()).isEqualTo(new FileSpec("demo.mp4", 64L << 20, 0, false));
  }

  private static int run(StringWriter err, String... args) {
    CommandLine cmd = new CommandLine(new Launcher());
    cmd.setErr(new PrintWriter(err));
    cmd.setOut(new PrintWriter(new StringWriter()));
    return cmd.execute(args);
  }

  @Test
  void usageErrorsExitWith2BeforeStartingAnything() {
    String[][] bad = {
        {"--file", "x.mp4:lots"}, {"--dcs", "9"}, {"--dcs", "2", "--file", "x.bin:10:3"}, {"--media-dc", "4"},
        {"--mtproxy-secret", "zz"}, {"--rate", "-1"}, {"--no-such-option"}};
    for (String[] args : bad) {
      StringWriter err = new StringWriter();
      assertThat(run(err, args)).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString()).as(String.join(" ", args)).contains("Usage:");
    }
  }

  @Test
  void helpListsEveryOption() {
    CommandLine cmd = new CommandLine(new Launcher());
    StringWriter out = new StringWriter();
    cmd.setOut(new PrintWriter(out));
    assertThat(cmd.execute("--help")).isZero();
    assertThat(out.toString()).contains("--dcs", "--file", "--config-out", "--rate", "--latency", "--guest-access",
        "--mtproxy-secret", "--media-dc", "--cdn", "--api-id", "--api-hash", "--seed", "--links");
  }
}
