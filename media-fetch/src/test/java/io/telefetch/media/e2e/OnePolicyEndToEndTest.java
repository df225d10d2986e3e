package io.telefetch.media.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.media.Progress;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.CallRoute;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.mtproto.rpc.FloodWaitException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.mtproto.rpc.Scheduler;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.api.help.GetNearestDc;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One call pipeline, one retry policy: a part's failures are retried by the downloader alone (the
 * client's retries and flood sleeping are off for parts through {@code CallOptions}), counted at
 * the server; FLOOD_WAIT reaches the downloader's window without the client sleeping first; and the
 * client's {@link EventListener} sees the whole story of a login and a download.
 */
class OnePolicyEndToEndTest {
  private static final int KIB = 1 << 10;
  private static TestCluster cluster;
  private static World world;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(2).build().start();
    world = cluster.world();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** Counts every event by name (and keeps a few details). */
  static final class Counting implements EventListener {
    final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    final List<String> details = new CopyOnWriteArrayList<>();

    private void count(String name) {
      counts.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    long get(String name) {
      LongAdder a = counts.get(name);
      return a == null ? 0 : a.sum();
    }

    @Override
    public void connected(CallRoute route) {
      count("connected");
    }

    @Override
    public void keyCreated(int dcId, boolean cdn) {
      count("keyCreated");
      details.add("key " + dcId);
    }

    @Override
    public void loggedIn(long userId, boolean bot) {
      count("loggedIn");
      details.add("login " + userId + " bot=" + bot);
    }

    @Override
    public void migrated(int fromDc, int toDc, String reason) {
      count("migrated");
      details.add("migrate " + fromDc + "->" + toDc + " " + reason);
    }

    @Override
    public void floodWait(CallRoute route, String method, Duration wait) {
      count("floodWait");
      details.add("flood " + method + " " + wait);
    }

    @Override
    public void retry(String method, int attempt, Duration delay, Throwable cause) {
      count("retry");
      count("retry " + method);
    }

    @Override
    public void partFetched(int dcId, long offset, int length) {
      count("partFetched");
      details.add("part " + dcId + " " + offset + " " + length);
    }

    @Override
    public void hashMismatch(long offset, int length) {
      count("hashMismatch");
    }

    @Override
    public void downloadFinished(long bytes, Duration elapsed, Throwable failure) {
      count("downloadFinished");
      details.add("finished " + bytes + " " + (failure == null ? "ok" : failure.getClass().getSimpleName()));
    }
  }

  /** Records every requested sleep and (for the downloader) the client's virtual time at that moment. */
  static final class VirtualTime {
    final AtomicLong clientMillis = new AtomicLong();
    final List<Duration> clientSleeps = new CopyOnWriteArrayList<>();
    final List<String> downloaderSleeps = new CopyOnWriteArrayList<>();

    /** The client's scheduler: sleeps cost virtual time only. */
    Scheduler client() {
      return d -> {
        clientSleeps.add(d);
        clientMillis.addAndGet(d.toMillis());
        return CompletableFuture.completedFuture(null);
      };
    }

    /** The downloader's scheduler: records, then waits 20 ms of real time (so retries do not spin). */
    Scheduler downloader() {
      return d -> {
        downloaderSleeps.add(d + " at client virtual ms " + clientMillis.get());
        return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
      };
    }
  }

  private static TelegramClient client(WorldUser bot, Scheduler scheduler, EventListener listener) {
    List<DcOption> options = new ArrayList<>();
    for (DcServer dc : cluster.dcs()) {
      if (!dc.mediaOnly() && !dc.cdn()) {
        options.add(DcOption.of(dc.id(), dc.host(), dc.port()));
      }
    }
    // the client's own policy as a user gets it by default: 3 retries, flood waits up to 60 s slept through
    TelegramClient client = TelegramClient.builder()
        .apiId(4242).apiHash("0123456789abcdef0123456789abcdef")
        .dcOptions(DcOptions.of(options))
        .serverKeys(cluster.serverKeys())
        .mainDc(1)
        .scheduler(scheduler)
        .eventListener(listener)
        .retries(3, Duration.ofMillis(20), Duration.ofMillis(200))
        .floodWait(Duration.ofSeconds(60), 3)
        .build();
    client.login(Login.botToken(bot.botToken().orElseThrow())).join();
    return client;
  }

