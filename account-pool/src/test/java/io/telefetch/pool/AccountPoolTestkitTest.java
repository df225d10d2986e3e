package io.telefetch.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.media.DownloadRequest;
import io.telefetch.media.FetchOptions;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.RpcException;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AccountPool} against testkit with four bot accounts: one file's parts spread over all of
 * them (counted by the server, per user), byte-exact; FLOOD_WAIT on one account moves its parts to
 * the others without waiting out the flood; an account logged out mid-download leaves the pool
 * with an event and the download completes.
 */
class AccountPoolTestkitTest {
  static final int MIB = 1 << 20;
  static final long SIZE = 24L * MIB;
  static final int ACCOUNTS = 4;

  static TestCluster cluster;
  static WorldMessage post;
  static String sha;
  static final List<WorldUser> bots = new ArrayList<>();
  /** upload.getFile calls the server answered with a part, per user id. */
  static final Map<Long, AtomicInteger> served = new ConcurrentHashMap<>();
  /** The test's fault: given the user id and its served count so far, an error to answer instead, or null. */
  static volatile BiFunction<Long, Integer, @Nullable RpcError> fault = (u, n) -> null;
  /** upload.getFile calls being handled now, and the most at once, per user id. */
  static final Map<Long, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  static final Map<Long, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
  /** Latency the server adds to each part (so parts overlap). */
  static volatile long delayMillis;

  final List<TelegramClient> clients = new ArrayList<>();

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(1).apiHandler(c -> new Counting(c.api())).build().start();
    World world = cluster.world();
    for (int i = 0; i < ACCOUNTS; i++) {
      bots.add(world.bot("pool_bot" + i).dc(1).create());
    }
    WorldChannel channel = world.channel("pool_test").title("Pool").dc(1).create();
    WorldDocument doc = world.video("pool.mp4", FileContent.seeded(7, SIZE)).dc(1).create();
    post = world.post(channel).text("pooled").media(doc).create();
    sha = sha256(doc.content());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void login() {
    served.clear();
    inFlight.clear();
    maxInFlight.clear();
    delayMillis = 0;
    fault = (u, n) -> null;
    for (WorldUser bot : bots) {
      TelegramClient c = TelegramClient.builder()
          .apiId(4242).apiHash("0123456789abcdef0123456789abcdef")
          .dcOptions(DcOptions.of(dcOptions()))
          .serverKeys(cluster.serverKeys())
          .mainDc(1)
          .downloadConnections(2)
          .callTimeout(Duration.ofSeconds(30))
          .build();
      c.login(Login.botToken(bot.botToken().orElseThrow())).join();
      clients.add(c);
    }
  }

  @AfterEach
  void close() {
    fault = (u, n) -> null;
    clients.forEach(TelegramClient::close);
  }

  static List<DcOption> dcOptions() {
    List<DcOption> options = new ArrayList<>();
    for (DcServer dc : cluster.dcs()) {
      if (!dc.mediaOnly() && !dc.cdn()) {
        options.add(DcOption.of(dc.id(), dc.host(), dc.port()));
      }
    }
    return options;
  }

  AccountPool.Builder pool() {
    AccountPool.Builder b = AccountPool.builder();
    for (int i = 0; i < ACCOUNTS; i++) {
      b.account(PoolAccount.of("acc" + i, clients.get(i), AccountLimits.free()));
    }
    return b;
  }

  static FetchOptions options() {
    return FetchOptions.builder().partSize(512 << 10).window(8, 16).cdn(false).build();
  }

  static String link() {
    return "https://t.me/pool_test/" + post.id();
  }

  int servedTo(int account) {
    AtomicInteger n = served.get(bots.get(account).id());
    return n == null ? 0 : n.get();
  }

  @Test
  void partsSpreadOverEveryAccountByteExact() throws Exception {
    List<String> fetchedBy = new CopyOnWriteArrayList<>();
    AccountPool pool = pool().listener(new AccountPoolListener() {
      @Override
      public void partFetched(String account, int dcId, int bytes) {
        fetchedBy.add(account);
      }
    }).build();
    DownloadRequest d = pool.download(link(), options()).get(60, TimeUnit.SECONDS);
    Path out = d.toPath(dir.resolve("pool.mp4")).get(60, TimeUnit.SECONDS);

    assertThat(sha256(out)).isEqualTo(sha);
    int parts = (int) (SIZE / (512 << 10));
    int total = 0;
    for (int i = 0; i < ACCOUNTS; i++) {
      System.out.printf("account %d: %d parts%n", i, servedTo(i));
      assertThat(servedTo(i)).as("parts served to account %d", i).isGreaterThanOrEqualTo(parts / ACCOUNTS / 2);
      total += servedTo(i);
    }
    assertThat(total).isEqualTo(parts);
    assertThat(fetchedBy).hasSize(parts);
    assertThat(pool.status()).allSatisfy(s -> {
      assertThat(s.active()).isTrue();
      assertThat(s.inFlight()).isZero();
    });
    assertThat(pool.status().stream().mapToLong(AccountStatus::partsFetched).sum()).isEqualTo(parts);
  }

