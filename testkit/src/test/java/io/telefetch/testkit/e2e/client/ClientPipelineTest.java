package io.telefetch.testkit.e2e.client;

import static io.telefetch.testkit.e2e.client.TestClients.await;
import static io.telefetch.testkit.e2e.client.TestClients.count;
import static io.telefetch.testkit.e2e.client.TestClients.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.CallOptions;
import io.telefetch.mtproto.rpc.CallRoute;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.mtproto.rpc.FloodWaitException;
import io.telefetch.mtproto.rpc.Interceptor;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.mtproto.rpc.RpcTimeoutException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.help.GetNearestDc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The call pipeline against a real cluster: builder interceptors, per-call options, the event listener. */
class ClientPipelineTest {
  private static TestCluster cluster;
  private static WorldUser bot;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(2).build().start();
    bot = cluster.world().bot("pipe_bot").dc(1).create();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void anAddedInterceptorSeesRouteAttemptAndOptions() {
    List<String> seen = new CopyOnWriteArrayList<>();
    Interceptor spy = new Interceptor() {
      @Override
      public <R> CompletableFuture<R> intercept(Chain<R> chain) {
        seen.add(chain.method().tlName() + " " + chain.route() + " #" + chain.attempt() + " retries "
            + chain.options().maxRetries().orElse(-1) + " timeout " + chain.timeout().orElse(null));
        return chain.proceed(chain.method());
      }
    };
    try (TelegramClient client = TestClients.builder(cluster).addInterceptor(spy).build()) {
      assertThat(((NearestDc) await(client.invoke(new GetNearestDc()))).thisDc()).isEqualTo(1);
      assertThat(((NearestDc) await(client.invoke(2, new GetNearestDc(), CallOptions.builder().maxRetries(0)
          .timeout(Duration.ofSeconds(7)).build()))).thisDc()).isEqualTo(2);
    }
    assertThat(seen).contains("help.getNearestDc DC 1 #1 retries 2 timeout PT20S",
        "help.getNearestDc DC 2 #1 retries 0 timeout PT7S");
  }

  @Test
  void singleAttemptCallsReachTheServerOnceAndSurfaceErrorsAtOnce() {
    try (TelegramClient client = TestClients.builder(cluster).build()) {
      await(client.invoke(new GetNearestDc())); // connected, key made
      cluster.dc(1).faults().rpcError("help.getNearestDc", 500, "INTERNAL", Integer.MAX_VALUE);
      try {
        long before = count(cluster, 1, "help.getNearestDc");
        assertThat(failure(client.invoke(new GetNearestDc(), CallOptions.SINGLE_ATTEMPT)))
            .isInstanceOf(RpcException.class).hasMessage("500 INTERNAL");
        assertThat(count(cluster, 1, "help.getNearestDc") - before).isEqualTo(1);
        before = count(cluster, 1, "help.getNearestDc");
        assertThat(failure(client.invoke(new GetNearestDc()))).isInstanceOf(RpcException.class);
        assertThat(count(cluster, 1, "help.getNearestDc") - before).as("the client's default: 1 + 2 retries")
            .isEqualTo(3);
      } finally {
        cluster.dc(1).faults().clearRpcErrors();
      }
      cluster.dc(1).faults().rpcError("help.getNearestDc", 420, "FLOOD_WAIT_30", 1);
      assertThat(failure(client.invoke(new GetNearestDc(), CallOptions.SINGLE_ATTEMPT)))
          .isInstanceOf(FloodWaitException.class);
    }
  }

  @Test
  void aShorterPerCallTimeoutFailsTheAttemptEarly() {
    try (TelegramClient client = TestClients.builder(cluster).build()) {
      await(client.invoke(new GetNearestDc()));
      cluster.dc(1).faults().blackhole("help.getNearestDc", 1);
      try {
        long t0 = System.nanoTime();
        assertThat(failure(client.invoke(new GetNearestDc(), CallOptions.builder().timeout(Duration.ofMillis(300))
            .build()))).isInstanceOf(RpcTimeoutException.class).hasMessageContaining("help.getNearestDc");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("well before the 20 s call timeout")
            .isLessThan(Duration.ofSeconds(15));
      } finally {
        cluster.dc(1).faults().clearBlackholes();
      }
    }
  }

  @Test
  void theListenerSeesConnectionsKeysLoginAndCalls() {
    List<String> events = new CopyOnWriteArrayList<>();
    EventListener listener = new EventListener() {
      @Override
      public void connected(CallRoute route) {
        events.add("connected " + route);
      }

      @Override
      public void keyCreated(int dcId, boolean cdn) {
        events.add("key " + dcId);
      }

      @Override
      public void loggedIn(long userId, boolean isBot) {
        events.add("login " + userId);
      }

      @Override
      public void callEnd(CallRoute route, String method, Duration elapsed, Throwable failure) {
        events.add("call " + method + " " + (failure == null ? "ok" : failure.getClass().getSimpleName()));
      }

      @Override
      public void connectFailed(CallRoute route, Throwable cause) {
        events.add("connect failed " + route);
      }
    };
    try (TelegramClient client = TestClients.builder(cluster).eventListener(listener).build()) {
      await(client.login(Login.botToken(bot.botToken().orElseThrow())));
      await(client.invoke(new GetNearestDc()));
    }
    assertThat(events).containsSubsequence("connected DC 1", "key 1", "call auth.importBotAuthorization ok",
        "login " + bot.id(), "call help.getNearestDc ok");
    assertThat(events.stream().filter(e -> e.startsWith("key ")).count()).isEqualTo(1);
    assertThat(events.stream().filter(e -> e.startsWith("login ")).count()).isEqualTo(1);
    assertThat(events).noneMatch(e -> e.startsWith("connect failed"));
  }
}
