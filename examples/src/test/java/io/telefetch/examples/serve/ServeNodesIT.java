package io.telefetch.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.telefetch.redis.RedisFixture;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code telefetch serve} nodes, each its own JVM from the shaded jar, on one real Redis and one
 * testkit cluster with four accounts: node B serves c and d, node A serves a and b and stands by for
 * c and d. A file is streamed through A; in the middle of the stream (the test stops reading, so the
 * socket's backpressure holds the download) B is killed with SIGKILL, so it releases nothing; after
 * the lease TTL A takes c and d over (seen on A's {@code /v1/accounts} and {@code /metrics}); the
 * rest of the stream completes byte-exact, part of it fetched by the taken-over accounts. A stopped
 * with SIGTERM releases its leases at once.
 */
class ServeNodesIT {
  static final String TOKEN = "nodes-it-token-0123456789";
  static final long SIZE = 64L << 20;
  static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");

  @TempDir
  static Path tmp;
  static RedisFixture redis;
  static DemoCluster demo;
  static Path config;
  static LaunchConfig.Message file;

  final List<Process> processes = new ArrayList<>();
  final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(120)).build();
  final AccountsJson api = new AccountsJson(http, TOKEN);

  @BeforeAll
  static void start() throws Exception {
    redis = RedisFixture.start();
    demo = DemoCluster.builder().dcs(1).file(FileSpec.parse("movie.mp4:" + SIZE)).accounts(List.of("a", "b", "c", "d"))
        .build().start();
    config = tmp.resolve("cluster.json");
    Files.writeString(config, demo.config().toJson());
    file = demo.config().channels().get(0).messages().get(0);
  }

  @AfterAll
  static void stop() {
    if (demo != null) {
      demo.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void killAll() {
    processes.forEach(Process::destroyForcibly);
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /** A serve node in its own JVM; returns once it listens, with its base URL. */
  record Node(Process process, String base, Path out, Path err) {
    String log() throws Exception {
      return "--- out\n" + Files.readString(out) + "--- err\n" + Files.readString(err);
    }
  }

  Node node(String id, String... accountArgs) throws Exception {
    Path jar = Path.of("target", "telefetch.jar").toAbsolutePath();
    assertThat(jar).exists();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar.toString(), "serve", "--port", "0", "--testkit", config.toString(),
        "--token", TOKEN, "--redis", redis.uri(), "--node", id, "--lease-ttl", "4"));
    cmd.addAll(List.of(accountArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("TELEFETCH_HOME", tmp.resolve("home-" + id).toString());
    Path out = tmp.resolve(id + ".out");
    Path err = tmp.resolve(id + ".err");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process p = pb.start();
    processes.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(Files.readString(out));
      if (m.find()) {
        return new Node(p, "http://127.0.0.1:" + m.group(1), out, err);
      }
      assertThat(p.isAlive()).as(() -> "node " + id + " exited: " + read(out) + read(err)).isTrue();
      Thread.sleep(50);
    }
    throw new AssertionError("node " + id + " did not listen within 120 s: " + read(out) + read(err));
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (Exception e) {
      return "";
    }
  }


  static boolean heldBy(JsonNode root, String node, String... names) {
    for (String n : names) {
      JsonNode a = AccountsJson.account(root, n);
      if (!a.get("state").asText().equals("active") || !a.path("lease_holder").asText("").equals(node)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aStreamThroughNodeACompletesByteExactWhileNodeBIsKilledAndItsAccountsTakenOver() throws Exception {
    Node b = node("B", "--accounts", "c,d");
    Node a = node("A", "--accounts", "a,b,c,d", "--standby", "c,d");
    JsonNode start = api.accounts(a.base());
    assertThat(start.get("node").asText()).isEqualTo("A");
    assertThat(heldBy(start, "A", "a", "b")).as(start.toString()).isTrue();
    for (String n : List.of("c", "d")) {
      assertThat(AccountsJson.account(start, n).get("state").asText()).isEqualTo("elsewhere");
      assertThat(AccountsJson.account(start, n).get("lease_holder").asText()).isEqualTo("B");
    }
    assertThat(heldBy(api.accounts(b.base()), "B", "c", "d")).isTrue();

    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    String link = "https://t.me/" + DemoCluster.CHANNEL + "/" + file.id();
    try (Response r = http.newCall(api.get(a.base(), "/v1/media?link=" + URLEncoder.encode(link, StandardCharsets.UTF_8)).build())
        .execute()) {
      assertThat(r.code()).isEqualTo(200);
      InputStream in = r.body().byteStream();
      StreamBytes.read(in, sha, 4L << 20); // then stop reading: the download waits on the socket
      JsonNode before = api.accounts(a.base());
      assertThat(AccountsJson.account(before, "c").get("parts_fetched").asLong()).isZero();
      assertThat(AccountsJson.account(before, "d").get("parts_fetched").asLong()).isZero();

      b.process().destroyForcibly(); // SIGKILL: no shutdown hook, its leases stay until their TTL
      assertThat(b.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

      JsonNode after = api.await(a.base(), s -> heldBy(s, "A", "a", "b", "c", "d"));
      assertThat(heldBy(after, "A", "a", "b", "c", "d")).as(after.toString()).isTrue();
      try (Response m = http.newCall(api.get(a.base(), "/metrics").build()).execute()) {
        assertThat(m.body().string()).contains("telefetch_serve_accounts{state=\"active\"} 4");
      }

      StreamBytes.read(in, sha, SIZE - (4L << 20));
      assertThat(in.read()).as("the end of the body").isEqualTo(-1);
    }
    assertThat(HexFormat.of().formatHex(sha.digest())).as(a.log()).isEqualTo(file.sha256());
    JsonNode done = api.accounts(a.base());
    assertThat(AccountsJson.account(done, "c").get("parts_fetched").asLong() + AccountsJson.account(done, "d").get("parts_fetched").asLong())
        .as("parts fetched by the taken-over accounts: %s", done).isPositive();
    assertThat(Files.readString(a.err())).contains("node A serves account c").contains("node A serves account d");

    // A stops cleanly (SIGTERM): it hands its accounts over at once
    a.process().destroy();
    assertThat(a.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    RedisClient raw = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> c = raw.connect()) {
      for (String n : List.of("a", "b", "c", "d")) {
        assertThat(c.sync().get("telefetch:lease:" + n)).as("lease of %s", n).isNull();
      }
    } finally {
      raw.shutdown();
    }
  }
}
