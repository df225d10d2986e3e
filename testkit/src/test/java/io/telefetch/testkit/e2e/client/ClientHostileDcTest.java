package io.telefetch.testkit.e2e.client;

import static io.telefetch.testkit.e2e.client.TestClients.await;
import static io.telefetch.testkit.e2e.client.TestClients.count;
import static io.telefetch.testkit.e2e.client.TestClients.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.mtproto.client.ClientOptions;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.MigrationLoopException;
import io.telefetch.mtproto.client.SessionData;
import io.telefetch.mtproto.client.SessionStore;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.client.UnknownDcException;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.FloodWaitException;
import io.telefetch.mtproto.rpc.FloodWaitInterceptor;
import io.telefetch.mtproto.rpc.MigrateException;
import io.telefetch.mtproto.rpc.Scheduler;
import io.telefetch.mtproto.rpc.UnauthorizedException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InputUserSelf;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.help.GetNearestDc;
import io.telefetch.tl.api.upload.GetCdnFile;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.api.users.GetUsers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile DCs against the whole client: migrations to DCs that no list names, migration loops,
 * absurd flood waits, config fetches that fail, and DCs that never answer. Each case ends in a
 * typed error within a bound (the waits below are upper bounds, never expected durations), and
 * the client stays usable and closes promptly. Cluster: DCs 1-2 and CDN DC 203; DC 9 exists nowhere.
 */
class ClientHostileDcTest {
  private static final int UNKNOWN = 9;
  private static final Duration BOUND = Duration.ofSeconds(15);
  private static final GetUsers SELF = new GetUsers(List.of(new InputUserSelf()));
  private static TestCluster cluster;
  private static WorldUser bot;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(2).cdn(true).build().start();
    bot = cluster.world().bot("hostile_dc_bot").dc(1).create();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @AfterEach
  void clearFaults() {
    for (DcServer dc : cluster.dcs()) {
      dc.faults().clearRpcErrors().clearTransportErrors().down(false);
      dc.latency(Duration.ZERO);
    }
  }

  private static ClientOptions.Builder builder() {
    return TestClients.builder(cluster).resolveTimeout(Duration.ofSeconds(5));
  }

  private static int nearest(TelegramClient client) {
    return ((NearestDc) await(client.invoke(new GetNearestDc()))).thisDc();
  }

  /** Closes within the bound, whatever the client was waiting for. */
  private static void closeBounded(TelegramClient client) {
    assertThat(CompletableFuture.runAsync(client::close)).succeedsWithin(BOUND);
  }

  @ParameterizedTest
  @ValueSource(strings = {"USER", "PHONE", "NETWORK"})
  void migrationToAnUnknownDcIsATypedErrorAndTheHomeStays(String kind) {
    Path file = dir.resolve(kind + ".session");
    TelegramClient client = builder().sessionStore(SessionStore.file(file)).build();
    try {
      assertThat(nearest(client)).isEqualTo(1);
      long configs = count(cluster, 1, "help.getConfig");
      cluster.dc(1).faults().rpcError("help.getNearestDc", 303, kind + "_MIGRATE_" + UNKNOWN, 1);
      Throwable e = failure(client.invoke(new GetNearestDc()));
      assertThat(e).isInstanceOf(UnknownDcException.class).hasMessageContaining(kind + "_MIGRATE_" + UNKNOWN)
          .hasCauseInstanceOf(MigrateException.class);
      assertThat(((UnknownDcException) e).dcId()).isEqualTo(UNKNOWN);
      // the config was asked of the known home DC before refusing, and the home did not move
      assertThat(count(cluster, 1, "help.getConfig")).isGreaterThan(configs);
      assertThat(client.mainDc()).isEqualTo(1);
      assertThat(SessionStore.file(file).load().orElseThrow().mainDc()).isEqualTo(1);
      assertThat(nearest(client)).isEqualTo(1); // still usable
    } finally {
      closeBounded(client);
    }
  }

