package io.telefetch.testkit.e2e.client;

import static io.telefetch.testkit.e2e.client.TestClients.await;
import static io.telefetch.testkit.e2e.client.TestClients.count;
import static io.telefetch.testkit.e2e.client.TestClients.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.SessionData;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.FloodWaitException;
import io.telefetch.mtproto.rpc.Scheduler;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.api.InputUserSelf;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.User;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.help.GetNearestDc;
import io.telefetch.tl.api.users.GetUsers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The interceptor chain and the client's own recoveries, seen from a caller. */
class ClientRpcTest {
  private static final GetUsers SELF = new GetUsers(List.of(new InputUserSelf()));
  private static TestCluster cluster;
  private static WorldUser bot;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(2).build().start();
    bot = cluster.world().bot("rpc_bot").dc(1).create();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void floodWaitUnderTheThresholdIsSleptThroughAndAboveItSurfaced() {
    List<Duration> slept = new CopyOnWriteArrayList<>();
    Scheduler recording = delay -> {
      slept.add(delay);
      return Scheduler.system().sleep(delay);
    };
    cluster.dc(1).faults().floodWait("help.getNearestDc", 1, Duration.ofMillis(1500));
    try (TelegramClient patient = TestClients.builder(cluster).scheduler(recording)
        .floodWait(Duration.ofSeconds(5), 3).build();
        TelegramClient hasty = TestClients.builder(cluster).floodWait(Duration.ofMillis(500), 3).build()) {
      assertThat(((NearestDc) await(patient.invoke(new GetNearestDc()))).thisDc()).isEqualTo(1);
      assertThat(((NearestDc) await(patient.invoke(new GetNearestDc()))).thisDc()).isEqualTo(1);
      assertThat(slept).isNotEmpty().allMatch(d -> d.compareTo(Duration.ofSeconds(1)) >= 0);
      await(hasty.invoke(new GetNearestDc()));
      Throwable e = failure(hasty.invoke(new GetNearestDc()));
      assertThat(e).isInstanceOf(FloodWaitException.class);
      assertThat(((FloodWaitException) e).seconds()).isPositive();
    } finally {
      cluster.dc(1).faults().clearFloodLimits();
    }
  }

  @Test
  void authKeyUnregisteredOnASecondaryDcIsReimported() {
    try (TelegramClient client = TestClients.builder(cluster).build()) {
      await(client.login(Login.botToken(bot.botToken().orElseThrow())));
      assertThat(((User) await(client.invoke(2, SELF)).get(0)).id()).isEqualTo(bot.id());
      SessionData.DcKey key = client.session().key(2).orElseThrow();
      long imports = count(cluster, 2, "auth.importAuthorization");
      cluster.dc(2).keys().get(key.authKeyId()).bindUser(0); // the DC forgets the authorization, not the key
      assertThat(((User) await(client.invoke(2, SELF)).get(0)).id()).isEqualTo(bot.id());
      assertThat(count(cluster, 2, "auth.importAuthorization")).isEqualTo(imports + 1);
      assertThat(client.session().key(2).orElseThrow().authKeyId()).isEqualTo(key.authKeyId());
      assertThat(client.isLoggedIn()).isTrue();
    }
  }

  @Test
  void cancellingACallDropsItAndTheClientCarriesOn() {
    try (TelegramClient client = TestClients.builder(cluster).build()) {
      await(client.invoke(new GetConfig()));
      cluster.dc(1).latency(Duration.ofMillis(800));
      try {
        CompletableFuture<?> slow = client.invoke(new GetNearestDc());
        assertThat(slow.cancel(true)).isTrue();
        assertThat(slow).isCancelled();
      } finally {
        cluster.dc(1).latency(Duration.ZERO);
      }
      assertThat(((NearestDc) await(client.invoke(new GetNearestDc()))).thisDc()).isEqualTo(1);
    }
  }

  @Test
  void unauthorisedCallsBeforeLoginAreTypedErrorsNotLogouts() {
    try (TelegramClient client = TestClients.builder(cluster).build()) {
      Throwable e = failure(client.invoke(SELF));
      assertThat(e).isInstanceOf(io.telefetch.mtproto.rpc.UnauthorizedException.class)
          .hasMessageContaining("AUTH_KEY_UNREGISTERED");
      assertThat(client.isLoggedIn()).isFalse();
      assertThat(await(client.login(Login.botToken(bot.botToken().orElseThrow()))).id()).isEqualTo(bot.id());
    }
  }
}