  @Test
  void floodWaitMovesPartsToTheOthersWithoutWaiting() throws Exception {
    long flooded = bots.get(1).id();
    int floodSeconds = 86_400; // a day: far beyond the test's 60-second bound
    AtomicInteger refused = new AtomicInteger();
    long premiumFlooded = bots.get(3).id();
    fault = (user, n) -> {
      if (user == flooded && n >= 3) {
        refused.incrementAndGet();
        return new RpcError(420, "FLOOD_WAIT_" + floodSeconds);
      }
      if (user == premiumFlooded && n >= 5) {
        return new RpcError(420, "FLOOD_PREMIUM_WAIT_" + floodSeconds);
      }
      return null;
    };
    List<String> floodEvents = new CopyOnWriteArrayList<>();
    FloodRegistry registry = FloodRegistry.local();
    AccountPool pool = pool().floodRegistry(registry).listener(new AccountPoolListener() {
      @Override
      public void accountFlooded(String account, int dcId, Duration wait, boolean premium) {
        floodEvents.add(account + "@" + dcId + ":" + wait.toSeconds() + (premium ? " premium" : ""));
      }
    }).build();
    DownloadRequest d = pool.download(link(), options()).get(60, TimeUnit.SECONDS);
    Instant before = Instant.now();
    Path out = d.toPath(dir.resolve("pool.mp4")).get(60, TimeUnit.SECONDS);

    assertThat(sha256(out)).isEqualTo(sha);
    assertThat(refused.get()).isGreaterThanOrEqualTo(1);
    assertThat(floodEvents).contains("acc1@1:" + floodSeconds, "acc3@1:" + floodSeconds + " premium");
    assertThat(servedTo(1)).isEqualTo(3); // nothing more after the flood
    assertThat(servedTo(3)).isEqualTo(5);
    // still flooded in the registry when the download is long done: it never waited the flood out
    assertThat(registry.floodedUntil("acc1", 1, Instant.now())).hasValueSatisfying(
        until -> assertThat(until).isAfter(before.plusSeconds(floodSeconds - 120)));
    int parts = (int) (SIZE / (512 << 10));
    assertThat(servedTo(0) + servedTo(2)).isEqualTo(parts - 3 - 5);
    // what `telefetch accounts` and serve's /v1/accounts show: flood-waiting on DC 1 until then
    List<AccountStatus> status = pool.status();
    assertThat(status.get(1).floodedUntil()).containsOnlyKeys(1);
    assertThat(status.get(1).floodedUntil().get(1)).isEqualTo(registry.floodedUntil("acc1", 1, Instant.now()).get());
    assertThat(status.get(0).floodedUntil()).isEmpty();
    assertThat(status.get(1).active()).isTrue();
  }

  @Test
  void anEmptyPoolFindsNoAccountUntilOneIsAdded() throws Exception {
    AccountPool pool = AccountPool.builder().build();
    assertThat(pool.status()).isEmpty();
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(
        () -> pool.download(link(), options()).get(60, TimeUnit.SECONDS));
    assertThat(t).hasCauseInstanceOf(NoAccountLeftException.class);
    pool.add(PoolAccount.of("late", clients.get(0), AccountLimits.free()));
    Path out = pool.download(link(), options()).get(60, TimeUnit.SECONDS).toPath(dir.resolve("late.mp4"))
        .get(60, TimeUnit.SECONDS);
    assertThat(sha256(out)).isEqualTo(sha);
    assertThat(pool.status()).singleElement().satisfies(s -> assertThat(s.partsFetched()).isEqualTo(SIZE / (512 << 10)));
  }

  @Test
  void loggedOutAccountLeavesWithAnEventAndTheDownloadCompletes() throws Exception {
    long gone = bots.get(2).id();
    fault = (user, n) -> user == gone && n >= 2 ? new RpcError(401, "SESSION_REVOKED") : null;
    List<AccountRemoved> removed = new CopyOnWriteArrayList<>();
    AccountPool pool = pool().listener(new AccountPoolListener() {
      @Override
      public void accountRemoved(AccountRemoved event) {
        removed.add(event);
      }
    }).build();
    DownloadRequest d = pool.download(link(), options()).get(60, TimeUnit.SECONDS);
    Path out = d.toPath(dir.resolve("pool.mp4")).get(60, TimeUnit.SECONDS);

    assertThat(sha256(out)).isEqualTo(sha);
    assertThat(removed).hasSize(1);
    assertThat(removed.get(0).account()).isEqualTo("acc2");
    assertThat(removed.get(0).reason()).isEqualTo(AccountRemoved.Reason.LOGGED_OUT);
    assertThat(servedTo(2)).isEqualTo(2);
    assertThat(pool.activeAccounts()).extracting(PoolAccount::name).containsExactly("acc0", "acc1", "acc3");
    assertThat(pool.status().get(2).removed()).contains(AccountRemoved.Reason.LOGGED_OUT);
  }

