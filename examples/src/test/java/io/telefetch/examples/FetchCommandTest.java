package io.telefetch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/** {@code telefetch fetch} against an in-process launcher cluster (the same JSON the launcher writes). */
class FetchCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static DemoCluster demo;

  @TempDir
  static Path dir;

  private static Path config;

  @BeforeAll
  static void start() throws Exception {
    // the bot lives on DC 2: a.bin on DC 1 makes the bot's download go through FILE_MIGRATE / exported authorization
    demo = DemoCluster.builder().dcs(2).guestAccess(true)
        .file(FileSpec.parse("a.bin:3MiB:1")).file(FileSpec.parse("b.mp4:1500KiB:2"))
        .build().start();
    config = dir.resolve("cluster.json");
    Files.writeString(config, demo.config().toJson());
  }

  @AfterAll
  static void stop() {
    if (demo != null) {
      demo.close();
    }
  }

  private record Run(int status, JsonNode result, String stdout) {}

  private static Run run(String... args) throws Exception {
    return runWith(config, args);
  }

  private static Run runWith(Path configFile, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("fetch", "--config", configFile.toString()));
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int status;
    try {
      status = new CommandLine(new TelefetchCli()).execute(all.toArray(String[]::new));
    } finally {
      System.setOut(old);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    String[] lines = text.strip().split("\n");
    return new Run(status, text.isBlank() ? null : JSON.readTree(lines[lines.length - 1]), text);
  }

  @Test
  void botDownloadOfTheFirstPostMatchesTheJson() throws Exception {
    LaunchConfig.Message first = demo.config().channels().get(0).messages().get(0);
    Run r = run("--window", "4");
    assertThat(r.status()).as(r.stdout()).isZero();
    assertThat(r.stdout().strip().lines().count()).isEqualTo(1);
    JsonNode j = r.result();
    assertThat(j.get("client").asText()).isEqualTo("telefetch");
    assertThat(j.get("ok").asBoolean()).isTrue();
    assertThat(j.get("login").asText()).isEqualTo("bot");
    assertThat(j.get("message").asInt()).isEqualTo(first.id());
    assertThat(j.get("bytes").asLong()).isEqualTo(3 << 20);
    assertThat(j.get("sha256").asText()).isEqualTo(first.sha256());
    assertThat(j.get("download_s").asDouble()).isPositive();
    assertThat(j.get("mbps").asDouble()).isPositive();
    assertThat(j.get("process_cpu_s").asDouble()).isPositive();
    assertThat(j.get("settings").get("window").asText()).endsWith("..4");
    if (Files.exists(Path.of("/proc/self/status"))) {
      assertThat(j.get("max_rss_kib").asLong()).isPositive();
      assertThat(j.get("download_cpu_user_s").asDouble()).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void guestDownloadByFileNameWritesTheFile() throws Exception {
    Path out = dir.resolve("b.mp4");
    Run r = run("--guest", "--file", "b.mp4", "--out", out.toString(), "--verify", "false", "--connections", "2");
    assertThat(r.status()).as(r.stdout()).isZero();
    JsonNode j = r.result();
    assertThat(j.get("login").asText()).isEqualTo("guest");
    assertThat(j.get("message").asInt()).isEqualTo(2);
    assertThat(j.get("settings").get("verify").asBoolean()).isFalse();
    byte[] written = Files.readAllBytes(out);
    assertThat(written).hasSize(1500 << 10);
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(written)))
        .isEqualTo(j.get("expected_sha256").asText());
  }

  @Test
  void aWrongHashInTheJsonFailsWithStatusOne() throws Exception {
    LaunchConfig.Message m = demo.config().channels().get(0).messages().get(1);
    JsonNode tree = JSON.readTree(demo.config().toJson());
    ((ObjectNode) tree.get("channels").get(0).get("messages").get(1)).put("sha256", "00".repeat(32));
    Path wrong = dir.resolve("wrong.json");
    Files.writeString(wrong, JSON.writeValueAsString(tree));

    Run r = runWith(wrong, "--message", String.valueOf(m.id()));
    assertThat(r.status()).isEqualTo(1);
    JsonNode j = r.result();
    assertThat(j.get("ok").asBoolean()).isFalse();
    assertThat(j.get("error").asText()).contains("SHA-256 mismatch");
    assertThat(j.get("sha256").asText()).isEqualTo(m.sha256());
  }

  @Test
  void anUnknownPostIsAUsageError() throws Exception {
    Run r = run("--message", "99");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.result()).isNull();
  }
}
