package io.telefetch.testkit.world;

import static io.telefetch.testkit.world.Clients.MIB;
import static io.telefetch.testkit.world.Clients.call;
import static io.telefetch.testkit.world.Clients.error;
import static io.telefetch.testkit.world.Clients.location;
import static io.telefetch.testkit.world.Clients.part;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.FloodWaitException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.server.RecordedRequest;
import io.telefetch.tl.api.FileHash;
import io.telefetch.tl.api.FileHashType;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.upload.FileType;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.api.upload.GetFileHashes;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Shaping and fault injection, scripted per test. */
class FaultsTest {
  private static TestCluster cluster;
  private static Clients clients;
  private static World world;
  private static DcServer dc;
  private static WorldDocument doc;
  private static WorldUser bot;
  private static MtprotoConnection c;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(1).build().start();
    clients = new Clients(cluster);
    world = cluster.world();
    dc = cluster.dc(1);
    doc = world.document("faults.bin", FileContent.seeded(5, 4L * MIB)).create();
    bot = world.bot("faults_bot").create();
    c = clients.loginBot(bot);
  }

  @AfterAll
  static void stop() {
    clients.close();
    cluster.close();
  }

  @AfterEach
  void reset() {
    dc.faults().clearFloodLimits().clearRpcErrors().closeAfterBytes(-1).down(false);
    dc.latency(Duration.ZERO);
    dc.rateLimit(0);
    world.clearCorruption();
  }

  private static InputDocumentFileLocation loc() {
    return location(world, doc);
  }

  @Test
  void floodWaitWhenACallRateIsExceeded() {
    dc.faults().floodWait("upload.getFile", 3, Duration.ofSeconds(30));
    for (int i = 0; i < 3; i++) {
      assertThat(part(c, loc(), 0, 4096)).hasSize(4096);
    }
    RpcException e = error(c, new GetFile(false, false, loc(), 0, 4096));
    assertThat(e.code()).isEqualTo(420);
    assertThat(e).isInstanceOf(FloodWaitException.class);
    FloodWaitException flood = (FloodWaitException) e;
    assertThat(flood.premium()).isFalse();
    assertThat(flood.seconds()).isBetween(1, 30);
    assertThat(e.errorMessage()).startsWith("FLOOD_WAIT_");
    assertThat(call(c, new GetConfig())).isNotNull();

    MtprotoConnection otherKey = clients.loginBot(bot);
    assertThat(part(otherKey, loc(), 0, 4096)).hasSize(4096);
    dc.faults().clearFloodLimits();
    assertThat(part(c, loc(), 0, 4096)).hasSize(4096);
  }

  @Test
  void scriptedRpcErrorsAnswerTheNextCallsOfOneMethod() {
    dc.faults().rpcError("help.getConfig", 303, "USER_MIGRATE_9", 2);
    for (int i = 0; i < 2; i++) {
      RpcException e = error(c, new GetConfig());
      assertThat(e).isInstanceOf(io.telefetch.mtproto.rpc.MigrateException.class);
      assertThat(e.code()).isEqualTo(303);
      assertThat(e.errorMessage()).isEqualTo("USER_MIGRATE_9");
    }
    assertThat(call(c, new GetConfig())).isNotNull(); // the rule is used up
    assertThat(part(c, loc(), 0, 4096)).hasSize(4096); // other methods never took it

    dc.faults().rpcError("upload.getFile", 420, "FLOOD_WAIT_1000000000", Integer.MAX_VALUE);
    for (int i = 0; i < 3; i++) {
      FloodWaitException e = (FloodWaitException) error(c, new GetFile(false, false, loc(), 0, 4096));
      assertThat(e.seconds()).isEqualTo(1_000_000_000);
    }
    dc.faults().clearRpcErrors();
    assertThat(part(c, loc(), 0, 4096)).hasSize(4096);
    assertThatThrownBy(() -> dc.faults().rpcError("help.getConfig", 400, "X", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void floodPremiumWaitForDownloads() {
    dc.faults().floodPremiumWait("upload.getFile", 1, Duration.ofSeconds(5));
    part(c, loc(), 0, 4096);
    FloodWaitException e = (FloodWaitException) error(c, new GetFile(false, false, loc(), 0, 4096));
    assertThat(e.premium()).isTrue();
    assertThat(e.errorMessage()).matches("FLOOD_PREMIUM_WAIT_[1-5]");
  }

  @Test
  void floodWaitWhenTooManyCallsAreInFlight() {
    dc.latency(Duration.ofMillis(400));
    dc.faults().floodConcurrency("upload.getFile", 2, 3, false);
    List<CompletableFuture<FileType>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(c.invoke(new GetFile(false, false, loc(), (long) i * MIB, MIB)));
    }
    int ok = 0;
    int flooded = 0;
    for (CompletableFuture<FileType> f : calls) {
      try {
        f.join();
        ok++;
      } catch (CompletionException e) {
        assertThat(e.getCause()).isInstanceOf(FloodWaitException.class).hasMessageContaining("FLOOD_WAIT_3");
        flooded++;
      }
    }
    assertThat(ok).isEqualTo(2);
    assertThat(flooded).isEqualTo(3);
    assertThat(part(c, loc(), 0, 4096)).hasSize(4096);
  }

  @Test
  void addedLatencyDelaysEveryAnswer() {
    call(c, new GetConfig());
    dc.latency(Duration.ofMillis(250));
    long t0 = System.nanoTime();
    call(c, new GetConfig());
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(250);
  }

  @Test
  void bandwidthCapSlowsNewConnections() {
    dc.rateLimit(2L * MIB);
    MtprotoConnection slow = clients.reuseKey(dc, c);
    part(slow, loc(), 0, 4096);
    long t0 = System.nanoTime();
    part(slow, loc(), 0, MIB);
    part(slow, loc(), MIB, MIB);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(millis).as("2 MiB at 2 MiB/s").isGreaterThanOrEqualTo(700);
  }

  @Test
  void aCorruptedPartIsCaughtByTheFileHashes() throws Exception {
    world.corrupt(doc, 300_000, 1);
    byte[] part = part(c, loc(), 0, MIB);
    byte[] truth = doc.content().read(0, MIB);
    int differing = 0;
    for (int i = 0; i < MIB; i++) {
      if (part[i] != truth[i]) {
        differing++;
        assertThat(i).isEqualTo(300_000);
      }
    }
    assertThat(differing).isEqualTo(1);
    List<Long> bad = new ArrayList<>();
    for (FileHashType t : call(c, new GetFileHashes(loc(), 0))) {
      FileHash h = (FileHash) t;
      byte[] window = Arrays.copyOfRange(part, (int) h.offset(), (int) h.offset() + h.limit());
      if (!Arrays.equals(MessageDigest.getInstance("SHA-256").digest(window), h.hash().toByteArray())) {
        bad.add(h.offset());
      }
    }
    assertThat(bad).containsExactly(2L * World.HASH_WINDOW);
  }

  @Test
  void closeAfterBytesCutsTheConnection() throws Exception {
    MtprotoConnection cut = clients.reuseKey(dc, c);
    call(cut, new GetConfig());
    dc.faults().closeAfterBytes(100_000);
    try {
      call(cut, new GetFile(false, false, loc(), 0, MIB)); // the packet crossing the limit still goes out
    } catch (ConnectionClosedException expected) {
      // or the close wins the race
    }
    cut.closeFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThatThrownBy(() -> call(cut, new GetConfig())).isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void transportErrorMinus429() throws InterruptedException {
    MtprotoConnection victim = clients.reuseKey(dc, c);
    dc.recorder().clear();
    call(victim, new GetConfig());
    long victimConnection = dc.recorder().takeRequest(Duration.ofSeconds(5)).connectionId();
    // only the victim's packets may take the fault: other connections' acks and pings must not
    dc.faults().transportError(-429, 1, victimConnection);
    assertThatThrownBy(() -> call(victim, new GetConfig())).isInstanceOf(ConnectionClosedException.class)
        .hasStackTraceContaining("-429");
    assertThat(call(clients.reuseKey(dc, c), new GetConfig())).isNotNull();
  }

  @Test
  void aDownDcRefusesConnections() {
    dc.faults().down(true);
    assertThatThrownBy(() -> clients.connect(dc)).isInstanceOf(CompletionException.class);
    assertThatThrownBy(() -> call(clients.reuseKey(dc, c), new GetConfig()))
        .isInstanceOf(ConnectionClosedException.class);
    dc.faults().down(false);
    assertThat(call(clients.reuseKey(dc, c), new GetConfig())).isNotNull();
  }

  @Test
  void badServerSaltAndSessionResetDuringADownload() {
    dc.faults().badServerSalt(1).resetSession();
    assertThat(part(c, loc(), MIB, MIB)).isEqualTo(doc.content().read(MIB, MIB));
  }

  @Test
  void theRecorderSeesEveryCall() throws InterruptedException {
    dc.recorder().clear();
    part(c, loc(), 0, 4096);
    RecordedRequest r = dc.recorder().takeRequest(Duration.ofSeconds(5));
    assertThat(r.method()).isInstanceOf(GetFile.class);
    assertThat(((GetFile) r.method()).limit()).isEqualTo(4096);
    assertThat(r.authKeyId()).isEqualTo(c.authKey().id());
    assertThat(dc.recorder().count(GetFile.class)).isEqualTo(1);
  }
}
