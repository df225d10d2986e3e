package io.telefetch.testkit.e2e.client;

import static io.telefetch.testkit.e2e.client.TestClients.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.client.DcClient;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.InputUserSelf;
import io.telefetch.tl.api.User;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.users.GetUsers;
import io.telefetch.tl.mtproto.Ping;
import io.telefetch.tl.mtproto.Pong;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One client shared by 8 threads: 10,000 calls over two DCs and both pools, each answer to its own caller. */
class ClientConcurrencyTest {
  private static final int THREADS = 8;
  private static final int CALLS_PER_THREAD = 1250;

  @Test
  void tenThousandCallsFromEightThreadsEachGetTheirOwnAnswer() throws Exception {
    try (TestCluster cluster = TestCluster.builder().dcs(2).threads(4).build().start();
        TelegramClient client = TestClients.builder(cluster).mainConnections(2).downloadConnections(3).build()) {
      WorldUser bot = cluster.world().bot("busy_bot").dc(1).create();
      await(client.login(Login.botToken(bot.botToken().orElseThrow())));
      DcClient dc2 = client.dc(2);
      ExecutorService threads = Executors.newFixedThreadPool(THREADS);
      CountDownLatch go = new CountDownLatch(1);
      AtomicInteger verified = new AtomicInteger();
      List<Future<?>> workers = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        workers.add(threads.submit(() -> {
          go.await();
          Semaphore window = new Semaphore(64);
          List<CompletableFuture<Boolean>> mine = new ArrayList<>();
          for (int i = 0; i < CALLS_PER_THREAD; i++) {
            long id = thread * 1_000_000L + i;
            window.acquire();
            CompletableFuture<Boolean> ok = switch (i % 10) {
              case 0 -> client.invoke(new GetUsers(List.of(new InputUserSelf())))
                  .thenApply(users -> ((User) users.get(0)).id() == bot.id());
              case 1 -> client.invoke(2, new GetConfig()).thenApply(c -> ((Config) c).thisDc() == 2);
              case 2, 3, 4 -> dc2.invoke(new Ping(id)).thenApply(p -> ((Pong) p).pingId() == id);
              default -> client.invoke(new Ping(id)).thenApply(p -> ((Pong) p).pingId() == id);
            };
            ok.whenComplete((r, e) -> window.release());
            mine.add(ok);
          }
          for (CompletableFuture<Boolean> ok : mine) {
            if (ok.get(60, TimeUnit.SECONDS)) {
              verified.incrementAndGet();
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> w : workers) {
        w.get(120, TimeUnit.SECONDS);
      }
      threads.shutdown();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(verified.get()).isEqualTo(THREADS * CALLS_PER_THREAD);
      assertThat(cluster.dc(1).openConnections()).isBetween(1, 2);
      assertThat(cluster.dc(2).openConnections()).isBetween(1, 2 + 3);
      System.out.printf("10,000 calls from %d threads in %d ms%n", THREADS, millis);
    }
  }
}
