package io.telefetch.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.telefetch.redis.RedisFixture;
import io.telefetch.redis.RedisShared;
import io.telefetch.redis.SessionKey;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import io.telefetch.testkit.server.DcServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code telefetch serve --accounts} in process against a launcher cluster with three accounts:
 * alone (one file's parts over every account, byte-exact; {@code /v1/accounts} behind the token,
 * ids masked; the accounts gauge); on a real Redis restarted in the middle of a stream (the stream
 * completes byte-exact, the outage and the return are logged once each, the node rejoins with its
 * leases); sessions in Redis (encrypted at rest; the next node reuses the logins, no new login).
 */
class ServePoolTest {
  static final String TOKEN = "pool-test-token-0123456789";
  static final long SIZE = 48L << 20;

  @TempDir
  static Path tmp;
  static DemoCluster demo;
  static LaunchConfig cfg;
  static Path config;
  static LaunchConfig.Message big;
  static RedisFixture redis;

  final List<Running> running = new ArrayList<>();
  final OkHttpClient http = new OkHttpClient.Builder().readTimeout(java.time.Duration.ofSeconds(60)).build();
  final AccountsJson api = new AccountsJson(http, TOKEN);

  @BeforeAll
  static void start() throws Exception {
    demo = DemoCluster.builder().dcs(1).file(FileSpec.parse("big.bin:" + SIZE)).accounts(List.of("a", "b", "c"))
        .build().start();
    cfg = demo.config();
    config = tmp.resolve("cluster.json");
    Files.writeString(config, cfg.toJson());
    big = cfg.channels().get(0).messages().get(0);
    redis = RedisFixture.start();
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
  void stopNodes() throws Exception {
    for (Running r : running) {
      r.stop();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /** A serve command running in this process. */
  record Running(ServeCommand command, CompletableFuture<Integer> exit, ByteArrayOutputStream out,
      ByteArrayOutputStream err) {
    String base() {
      return "http://127.0.0.1:" + command.gateway.port();
    }

    int stop() throws Exception {
      command.stop.countDown();
      return exit.get(60, TimeUnit.SECONDS);
    }
  }

  Running serve(Map<String, String> env, String... args) throws Exception {
    ServeCommand command = new ServeCommand();
    command.env = env;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    command.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(command).execute(args));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (command.gateway == null) {
      assertThat(exit).as(() -> "still running: " + err.toString(StandardCharsets.UTF_8)).isNotDone();
      assertThat(System.nanoTime()).as("listening within 90 s").isLessThan(deadline);
      Thread.sleep(20);
    }
    Running r = new Running(command, exit, out, err);
    running.add(r);
    return r;
  }

  static String link() {
    return "https://t.me/" + cfg.channels().get(0).username() + "/" + big.id();
  }



  static String sha256(InputStream in) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) > 0; ) {
      sha.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  @Test
  void aPoolOfThreeAccountsServesOneFileOverAllOfThemAndShowsThemBehindTheToken() throws Exception {
    Running node = serve(Map.of(), "--port", "0", "--testkit", config.toString(), "--accounts", "a,b,c",
        "--token", TOKEN);
    assertThat(node.out().toString(StandardCharsets.UTF_8)).contains("accounts a=active b=active c=active");
    try (Response r = http.newCall(new Request.Builder().url(node.base() + "/v1/accounts").build()).execute()) {
      assertThat(r.code()).as("no token").isEqualTo(401);
    }
    JsonNode before = api.accounts(node.base());
    assertThat(before.get("node").isNull()).isTrue();
    assertThat(before.get("redis").isNull()).isTrue();
    assertThat(before.get("accounts")).extracting(a -> a.get("name").asText()).containsExactly("a", "b", "c");

    try (Response r = http.newCall(api.get(node.base(), "/v1/media?link=" + URLEncoder.encode(link(), StandardCharsets.UTF_8))
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(sha256(r.body().byteStream())).isEqualTo(big.sha256());
    }

    JsonNode after = api.accounts(node.base());
    String body = after.toString();
    for (LaunchConfig.Account a : cfg.accounts()) {
      long id = demo.cluster().world().botByToken(a.botToken()).orElseThrow().id();
      JsonNode acc = AccountsJson.account(after, a.name());
      assertThat(acc.get("state").asText()).isEqualTo("active");
      assertThat(acc.get("user_id").asText()).matches("\\d\\d\\*\\*\\*\\d\\d");
      assertThat(body).doesNotContain(Long.toString(id));
      assertThat(acc.get("parts_fetched").asLong()).as("parts of account %s", a.name()).isPositive();
      assertThat(acc.get("flood_wait")).isEmpty();
    }
    try (Response r = http.newCall(api.get(node.base(), "/metrics").build()).execute()) {
      assertThat(r.body().string()).contains("telefetch_serve_accounts{state=\"active\"} 3");
    }
    assertThat(node.stop()).isZero();
  }

  @Test
  void aFloodWaitMovesAnAccountsPartsToTheOthersAndShowsUntilWhen() throws Exception {
    Running node = serve(Map.of(), "--port", "0", "--testkit", config.toString(), "--accounts", "a,b,c",
        "--token", TOKEN);
    demo.cluster().dcs().get(0).faults().rpcError("upload.getFile", 420, "FLOOD_WAIT_3600", 1);
    try (Response r = http.newCall(api.get(node.base(), "/v1/media?link=" + URLEncoder.encode(link(), StandardCharsets.UTF_8))
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(sha256(r.body().byteStream())).as("finished without waiting out the hour").isEqualTo(big.sha256());
    } finally {
      demo.cluster().dcs().get(0).faults().clearRpcErrors();
    }
    JsonNode state = api.accounts(node.base());
    List<JsonNode> flooded = new ArrayList<>();
    state.get("accounts").forEach(a -> {
      if (a.get("state").asText().equals("flood_wait")) {
        flooded.add(a);
      }
    });
    assertThat(flooded).as(state.toString()).hasSize(1);
    JsonNode wait = flooded.get(0).get("flood_wait").get(0);
    assertThat(wait.get("dc").asInt()).isEqualTo(1);
    assertThat(java.time.Instant.parse(wait.get("until").asText()))
        .isAfter(java.time.Instant.now().plusSeconds(3000));
    try (Response r = http.newCall(api.get(node.base(), "/metrics").build()).execute()) {
      String metrics = r.body().string();
      assertThat(metrics).contains("telefetch_serve_accounts{state=\"flood_wait\"} 1")
          .contains("telefetch_serve_accounts{state=\"active\"} 2");
    }
  }

  @Test
  void redisRestartedMidStreamTheStreamCompletesTheOutageIsLoggedOnceAndTheNodeRejoins() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(RedisShared.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      Running node = serve(Map.of(), "--port", "0", "--testkit", config.toString(), "--accounts", "a,b,c",
          "--token", TOKEN, "--redis", redis.uri(), "--redis-prefix", "restart:", "--node", "solo",
          "--lease-ttl", "9");
      JsonNode joined = api.accounts(node.base());
      assertThat(joined.get("node").asText()).isEqualTo("solo");
      assertThat(joined.get("redis").asText()).isEqualTo("up");
      for (String n : List.of("a", "b", "c")) {
        assertThat(AccountsJson.account(joined, n).get("lease_holder").asText()).isEqualTo("solo");
      }

      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (Response r = http.newCall(api.get(node.base(), "/v1/media?link=" + URLEncoder.encode(link(), StandardCharsets.UTF_8))
          .build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        InputStream in = r.body().byteStream();
        StreamBytes.read(in, sha, 8L << 20);
        redis.down();
        try {
          StreamBytes.read(in, sha, 8L << 20);
          assertThat(api.await(node.base(), a -> a.get("redis").asText().equals("down")).get("redis").asText())
              .isEqualTo("down");
          StreamBytes.read(in, sha, 8L << 20); // still streaming with Redis away
        } finally {
          redis.up();
        }
        StreamBytes.read(in, sha, SIZE - (24L << 20));
        assertThat(in.read()).as("the end").isEqualTo(-1);
      }
      assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(big.sha256());

      // rejoined: Redis came back empty; the node's leases are in it again, and it says so
      JsonNode back = api.await(node.base(), a -> a.get("redis").asText().equals("up")
          && List.of("a", "b", "c").stream().allMatch(n -> AccountsJson.account(a, n).path("lease_holder").asText("").equals("solo")));
      assertThat(back.get("redis").asText()).isEqualTo("up");
      for (String n : List.of("a", "b", "c")) {
        assertThat(AccountsJson.account(back, n).get("state").asText()).isEqualTo("active");
        assertThat(AccountsJson.account(back, n).get("lease_holder").asText()).isEqualTo("solo");
      }
      assertThat(node.stop()).isZero();
      assertThat(events.list.stream().filter(e -> e.getFormattedMessage().contains("is unavailable")).count())
          .as("the outage, logged once").isEqualTo(1);
      assertThat(events.list.stream().filter(e -> e.getFormattedMessage().contains("is back")).count())
          .as("the return, logged once").isEqualTo(1);
    } finally {
      logger.detachAppender(events);
    }
  }

  @Test
  void sessionsInRedisAreEncryptedAndTheNextNodeReusesTheLogins() throws Exception {
    byte[] keyBytes = new byte[32];
    new java.security.SecureRandom().nextBytes(keyBytes);
    Map<String, String> env = Map.of(SessionKey.ENV, Base64.getEncoder().encodeToString(keyBytes));
    long logins0 = logins();
    Running first = serve(env, "--port", "0", "--testkit", config.toString(), "--accounts", "a,b", "--token", TOKEN,
        "--redis", redis.uri(), "--redis-prefix", "sessions:", "--node", "one", "--redis-sessions");
    assertThat(logins() - logins0).as("two bots logged in").isEqualTo(2);
    assertThat(first.stop()).isZero(); // a clean stop: leases released, sessions saved

    try (io.lettuce.core.RedisClient raw = io.lettuce.core.RedisClient.create(redis.uri());
        io.lettuce.core.api.StatefulRedisConnection<String, String> c = raw.connect()) {
      String stored = c.sync().get("sessions:session:a");
      assertThat(stored).isNotNull();
      byte[] sealed = Base64.getDecoder().decode(stored);
      assertThat(indexOf(sealed, keyBytes)).as("the key is not beside the data").isEqualTo(-1);
      assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(cfg.accounts().get(0).botToken());
      assertThat(c.sync().get("sessions:lease:a")).as("released on a clean stop").isNull();
    }

    long logins1 = logins();
    Running second = serve(env, "--port", "0", "--testkit", config.toString(), "--accounts", "a,b", "--token", TOKEN,
        "--redis", redis.uri(), "--redis-prefix", "sessions:", "--node", "two", "--redis-sessions");
    JsonNode state = api.accounts(second.base());
    assertThat(AccountsJson.account(state, "a").get("lease_holder").asText()).isEqualTo("two");
    assertThat(AccountsJson.account(state, "b").get("state").asText()).isEqualTo("active");
    assertThat(logins() - logins1).as("the sessions from Redis are logged in already").isZero();
    try (Response r = http.newCall(api.get(second.base(), "/v1/media?link=" + URLEncoder.encode(link(), StandardCharsets.UTF_8))
        .header("Range", "bytes=1000-1999").build()).execute()) {
      assertThat(r.code()).isEqualTo(206);
      assertThat(r.body().bytes()).isEqualTo(FileSpec.parse("big.bin:" + SIZE).content().read(1000, 1000));
    }

    assertThat(second.stop()).isZero();

    // a node with another key: the stored session does not decrypt; the account is unavailable, not blank
    Running wrongKey = serve(Map.of(SessionKey.ENV, Base64.getEncoder().encodeToString(new byte[32])), "--port", "0",
        "--testkit", config.toString(), "--accounts", "a,c", "--token", TOKEN, "--redis", redis.uri(),
        "--redis-prefix", "sessions:", "--node", "three", "--redis-sessions");
    JsonNode third = api.accounts(wrongKey.base());
    assertThat(AccountsJson.account(third, "a").get("state").asText()).isEqualTo("unavailable");
    assertThat(AccountsJson.account(third, "a").get("problem").asText()).contains("does not decrypt");
    assertThat(AccountsJson.account(third, "c").get("state").asText()).isEqualTo("active");
  }

  static long logins() {
    long n = 0;
    for (DcServer dc : demo.cluster().dcs()) {
      n += dc.recorder().count("auth.importBotAuthorization");
    }
    return n;
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
