package io.telefetch.testkit.e2e.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.FloodWaitException;
import io.telefetch.mtproto.rpc.FloodWaitInterceptor;
import io.telefetch.mtproto.rpc.RpcCaller;
import io.telefetch.mtproto.rpc.RpcTimeoutException;
import io.telefetch.mtproto.rpc.Scheduler;
import io.telefetch.mtproto.transport.TransportException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.ConfigType;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.NearestDcType;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.help.GetNearestDc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine (MtprotoConnection and the interceptors) against a testkit DC: timeouts, cancellation, lost connections, load. */
class EngineEndToEndTest {
  private static TestCluster cluster;
  private static NioEventLoopGroup group;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(2).build().start();
    group = new NioEventLoopGroup(4);
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    cluster.close();
  }

  @AfterEach
  void resetFaults() {
    for (DcServer dc : cluster.dcs()) {
      dc.latency(Duration.ZERO);
      dc.faults().closeAfterBytes(-1).clearFloodLimits();
    }
  }

  private static MtprotoConnection connect(DcServer dc) {
    return Engine.connect(Engine.options(cluster, dc, group));
  }

  @Test
  void perCallTimeoutFailsTheCallAndTheLateAnswerIsIgnored() throws Exception {
    DcServer dc = cluster.dc(1);
    try (MtprotoConnection c = connect(dc)) {
      c.invoke(new GetNearestDc()).get(10, TimeUnit.SECONDS);
      dc.latency(Duration.ofMillis(700));
      long due = dc.answersDue();
      CompletableFuture<NearestDcType> slow = c.invoke(new GetNearestDc(), Duration.ofMillis(200));
      assertThatThrownBy(() -> slow.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(RpcTimeoutException.class)
          .hasMessageContaining("help.getNearestDc").hasMessageContaining("200 ms");
      // the answer comes due now, for a request nobody waits for; the next answer follows it on the wire
      Engine.await(() -> dc.answersDue() > due, Duration.ofSeconds(5));
      dc.latency(Duration.ZERO);
      assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).thisDc()).isEqualTo(1);
      assertThat(c.isOpen()).isTrue();
      assertThat(slow).isCompletedExceptionally();
    }
  }

  @Test
  void cancellationDropsTheRequestAndNeverCompletesTheFuture() throws Exception {
    DcServer dc = cluster.dc(2);
    try (MtprotoConnection c = connect(dc)) {
      dc.recorder().clear();
      dc.latency(Duration.ofMillis(500));
      long due = dc.answersDue();
      CompletableFuture<ConfigType> call = c.invoke(new GetConfig());
      assertThat(dc.recorder().takeRequest(Duration.ofSeconds(5)).method()).isInstanceOf(GetConfig.class);
      AtomicInteger completions = new AtomicInteger();
      call.whenComplete((r, e) -> completions.incrementAndGet());
      assertThat(call.cancel(true)).isTrue();
      Engine.await(() -> dc.answersDue() > due, Duration.ofSeconds(5)); // the dropped call's answer
      dc.latency(Duration.ZERO);
      // this answer follows the dropped call's on the wire: that one was handled when this arrives
      assertThat(((Config) c.invoke(new GetConfig()).get(5, TimeUnit.SECONDS)).thisDc()).isEqualTo(2);
      assertThat(call).isCancelled();
      assertThatThrownBy(call::join).isInstanceOf(CancellationException.class);
      assertThat(completions).hasValue(1);
      assertThat(c.isOpen()).isTrue();
    }
  }

  @Test
  void aLostConnectionFailsEveryCallInFlightExactlyOnce() throws Exception {
    DcServer dc = cluster.dc(1);
    MtprotoConnection c = connect(dc);
    dc.recorder().clear();
    dc.latency(Duration.ofMillis(1500));
    long due = dc.answersDue();
    List<CompletableFuture<NearestDcType>> calls = new ArrayList<>();
    AtomicInteger completions = new AtomicInteger();
    for (int i = 0; i < 50; i++) {
      CompletableFuture<NearestDcType> f = c.invoke(new GetNearestDc());
      f.whenComplete((r, e) -> completions.incrementAndGet());
      calls.add(f);
    }
    Engine.await(() -> dc.recorder().count("help.getNearestDc") == 50, Duration.ofSeconds(5));
    dc.dropConnections();
    for (CompletableFuture<NearestDcType> f : calls) {
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class);
    }
    c.closeFuture().get(5, TimeUnit.SECONDS);
    assertThat(c.isOpen()).isFalse();
    // when the answers would have come (the server's latency is real time)
    Engine.await(() -> dc.answersDue() >= due + 50, Duration.ofSeconds(10));
    assertThat(completions).hasValue(50);
    assertThatThrownBy(() -> c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS))
        .cause().isInstanceOf(ConnectionClosedException.class);
    c.close();
  }

  @Test
  void aConnectionCutMidStreamAnswersOrFailsEachCallOnce() throws Exception {
    DcServer dc = cluster.dc(2);
    MtprotoConnection c = connect(dc);
    c.invoke(new GetConfig()).get(5, TimeUnit.SECONDS);
    dc.faults().closeAfterBytes(20_000); // counted from the start of each connection
    List<CompletableFuture<ConfigType>> calls = new ArrayList<>();
    ConcurrentHashMap<CompletableFuture<ConfigType>, AtomicInteger> completions = new ConcurrentHashMap<>();
    for (int i = 0; i < 300; i++) {
      CompletableFuture<ConfigType> f = c.invoke(new GetConfig());
      AtomicInteger n = new AtomicInteger();
      completions.put(f, n);
      f.whenComplete((r, e) -> n.incrementAndGet());
      calls.add(f);
    }
    int answered = 0;
    int failed = 0;
    for (CompletableFuture<ConfigType> f : calls) {
      try {
        assertThat(((Config) f.get(10, TimeUnit.SECONDS)).thisDc()).isEqualTo(2);
        answered++;
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(ConnectionClosedException.class);
        failed++;
      }
    }
    assertThat(answered).isPositive();
    assertThat(failed).isPositive();
    c.closeFuture().get(5, TimeUnit.SECONDS);
    Engine.await(() -> completions.values().stream().allMatch(n -> n.get() > 0), Duration.ofSeconds(5));
    assertThat(completions.values()).allSatisfy(n -> assertThat(n).hasValue(1));
    c.close();
  }

  @Test
  void transportFloodIsATypedError() throws Exception {
    DcServer dc = cluster.dc(1);
    MtprotoConnection c = connect(dc);
    c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS);
    dc.faults().transportError(-429, 1);
    assertThatThrownBy(() -> c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS))
        .cause().isInstanceOf(ConnectionClosedException.class)
        .cause().isInstanceOf(TransportException.class)
        .satisfies(e -> {
          TransportException t = (TransportException) e;
          assertThat(t.code()).isEqualTo(-429);
          assertThat(t.codeName()).isEqualTo("TRANSPORT_FLOOD");
          assertThat(t.kind()).isEqualTo(TransportException.Kind.PEER_ERROR);
        });
    c.closeFuture().get(5, TimeUnit.SECONDS);
    // the fault was one-shot: a new connection with the same key works
    try (MtprotoConnection again = Engine.connect(Engine.options(cluster, dc, group)
        .authKey(c.authKey(), c.serverSalt(), c.timeOffsetMillis()))) {
      assertThat(((NearestDc) again.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).thisDc()).isEqualTo(1);
    }
  }

  @Test
  void manyCallersOnSeveralThreadsAllGetTheirOwnAnswers() throws Exception {
    DcServer dc = cluster.dc(2);
    dc.recorder().clear();
    int threads = 8;
    int perThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (MtprotoConnection c = connect(dc)) {
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        workers.add(pool.submit(() -> {
          List<CompletableFuture<?>> mine = new ArrayList<>();
          List<Boolean> kinds = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            boolean config = (i + seed) % 3 == 0;
            kinds.add(config);
            mine.add(config ? c.invoke(new GetConfig()) : c.invoke(new GetNearestDc()));
          }
          int ok = 0;
          for (int i = 0; i < perThread; i++) {
            Object r = mine.get(i).get(30, TimeUnit.SECONDS);
            if (kinds.get(i)) {
              assertThat(r).isInstanceOf(Config.class);
              assertThat(((Config) r).thisDc()).isEqualTo(2);
            } else {
              assertThat(r).isInstanceOf(NearestDc.class);
              assertThat(((NearestDc) r).nearestDc()).isEqualTo(2);
            }
            ok++;
          }
          return ok;
        }));
      }
      int total = 0;
      for (Future<Integer> w : workers) {
        total += w.get(60, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(threads * perThread);
      assertThat(dc.recorder().count("help.getConfig") + dc.recorder().count("help.getNearestDc"))
          .isEqualTo(threads * perThread);
      assertThat(c.isOpen()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void keepAlivePingsHoldAnIdleConnectionOpen() throws Exception {
    DcServer dc = cluster.dc(1);
    // 0.5 s pings: the server closes a connection 2 s (the disconnect delay asked for) after the last one
    try (MtprotoConnection c = Engine.connect(Engine.options(cluster, dc, group).pingInterval(Duration.ofMillis(500)))) {
      long before = dc.bytesSent();
      long pings = dc.received("ping_delay_disconnect");
      // six pings span 3 s, past the disconnect delay: the keep-alive (the server's real timer) held it open
      Engine.await(() -> dc.received("ping_delay_disconnect") >= pings + 6, Duration.ofSeconds(10));
      assertThat(c.isOpen()).isTrue();
      assertThat(dc.bytesSent()).as("pongs (and future salts) came back").isGreaterThan(before);
      assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).thisDc()).isEqualTo(1);
    }
  }

  @Test
  void floodWaitsAreSleptThroughByTheInterceptor() throws Exception {
    DcServer dc = cluster.dc(2);
    try (MtprotoConnection c = connect(dc)) {
      dc.faults().floodWait("help.getNearestDc", 1, Duration.ofSeconds(1));
      RpcCaller raw = new RpcCaller() {
        @Override
        public <R> CompletableFuture<R> call(TlMethod<R> method) {
          return c.invoke(method);
        }
      };
      assertThat(raw.call(new GetNearestDc()).get(5, TimeUnit.SECONDS)).isInstanceOf(NearestDc.class);
      assertThatThrownBy(() -> raw.call(new GetNearestDc()).get(5, TimeUnit.SECONDS))
          .cause().isInstanceOf(FloodWaitException.class);
      RpcCaller patient = RpcCaller.intercepted(raw,
          List.of(new FloodWaitInterceptor(Duration.ofSeconds(5), 3, Scheduler.system())));
      long t0 = System.nanoTime();
      assertThat(patient.call(new GetNearestDc()).get(10, TimeUnit.SECONDS)).isInstanceOf(NearestDc.class);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(500));
    }
  }
}
