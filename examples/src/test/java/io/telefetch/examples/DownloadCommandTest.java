package io.telefetch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code telefetch download --testkit CONFIG.json [-o DIR] LINK...} against an in-process launcher cluster. */
class DownloadCommandTest {
  private static DemoCluster demo;
  private static LaunchConfig cfg;
  private static Path config;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    demo = DemoCluster.builder().dcs(2).file(FileSpec.parse("a.bin:1000")).links(true).build().start();
    cfg = demo.config();
    config = tmp.resolve("cluster.json");
    Files.writeString(config, cfg.toJson());
  }

  @AfterAll
  static void stop() {
    if (demo != null) {
      demo.close();
    }
  }

  private record Run(int status, List<String> out, List<String> err) {}

  private static Run run(String... args) {
    DownloadCommand command = new DownloadCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    int status = new CommandLine(command).execute(args);
    return new Run(status, lines(out), lines(err));
  }

  private static List<String> lines(ByteArrayOutputStream bytes) {
    String s = bytes.toString(StandardCharsets.UTF_8);
    return s.isBlank() ? List.of() : s.strip().lines().toList();
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  @Test
  void writesEveryFileUnderItsOwnNameAndPrintsItsHash() throws Exception {
    Path dir = tmp.resolve("out");
    LaunchConfig.Link post = cfg.link("post").orElseThrow();
    LaunchConfig.Link album = cfg.link("album").orElseThrow();
    Run r = run("--testkit", config.toString(), "-o", dir.toString(), post.link(), album.link());
    assertThat(r.status()).as(String.join("\n", r.err())).isZero();
    assertThat(r.err()).isEmpty();
    List<LaunchConfig.Media> expected = new ArrayList<>(post.media());
    expected.addAll(album.media());
    assertThat(r.out()).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      LaunchConfig.Media m = expected.get(i);
      Path file = dir.resolve(m.fileName());
      assertThat(r.out().get(i)).isEqualTo(m.sha256() + "  " + file);
      assertThat(sha256(file)).isEqualTo(m.sha256());
    }
  }

  @Test
  void aFailedLinkIsOneLineAndStatusOneWhileTheOthersStillDownload() throws Exception {
    Path dir = tmp.resolve("mixed");
    LaunchConfig.Link post = cfg.link("post").orElseThrow();
    Run r = run("--testkit", config.toString(), "-o", dir.toString(), "https://t.me/telefetch_links/99999",
        "https://evil.example/x", post.link(), cfg.link("story").orElseThrow().link());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).containsExactly(post.media().get(0).sha256() + "  " + dir.resolve("notes.pdf"));
    assertThat(r.err()).hasSize(3);
    assertThat(r.err().get(0)).startsWith("telefetch download: https://t.me/telefetch_links/99999: ")
        .contains("MESSAGE_NOT_FOUND");
    assertThat(r.err().get(1)).contains("not a Telegram link");
    assertThat(r.err().get(2)).contains("USER_ACCOUNT_REQUIRED"); // stories are for users; the CLI logs in as the bot
    assertThat(String.join("\n", r.err())).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void anUnreadableConfigIsAUsageError() {
    Run r = run("--testkit", tmp.resolve("missing.json").toString(), "https://t.me/x/1");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).hasSize(1);
  }
}
