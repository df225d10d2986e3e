package io.telefetch.testkit.e2e.client;

import static io.telefetch.testkit.e2e.client.TestClients.await;
import static io.telefetch.testkit.e2e.client.TestClients.count;
import static io.telefetch.testkit.e2e.client.TestClients.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.client.LoggedOutException;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.SessionData;
import io.telefetch.mtproto.client.SessionStore;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.InputUserSelf;
import io.telefetch.tl.api.User;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.users.GetUsers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session store across restarts, the portable session string, and losing the login. */
class ClientSessionTest {
  private static TestCluster cluster;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(3).build().start();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static Map<Integer, Integer> keyCounts() {
    return cluster.dcs().stream().collect(Collectors.toMap(DcServer::id, d -> d.keys().size(), Integer::sum));
  }

  private static final GetUsers SELF = new GetUsers(List.of(new InputUserSelf()));

  @Test
  void restartOnTheSameFileReusesKeysAndLogin() {
    WorldUser bot = cluster.world().bot("restart_bot").dc(2).create();
    Path file = dir.resolve("bot.session");
    Login login = Login.botToken(bot.botToken().orElseThrow());
    try (TelegramClient first = TestClients.builder(cluster).sessionStore(SessionStore.file(file)).build()) {
      await(first.login(login));
      await(first.dc(3).invoke(SELF)); // a key and an imported authorization on DC 3 too
      await(first.invoke(1, new GetConfig()));
    }
    Map<Integer, Integer> keys = keyCounts();
    long logins = count(cluster, "auth.importBotAuthorization");
    long exports = count(cluster, "auth.exportAuthorization");
    long imports = count(cluster, "auth.importAuthorization");
    SessionData saved = SessionStore.file(file).load().orElseThrow();
    assertThat(saved.mainDc()).isEqualTo(2);
    assertThat(saved.userId()).isEqualTo(bot.id());
    assertThat(saved.keys()).containsOnlyKeys(1, 2, 3);
    assertThat(saved.key(3).orElseThrow().authorized()).isTrue();

    try (TelegramClient second = TestClients.builder(cluster).sessionStore(SessionStore.file(file)).build()) {
      assertThat(second.isLoggedIn()).isTrue();
      assertThat(second.mainDc()).isEqualTo(2);
      User me = await(second.login(login)); // already logged in: no login call
      assertThat(me.id()).isEqualTo(bot.id());
      assertThat(((List<?>) await(second.dc(3).invoke(SELF)))).hasSize(1);
      assertThat(((Config) await(second.invoke(1, new GetConfig()))).thisDc()).isEqualTo(1);
    }
    assertThat(keyCounts()).isEqualTo(keys);
    assertThat(count(cluster, "auth.importBotAuthorization")).isEqualTo(logins);
    assertThat(count(cluster, "auth.exportAuthorization")).isEqualTo(exports);
    assertThat(count(cluster, "auth.importAuthorization")).isEqualTo(imports);
  }

  @Test
  void sessionStringMovesTheLoginToAnotherClient() {
    WorldUser bot = cluster.world().bot("moving_bot").dc(1).create();
    String exported;
    try (TelegramClient first = TestClients.builder(cluster).build()) {
      await(first.login(Login.botToken(bot.botToken().orElseThrow())));
      exported = first.exportSession();
    }
    Map<Integer, Integer> keys = keyCounts();
    try (TelegramClient second = TestClients.builder(cluster).sessionStore(SessionStore.ofString(exported)).build()) {
      assertThat(await(second.self()).id()).isEqualTo(bot.id());
    }
    assertThat(keyCounts()).isEqualTo(keys);
  }

  @Test
  void keyLossOnTheHomeDcIsALoggedOutState() {
    WorldUser bot = cluster.world().bot("lost_bot").dc(1).create();
    Path file = dir.resolve("lost.session");
    try (TelegramClient client = TestClients.builder(cluster).sessionStore(SessionStore.file(file)).build()) {
      await(client.login(Login.botToken(bot.botToken().orElseThrow())));
      cluster.dc(1).faults().forgetKeys();
      Throwable e = failure(client.invoke(SELF));
      assertThat(e).isInstanceOf(LoggedOutException.class).hasMessageContaining("log in again");
      assertThat(((LoggedOutException) e).dcId()).isEqualTo(1);
      assertThat(client.isLoggedIn()).isFalse();
      assertThat(SessionStore.file(file).load().orElseThrow().userId()).isZero();
      assertThat(failure(client.self())).isInstanceOf(LoggedOutException.class);
      // a new key is created and the login works again
      assertThat(await(client.login(Login.botToken(bot.botToken().orElseThrow()))).id()).isEqualTo(bot.id());
      assertThat(((List<?>) await(client.invoke(SELF)))).hasSize(1);
    }
  }
}