  @Test
  void partsInFlightFollowEachAccountsLimits() throws Exception {
    delayMillis = 15;
    AccountPool pool = AccountPool.builder()
        .account(PoolAccount.of("one", clients.get(0), new AccountLimits(1, 1)))
        .account(PoolAccount.of("three", clients.get(1), new AccountLimits(1, 3)))
        .build();
    // a window of 16 parts over a pool with room for 4: parts wait for a free slot, none fails for it
    DownloadRequest d = pool.download(link(), options()).get(60, TimeUnit.SECONDS);
    Path out = d.toPath(dir.resolve("pool.mp4")).get(60, TimeUnit.SECONDS);

    assertThat(sha256(out)).isEqualTo(sha);
    assertThat(maxInFlight.get(bots.get(0).id()).get()).isEqualTo(1);
    assertThat(maxInFlight.get(bots.get(1).id()).get()).isBetween(2, 3);
    assertThat(servedTo(0) + servedTo(1)).isEqualTo((int) (SIZE / (512 << 10)));
    assertThat(servedTo(1)).isGreaterThan(servedTo(0));
    assertThat(AccountLimits.premium().maxInFlightPerDc()).isEqualTo(4 * AccountLimits.free().maxInFlightPerDc());
  }

  /**
   * The shape of the benchmark of issue 15 in small: each account capped (one part in flight, 40 ms
   * per part on the server, so at most 12.5 MiB/s each), one file through 1, 2 and 4 accounts.
   * Prints the rates; asserts only what is not timing: byte-exact, and every account used.
   */
  @Test
  void cappedAccountsAddUp() throws Exception {
    delayMillis = 40;
    for (int n : new int[] {1, 2, 4}) {
      served.clear();
      AccountPool.Builder b = AccountPool.builder();
      for (int i = 0; i < n; i++) {
        b.account(PoolAccount.of("acc" + i, clients.get(i), new AccountLimits(1, 1)));
      }
      AccountPool pool = b.build();
      DownloadRequest d = pool.download(link(), options()).get(60, TimeUnit.SECONDS);
      long t0 = System.nanoTime();
      Path out = d.toPath(dir.resolve("capped" + n + ".mp4")).get(60, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("capped accounts: %d -> %.1f MB/s (%.2f s)%n", n, SIZE / 1e6 / seconds, seconds);
      assertThat(sha256(out)).isEqualTo(sha);
      for (int i = 0; i < n; i++) {
        assertThat(servedTo(i)).as("account %d of %d", i, n).isPositive();
      }
    }
  }

  @Test
  void whyAnAccountLeaves() {
    assertThat(AccountPool.removalReason(RpcException.of(401, "USER_DEACTIVATED_BAN")))
        .isEqualTo(AccountRemoved.Reason.BANNED);
    assertThat(AccountPool.removalReason(RpcException.of(401, "USER_DEACTIVATED")))
        .isEqualTo(AccountRemoved.Reason.DEACTIVATED);
    assertThat(AccountPool.removalReason(RpcException.of(401, "AUTH_KEY_UNREGISTERED")))
        .isEqualTo(AccountRemoved.Reason.LOGGED_OUT);
    assertThat(AccountPool.removalReason(new java.util.concurrent.CompletionException(
        RpcException.of(401, "SESSION_REVOKED")))).isEqualTo(AccountRemoved.Reason.LOGGED_OUT);
    assertThat(AccountPool.removalReason(RpcException.of(401, "AUTH_KEY_PERM_EMPTY")))
        .isEqualTo(AccountRemoved.Reason.KEY_LOST);
    assertThat(AccountPool.removalReason(RpcException.of(420, "FLOOD_WAIT_5"))).isNull();
    assertThat(AccountPool.removalReason(RpcException.of(400, "FILE_REFERENCE_EXPIRED"))).isNull();
    assertThat(AccountPool.removalReason(RpcException.of(500, "INTERNAL"))).isNull();
  }

  @Test
  void everyAccountFloodedFailsThePartWithTheShortestWait() {
    FloodRegistry registry = FloodRegistry.local();
    Instant now = Instant.now();
    for (int i = 0; i < ACCOUNTS; i++) {
      registry.flooded("acc" + i, 1, now.plusSeconds(100 + i * 100L));
    }
    AccountPool pool = pool().floodRegistry(registry).build();
    AccountPool.Pick pick = pool.pick(1, java.util.Set.of());
    assertThat(pick.account()).isNull();
    assertThat(pick.kind()).isEqualTo(AccountPool.Pick.Kind.ALL_FLOODED);
    assertThat(pick.floodSeconds()).isBetween(90L, 101L);
    // another DC is not flooded
    assertThat(pool.pick(2, java.util.Set.of()).account()).isNotNull();
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
        int now = inFlight.computeIfAbsent(user, k -> new AtomicInteger()).incrementAndGet();
        maxInFlight.computeIfAbsent(user, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        long delay = delayMillis;
        CompletableFuture<Object> answer = delay == 0 ? world.handle(ctx, method)
            : CompletableFuture.supplyAsync(() -> null,
                CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)).thenCompose(x -> world.handle(ctx, method));
        return answer.whenComplete((r, e) -> inFlight.get(user).decrementAndGet());
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