  private static FetchOptions.Builder fetchOptions(VirtualTime time) {
    return FetchOptions.builder().stallTimeout(Duration.ZERO).scheduler(time.downloader())
        .backoff(Duration.ofMillis(1), Duration.ofMillis(5));
  }

  @Test
  void aPersistent500OnAPartCostsAtMostTheDownloadersBudget() {
    WorldUser bot = world.bot("budget_bot").dc(1).create();
    WorldChannel channel = world.channel("budget_test").dc(1).create();
    WorldDocument doc = world.document("budget.bin", FileContent.seeded(11, 2L * 512 * KIB)).dc(1).create();
    WorldMessage post = world.post(channel).media(doc).create();
    VirtualTime time = new VirtualTime();
    Counting events = new Counting();
    try (TelegramClient client = client(bot, time.client(), events)) {
      MediaFile file = Fixture.file(client, channel, post.id());
      long before = cluster.dc(1).recorder().count("upload.getFile");
      cluster.dc(1).faults().rpcError("upload.getFile", 500, "INTERNAL", Integer.MAX_VALUE);
      try {
        int budget = 3;
        FetchOptions options = fetchOptions(time).window(1, 1).maxRetries(budget).build();
        CompletableFuture<Long> download = MediaFetcher.create(client, options).download(file)
            .toChannel(Channels.newChannel(new ByteArrayOutputStream()));
        assertThatThrownBy(() -> download.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(RpcException.class)
            .hasMessage("500 INTERNAL");
        long requests = cluster.dc(1).recorder().count("upload.getFile") - before;
        System.out.printf("persistent 500: %d upload.getFile requests for one part (budget %d retries)%n", requests,
            budget);
        assertThat(requests).as("requests for the failing part: the first and the downloader's retries, no more")
            .isEqualTo(1 + budget);
        assertThat(events.get("retry upload.getFile")).as("the downloader's retries, reported").isEqualTo(budget);
        assertThat(events.get("retry")).as("no retry by the client under the part's").isEqualTo(budget);
        assertThat(time.clientSleeps).as("the client never backed off for a part").isEmpty();
        assertThat(events.get("downloadFinished")).isEqualTo(1);
        assertThat(events.details).contains("finished 0 RpcException");
      } finally {
        cluster.dc(1).faults().clearRpcErrors();
      }
      // the client's own retries still serve ordinary calls
      cluster.dc(1).faults().rpcError("help.getNearestDc", 500, "INTERNAL", 2);
      long nearest = cluster.dc(1).recorder().count("help.getNearestDc");
      assertThat(client.invoke(new GetNearestDc()).join()).isNotNull();
      assertThat(cluster.dc(1).recorder().count("help.getNearestDc") - nearest).isEqualTo(3);
      assertThat(events.get("retry help.getNearestDc")).isEqualTo(2);
    }
  }

  @Test
  void floodWaitReachesTheDownloadersWindowAtOnce() {
    WorldUser bot = world.bot("window_bot").dc(1).create();
    WorldChannel channel = world.channel("window_test").dc(1).create();
    long size = 4L * 1024 * KIB;
    WorldDocument doc = world.document("window.bin", FileContent.seeded(12, size)).dc(1).create();
    WorldMessage post = world.post(channel).media(doc).create();
    VirtualTime time = new VirtualTime();
    Counting events = new Counting();
    try (TelegramClient client = client(bot, time.client(), events)) {
      MediaFile file = Fixture.file(client, channel, post.id());
      cluster.dc(1).faults().floodConcurrency("upload.getFile", 1, 5, false);
      try {
        List<Progress> progress = new CopyOnWriteArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FetchOptions options = fetchOptions(time).window(4, 4).partSize(128 * KIB).build();
        long n = MediaFetcher.create(client, options).download(file).withProgress(progress::add)
            .toChannel(Channels.newChannel(out)).join();
        assertThat(n).isEqualTo(size);
        assertThat(out.toByteArray()).isEqualTo(doc.content().read(0, (int) size));
        System.out.printf("FLOOD_WAIT: client slept %s (virtual) in total; the downloader's first flood wait: %s%n",
            time.clientSleeps, time.downloaderSleeps.isEmpty() ? "none" : time.downloaderSleeps.get(0));
        assertThat(time.clientSleeps).as("the client slept through no flood wait of a part").isEmpty();
        assertThat(time.downloaderSleeps).as("the downloader waited the flood waits itself, at once").isNotEmpty()
            .first().isEqualTo("PT5S at client virtual ms 0");
        assertThat(events.get("floodWait")).as("every FLOOD_WAIT answer reported").isGreaterThanOrEqualTo(1);
        assertThat(events.get("floodWait")).isEqualTo(events.get("retry upload.getFile"));
        assertThat(progress.stream().mapToInt(Progress::window).min().orElseThrow()).as("window after FLOOD_WAIT")
            .isLessThan(4);
      } finally {
        cluster.dc(1).faults().clearFloodLimits();
      }
    }
  }

  @Test
  void theListenerSeesTheWholeStory() {
    // the bot lives on DC 2: logging in on DC 1 migrates; the file lives on DC 1 (a second key there)
    WorldUser bot = world.bot("story_bot").dc(2).create();
    WorldChannel channel = world.channel("story_test").dc(1).create();
    long size = 3L * 512 * KIB;
    WorldDocument doc = world.document("story.bin", FileContent.seeded(13, size)).dc(1).create();
    WorldMessage post = world.post(channel).media(doc).create();
    VirtualTime time = new VirtualTime();
    Counting events = new Counting();
    try (TelegramClient client = client(bot, time.client(), events)) {
      assertThat(events.details).contains("migrate 1->2 USER_MIGRATE_2", "login " + bot.id() + " bot=true");
      assertThat(events.get("migrated")).isEqualTo(1);
      assertThat(events.get("loggedIn")).isEqualTo(1);
      assertThat(events.details).as("keys").contains("key 1", "key 2");
      MediaFile file = Fixture.file(client, channel, post.id());
      // a flood wait the client sleeps through, and a 500 it retries, on ordinary calls
      cluster.dc(2).faults().rpcError("help.getNearestDc", 420, "FLOOD_WAIT_7", 1);
      assertThat(client.invoke(new GetNearestDc()).join()).isNotNull();
      assertThat(time.clientSleeps).containsExactly(Duration.ofSeconds(7));
      cluster.dc(2).faults().rpcError("help.getNearestDc", 500, "INTERNAL", 1);
      assertThat(client.invoke(new GetNearestDc()).join()).isNotNull();
      world.corrupt(doc, 512 * KIB + 100, 10, 1); // one corrupted answer, then the true bytes
      FetchOptions options = fetchOptions(time).window(2, 2).partSize(512 * KIB).build();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(MediaFetcher.create(client, options).download(file).toChannel(Channels.newChannel(out)).join())
          .isEqualTo(size);
      assertThat(out.toByteArray()).isEqualTo(doc.content().read(0, (int) size));
      assertThat(events.get("floodWait")).isEqualTo(1);
      assertThat(events.get("retry help.getNearestDc")).as("the flood sleep and the 500").isEqualTo(2);
      assertThat(events.get("hashMismatch")).isEqualTo(1);
      assertThat(events.get("partFetched")).as("three parts, the corrupted one counted once: %s", events.details).isEqualTo(3);
      assertThat(events.get("downloadFinished")).isEqualTo(1);
      assertThat(events.details).contains("finished " + size + " ok");
      assertThat(events.get("connected")).as("connections to DCs 1 and 2").isGreaterThanOrEqualTo(2);
      assertThat(events.get("keyCreated")).isEqualTo(2);
    }
  }
}