  @Test
  void aMigrationToAnUnknownDcDuringLoginKeepsTheClientUsable() {
    try (TelegramClient client = builder().build()) {
      cluster.dc(1).faults().rpcError("auth.importBotAuthorization", 303, "USER_MIGRATE_" + UNKNOWN, 1);
      Login login = Login.botToken(bot.botToken().orElseThrow());
      assertThat(failure(client.login(login))).isInstanceOf(UnknownDcException.class);
      assertThat(client.mainDc()).isEqualTo(1);
      assertThat(await(client.login(login)).id()).isEqualTo(bot.id());
    }
  }

  @Test
  void aSavedSessionWhoseHomeIsUnknownFallsBackToAKnownDc() {
    Path file = dir.resolve("bricked.session");
    try (TelegramClient first = builder().sessionStore(SessionStore.file(file)).build()) {
      await(first.login(Login.botToken(bot.botToken().orElseThrow())));
    }
    // what an unchecked USER_MIGRATE_9 used to save: every call and close() then hung, across restarts
    SessionStore store = SessionStore.file(file);
    SessionData saved = store.load().orElseThrow();
    store.save(saved.withMainDc(UNKNOWN));

    TelegramClient restarted = builder().sessionStore(SessionStore.file(file)).build();
    try {
      assertThat(restarted.mainDc()).isEqualTo(1);
      assertThat(await(restarted.self()).id()).isEqualTo(bot.id()); // the key on DC 1 is the login
      assertThat(nearest(restarted)).isEqualTo(1);
    } finally {
      closeBounded(restarted);
    }
    assertThat(SessionStore.file(file).load().orElseThrow().mainDc()).isEqualTo(1);

    // an invalid id as well, and a fresh session with nothing else in it
    store.save(SessionData.empty().withMainDc(-3));
    TelegramClient invalid = builder().sessionStore(SessionStore.file(file)).build();
    try {
      assertThat(invalid.mainDc()).isEqualTo(1);
      assertThat(nearest(invalid)).isEqualTo(1);
    } finally {
      closeBounded(invalid);
    }
  }

  @Test
  void fileMigrateAndCdnRedirectsToUnknownDcsAreTypedErrors() {
    FileContent content = FileContent.seeded(11, 100_000);
    WorldDocument doc = cluster.world().document("hostile.bin", content).dc(1).create();
    InputDocumentFileLocation location = new InputDocumentFileLocation(doc.id(), doc.accessHash(),
        TlBytes.wrap(cluster.world().fileReference(doc)), "");
    GetFile get = new GetFile(false, false, location, 0, 4096);
    TelegramClient client = builder().build();
    try {
      await(client.login(Login.botToken(bot.botToken().orElseThrow())));
      cluster.dc(1).faults().rpcError("upload.getFile", 303, "FILE_MIGRATE_" + UNKNOWN, 1);
      MigrateException m = (MigrateException) failure(client.dc(1).invoke(get));
      assertThat(m.dc()).isEqualTo(UNKNOWN);
      long exports = count(cluster, "auth.exportAuthorization");
      Throwable e = failure(client.dc(m.dc()).invoke(get));
      assertThat(e).isInstanceOf(UnknownDcException.class);
      assertThat(((UnknownDcException) e).dcId()).isEqualTo(UNKNOWN);
      assertThat(count(cluster, "auth.exportAuthorization")).isEqualTo(exports); // nothing exported for it
      assertThat(failure(client.invoke(UNKNOWN, SELF))).isInstanceOf(UnknownDcException.class);

      Throwable cdn = failure(client.dc(1).cdn(299).invoke(new GetCdnFile(TlBytes.wrap(new byte[8]), 0, 4096)));
      assertThat(cdn).isInstanceOf(UnknownDcException.class);
      // a CDN DC is not a DC for calls, and an ordinary DC is not a CDN DC
      assertThat(failure(client.invoke(TestCluster.DEFAULT_CDN_DC_ID, SELF))).isInstanceOf(UnknownDcException.class);
      assertThat(client.mainDc()).isEqualTo(1);
      assertThat(((io.telefetch.tl.api.upload.File) await(client.invoke(1, get))).bytes().toByteArray()).hasSize(4096);
    } finally {
      closeBounded(client);
    }
  }

