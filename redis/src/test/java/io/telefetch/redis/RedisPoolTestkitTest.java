package io.telefetch.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.media.DownloadRequest;
import io.telefetch.media.FetchOptions;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.pool.AccountLimits;
import io.telefetch.pool.AccountPool;
import io.telefetch.pool.FloodRegistry;
import io.telefetch.pool.PoolAccount;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.ApiHandler;
import io.telefetch.testkit.server.CallContext;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.server.RpcError;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.upload.GetFile;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The account pool on shared Redis state against testkit with four accounts: a flood one node saw
 * keeps the other node's parts off that account; a dead node's accounts are taken over in the middle
 * of a download on the other node, which completes byte-exact; Redis restarted in the middle of a
 * download: the download completes byte-exact on local state, and the node rejoins (its leases
 * re-acquired).
 */
class RedisPoolTestkitTest {
  static final int MIB = 1 << 20;
  static final long SIZE = 24L * MIB;
  static final int PART = 512 << 10;
  static final int ACCOUNTS = 4;

  static RedisFixture redis;
  static TestCluster cluster;
  static WorldMessage post;
  static String sha;
  static final List<WorldUser> bots = new ArrayList<>();
  static final List<TelegramClient> clients = new ArrayList<>();
  static final Map<Long, AtomicInteger> served = new ConcurrentHashMap<>();
  static volatile BiFunction<Long, Integer, @Nullable RpcError> fault = (u, n) -> null;
  static volatile long delayMillis;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    redis = RedisFixture.start();
    cluster = TestCluster.builder().dcs(1).apiHandler(c -> new Counting(c.api())).build().start();
    World world = cluster.world();
    for (int i = 0; i < ACCOUNTS; i++) {
      bots.add(world.bot("redis_bot" + i).dc(1).create());
    }
    WorldChannel channel = world.channel("redis_test").title("Redis").dc(1).create();
    WorldDocument doc = world.video("r.mp4", FileContent.seeded(11, SIZE)).dc(1).create();
    post = world.post(channel).text("shared").media(doc).create();
    sha = sha256(doc.content());
    List<DcOption> options = new ArrayList<>();
    for (DcServer dc : cluster.dcs()) {
      if (!dc.mediaOnly() && !dc.cdn()) {
        options.add(DcOption.of(dc.id(), dc.host(), dc.port()));
      }
    }
    for (WorldUser bot : bots) {
      TelegramClient c = TelegramClient.builder().apiId(4242).apiHash("0123456789abcdef0123456789abcdef")
          .dcOptions(DcOptions.of(options)).serverKeys(cluster.serverKeys()).mainDc(1).downloadConnections(2)
          .callTimeout(Duration.ofSeconds(30)).build();
      c.login(Login.botToken(bot.botToken().orElseThrow())).join();
      clients.add(c);
    }
  }

  @AfterAll
  static void stop() {
    clients.forEach(TelegramClient::close);
    if (cluster != null) {
      cluster.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void reset() {
    served.clear();
    fault = (u, n) -> null;
    delayMillis = 0;
  }

  static AccountPool pool(FloodRegistry registry) {
    AccountPool.Builder b = AccountPool.builder().floodRegistry(registry);
    for (int i = 0; i < ACCOUNTS; i++) {
      b.account(PoolAccount.of("acc" + i, clients.get(i), AccountLimits.free()));
    }
    return b.build();
  }

  static int servedTo(int account) {
    AtomicInteger n = served.get(bots.get(account).id());
    return n == null ? 0 : n.get();
  }

  static FetchOptions options() {
    return FetchOptions.builder().partSize(PART).window(8, 16).cdn(false).build();
  }

  static String link() {
    return "https://t.me/redis_test/" + post.id();
  }

  @Test
  void aFloodNodeASawKeepsNodeBsPartsOffThatAccount() throws Exception {
    try (RedisShared nodeA = RedisShared.connect(redis.uri()); RedisShared nodeB = RedisShared.connect(redis.uri())) {
      AccountPool poolA = pool(new RedisFloodRegistry(nodeA, "flood1:", Clock.systemUTC()));
      AccountPool poolB = pool(new RedisFloodRegistry(nodeB, "flood1:", Clock.systemUTC()));
      long flooded = bots.get(1).id();
      fault = (user, n) -> user == flooded && n >= 2 ? new RpcError(420, "FLOOD_WAIT_3600") : null;
      DownloadRequest a = poolA.download(link(), options()).get(60, TimeUnit.SECONDS);
      assertThat(sha256(a.toPath(dir.resolve("a.mp4")).get(60, TimeUnit.SECONDS))).isEqualTo(sha);
      assertThat(servedTo(1)).isEqualTo(2);

      fault = (u, n) -> null; // the account would answer node B: only the shared registry keeps B off it
      served.clear();
      DownloadRequest b = poolB.download(link(), options()).get(60, TimeUnit.SECONDS);
      assertThat(sha256(b.toPath(dir.resolve("b.mp4")).get(60, TimeUnit.SECONDS))).isEqualTo(sha);
      assertThat(servedTo(1)).isZero();
      assertThat(servedTo(0) + servedTo(2) + servedTo(3)).isEqualTo((int) (SIZE / PART));
      assertThat(poolB.floodRegistry().floodedUntil("acc1", 1, Instant.now())).isPresent();
    }
  }

  @Test
  void redisRestartedMidDownloadCompletesAndTheNodeRejoins() throws Exception {
    try (RedisShared node = RedisShared.connect(redis.uri())) {
      RedisLeases leases = new RedisLeases(node, "restart:", "nodeA", Duration.ofSeconds(60), Clock.systemUTC());
      List<RedisLeases.Lease> held = new ArrayList<>();
      for (int i = 0; i < ACCOUNTS; i++) {
        held.add(leases.acquire("acc" + i).orElseThrow());
      }
      AccountPool pool = pool(new RedisFloodRegistry(node, "restart:", Clock.systemUTC()));
      // a flood while Redis is away still counts on this node (local state)
      long flooded = bots.get(3).id();
      fault = (user, n) -> user == flooded && n >= 4 ? new RpcError(420, "FLOOD_WAIT_3600") : null;

      AtomicInteger phase = new AtomicInteger();
      AtomicLong stoppedAt = new AtomicLong(-1);
      DownloadRequest d = pool.download(link(), options()).get(60, TimeUnit.SECONDS);
      d = d.withProgress(p -> {
        if (p.bytesDone() >= SIZE / 4 && phase.compareAndSet(0, 1)) {
          redis.down();
          stoppedAt.set(p.bytesDone());
          phase.set(2);
        } else if (p.bytesDone() >= SIZE * 6 / 10 && phase.compareAndSet(2, 3)) {
          redis.up();
          phase.set(4);
        }
      });
      Path out;
      try {
        out = d.toPath(dir.resolve("r.mp4")).get(60, TimeUnit.SECONDS);
      } finally {
        if (phase.get() < 4) {
          redis.up();
        }
      }
      assertThat(sha256(out)).isEqualTo(sha);
      assertThat(stoppedAt.get()).as("Redis stopped during the download").isBetween(SIZE / 4, SIZE - 1);
      assertThat(servedTo(3)).isEqualTo(4);
      assertThat(pool.floodRegistry().floodedUntil("acc3", 1, Instant.now())).isPresent();

      // rejoin: Redis came back empty; renewing re-acquires every lease with a larger token
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      List<RedisLeases.Lease> renewed = new ArrayList<>();
      while (System.nanoTime() < deadline) {
        renewed.clear();
        for (RedisLeases.Lease l : held) {
          leases.renew(l).ifPresent(renewed::add);
        }
        if (node.available() && leases.holder("acc0").isPresent()) {
          break;
        }
        RedisSessionStoreTest.sleep(100);
      }
      assertThat(node.available()).isTrue();
      assertThat(renewed).hasSize(ACCOUNTS);
      for (int i = 0; i < ACCOUNTS; i++) {
        assertThat(leases.holder("acc" + i)).contains("nodeA");
        assertThat(renewed.get(i).token()).isGreaterThan(held.get(i).token());
      }
    }
  }

  @Test
  void aDeadNodesAccountsAreTakenOverMidDownload() throws Exception {
    delayMillis = 10;
    try (RedisShared nodeA = RedisShared.connect(redis.uri()); RedisShared nodeB = RedisShared.connect(redis.uri())) {
      MutableClock leaseClock = new MutableClock(Instant.now());
      Duration ttl = Duration.ofSeconds(30);
      RedisLeases leasesA = new RedisLeases(nodeA, "take:", "A", ttl, leaseClock);
      RedisLeases leasesB = new RedisLeases(nodeB, "take:", "B", ttl, leaseClock);
      AccountPool poolA = AccountPool.builder()
          .account(PoolAccount.of("acc0", clients.get(0), AccountLimits.free()))
          .account(PoolAccount.of("acc1", clients.get(1), AccountLimits.free())).build();
      AccountPool poolB = AccountPool.builder()
          .account(PoolAccount.of("acc2", clients.get(2), AccountLimits.free()))
          .account(PoolAccount.of("acc3", clients.get(3), AccountLimits.free())).build();
      LeasedAccounts keeperB = new LeasedAccounts(leasesB, poolB, List.of("acc2", "acc3"), name -> {
        throw new AssertionError("B opens nothing");
      });
      LeasedAccounts keeperA = new LeasedAccounts(leasesA, poolA, List.of("acc0", "acc1", "acc2", "acc3"),
          name -> PoolAccount.of(name, clients.get(name.charAt(3) - '0'), AccountLimits.free()));
      assertThat(keeperB.tick()).containsExactly("acc2", "acc3");
      assertThat(keeperA.tick()).containsExactly("acc0", "acc1"); // B's are held

      AtomicInteger phase = new AtomicInteger();
      java.util.Set<String> afterTakeover = ConcurrentHashMap.newKeySet();
      AtomicInteger servedToBsBefore = new AtomicInteger(-1);
      DownloadRequest d = poolA.download(link(), options()).get(60, TimeUnit.SECONDS);
      d = d.withProgress(p -> {
        if (p.bytesDone() >= SIZE * 3 / 10 && phase.compareAndSet(0, 1)) {
          servedToBsBefore.set(servedTo(2) + servedTo(3));
          // node B dies: it ticks no more; once its leases' TTL passed, A's next tick takes its accounts
          leaseClock.advance(ttl.plusSeconds(1));
          afterTakeover.addAll(keeperA.tick());
        }
      });
      Path out = d.toPath(dir.resolve("t.mp4")).get(60, TimeUnit.SECONDS);

      assertThat(sha256(out)).isEqualTo(sha);
      assertThat(afterTakeover).containsExactlyInAnyOrder("acc0", "acc1", "acc2", "acc3");
      assertThat(servedToBsBefore.get()).isZero();
      assertThat(servedTo(2) + servedTo(3)).as("parts fetched by the taken-over accounts").isPositive();
      assertThat(poolA.activeAccounts()).hasSize(4);
      assertThat(leasesA.holder("acc2")).contains("A");
      // B comes back: its renewals are fenced off, it drops the accounts (never two holders)
      assertThat(keeperB.tick()).isEmpty();
      assertThat(poolB.activeAccounts()).isEmpty();
    }
  }

  /** The world's API, counting served parts per user and answering the test's faults. */
  static final class Counting implements ApiHandler {
    private final ApiHandler world;

    Counting(ApiHandler world) {
      this.world = world;
    }

    @Override
    public CompletableFuture<Object> handle(CallContext ctx, TlMethod<?> method) {
      if (method instanceof GetFile) {
        long user = ctx.key().userId();
        AtomicInteger n = served.computeIfAbsent(user, k -> new AtomicInteger());
        RpcError error = fault.apply(user, n.get());
        if (error != null) {
          return CompletableFuture.failedFuture(error);
        }
        n.incrementAndGet();
        long delay = delayMillis;
        if (delay > 0) {
          return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
              .thenCompose(x -> world.handle(ctx, method));
        }
      }
      return world.handle(ctx, method);
    }
  }

  static String sha256(FileContent content) {
    try (InputStream in = content.openStream(0)) {
      return sha256(in);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String sha256(Path p) throws Exception {
    try (InputStream in = Files.newInputStream(p)) {
      return sha256(in);
    }
  }

  static String sha256(InputStream in) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) {
      sha.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