  @Test
  void migrationLoopsStopAfterABoundedNumberOfHops() {
    cluster.dc(1).faults().rpcError("help.getNearestDc", 303, "USER_MIGRATE_2", Integer.MAX_VALUE);
    cluster.dc(2).faults().rpcError("help.getNearestDc", 303, "USER_MIGRATE_1", Integer.MAX_VALUE);
    TelegramClient client = builder().build();
    try {
      long before = count(cluster, "help.getNearestDc");
      Throwable e = failure(client.invoke(new GetNearestDc()));
      assertThat(e).isInstanceOf(MigrationLoopException.class).hasCauseInstanceOf(MigrateException.class);
      List<Integer> hops = ((MigrationLoopException) e).hops();
      assertThat(hops).hasSizeBetween(3, 6).startsWith(1, 2);
      assertThat(count(cluster, "help.getNearestDc") - before).isEqualTo(hops.size() - 1);

      // a DC that migrates a call to itself is a loop of one hop
      cluster.dc(2).faults().clearRpcErrors();
      cluster.dc(1).faults().rpcError("help.getNearestDc", 303, "USER_MIGRATE_1", Integer.MAX_VALUE);
      TelegramClient other = builder().build();
      try {
        Throwable self = failure(other.invoke(new GetNearestDc()));
        assertThat(self).isInstanceOf(MigrationLoopException.class);
        assertThat(((MigrationLoopException) self).hops()).containsExactly(1, 1);
      } finally {
        closeBounded(other);
      }
    } finally {
      closeBounded(client);
    }
  }

  @Test
  void aFloodWaitOfABillionSecondsFailsAtOnceWithTheSeconds() {
    List<Duration> slept = new CopyOnWriteArrayList<>();
    Scheduler recording = delay -> {
      slept.add(delay);
      return Scheduler.system().sleep(delay);
    };
    cluster.dc(1).faults().rpcError("help.getNearestDc", 420, "FLOOD_WAIT_1000000000", Integer.MAX_VALUE);
    TelegramClient client = builder().scheduler(recording).floodWait(FloodWaitInterceptor.MAX_THRESHOLD, 5).build();
    try {
      long before = count(cluster, 1, "help.getNearestDc");
      Throwable e = failure(client.invoke(new GetNearestDc()));
      assertThat(e).isInstanceOf(FloodWaitException.class);
      assertThat(((FloodWaitException) e).seconds()).isEqualTo(1_000_000_000);
      assertThat(count(cluster, 1, "help.getNearestDc") - before).isEqualTo(1);
      cluster.dc(1).faults().rpcError("help.getNearestDc", 420, "FLOOD_WAIT_" + Integer.MAX_VALUE, 1);
      assertThat(((FloodWaitException) failure(client.invoke(new GetNearestDc()))).seconds())
          .isEqualTo(Integer.MAX_VALUE);
      assertThat(slept).isEmpty();
    } finally {
      closeBounded(client);
    }
    assertThatThrownBy(() -> builder().floodWait(Duration.ofSeconds(Long.MAX_VALUE), 3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void configRefreshFailuresNeverHangAndKnownDcsKeepWorking() {
    TelegramClient client = builder().build();
    try {
      await(client.login(Login.botToken(bot.botToken().orElseThrow())));
      // help.getConfig fails (after the client's retries) and, on the next try, migrates itself away
      cluster.dc(1).faults().rpcError("help.getConfig", 500, "INTERNAL_SERVER_ERROR", Integer.MAX_VALUE);
      assertThat(failure(client.dc(UNKNOWN).invoke(SELF))).isInstanceOf(UnknownDcException.class);
      cluster.dc(1).faults().rpcError("help.getConfig", 303, "USER_MIGRATE_2", Integer.MAX_VALUE);
      assertThat(failure(client.dc(UNKNOWN).invoke(SELF))).isInstanceOf(UnknownDcException.class);
      assertThat(client.mainDc()).isEqualTo(1); // a config call never moves the home DC
      assertThat(((List<?>) await(client.dc(2).invoke(SELF)))).hasSize(1); // from the bootstrap list
      assertThat(nearest(client)).isEqualTo(1);
    } finally {
      closeBounded(client);
    }

    // a config that never comes: bounded by the resolve timeout
    TelegramClient slow = builder().resolveTimeout(Duration.ofMillis(300)).build();
    try {
      assertThat(nearest(slow)).isEqualTo(1);
      cluster.dc(1).latency(Duration.ofSeconds(10));
      assertThat(failure(slow.dc(UNKNOWN).invoke(SELF))).isInstanceOf(UnknownDcException.class);
    } finally {
      closeBounded(slow);
    }
  }

  @Test
  void reauthorizationLoopsAreBounded() {
    TelegramClient client = builder().build();
    try {
      await(client.login(Login.botToken(bot.botToken().orElseThrow())));
      long imports = count(cluster, 2, "auth.importAuthorization");
      cluster.dc(2).faults().rpcError("users.getUsers", 401, "AUTH_KEY_UNREGISTERED", Integer.MAX_VALUE);
      Throwable e = failure(client.invoke(2, SELF));
      assertThat(e).isInstanceOf(UnauthorizedException.class).hasMessageContaining("AUTH_KEY_UNREGISTERED");
      assertThat(count(cluster, 2, "auth.importAuthorization") - imports).isBetween(1L, 4L);
      assertThat(client.isLoggedIn()).isTrue(); // a secondary DC never logs the account out
      cluster.dc(2).faults().clearRpcErrors();
      assertThat(((List<?>) await(client.invoke(2, SELF)))).hasSize(1);
    } finally {
      closeBounded(client);
    }
  }

  @Test
  void keyLossLoopsOnASecondaryDcAreBounded() {
    TelegramClient client = builder().build();
    try {
      await(client.login(Login.botToken(bot.botToken().orElseThrow())));
      int keys = cluster.dc(2).keys().size();
      cluster.dc(2).faults().transportError(-404, Integer.MAX_VALUE); // every key "unknown", forever
      Throwable e = failure(client.invoke(2, SELF));
      assertThat(e).isInstanceOf(ConnectionClosedException.class);
      // each recovery creates one new key; recoveries of the call and of its import are both capped
      assertThat(cluster.dc(2).keys().size() - keys).isBetween(1, 20);
      assertThat(client.isLoggedIn()).isTrue();
      assertThat(client.mainDc()).isEqualTo(1);
      cluster.dc(2).faults().clearTransportErrors();
      assertThat(((List<?>) await(client.invoke(2, SELF)))).hasSize(1);
    } finally {
      closeBounded(client);
    }
  }

  @Test
  void closeDuringAConnectToADcThatNeverAnswersCompletesPromptly() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int closedPort = closed.getLocalPort();
      closed.close();
      List<Socket> accepted = new CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            accepted.add(silent.accept()); // accepts, reads nothing, answers nothing
          }
        } catch (IOException done) {
          // closed
        }
      }, "silent-dc");
      acceptor.setDaemon(true);
      acceptor.start();
      List<DcOption> options = new ArrayList<>();
      options.add(DcOption.of(1, cluster.dc(1).host(), cluster.dc(1).port()));
      options.add(DcOption.of(5, "127.0.0.1", silent.getLocalPort()));
      options.add(DcOption.of(6, "127.0.0.1", closedPort));
      // long connect timeout: only close() can end the wait
      TelegramClient client = builder().dcOptions(DcOptions.of(options)).connectTimeout(Duration.ofSeconds(120))
          .build();
      CompletableFuture<?> stuck;
      try {
        assertThat(nearest(client)).isEqualTo(1);
        assertThat(failure(client.invoke(6, new GetNearestDc()))).isInstanceOf(ConnectionClosedException.class);
        stuck = client.invoke(5, new GetNearestDc());
        awaitAccepted(accepted);
        assertThat(stuck).isNotDone();
      } finally {
        closeBounded(client);
      }
      assertThat(stuck).failsWithin(BOUND);
      for (Socket s : accepted) {
        s.close();
      }

      // and a short connect timeout fails the call on its own, typed
      TelegramClient impatient = builder().dcOptions(DcOptions.of(options)).connectTimeout(Duration.ofMillis(300))
          .build();
      try {
        Throwable e = failure(impatient.invoke(5, new GetNearestDc()));
        assertThat(e).isInstanceOfAny(ConnectionClosedException.class, java.util.concurrent.TimeoutException.class);
      } finally {
        closeBounded(impatient);
      }
    }
  }

  private static void awaitAccepted(List<Socket> accepted) throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (accepted.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(accepted).isNotEmpty();
  }
}
