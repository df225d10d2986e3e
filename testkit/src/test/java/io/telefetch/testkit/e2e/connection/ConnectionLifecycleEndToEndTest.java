package io.telefetch.testkit.e2e.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.exchange.KeyExchangeException;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.tl.api.ConfigType;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.help.GetNearestDc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Opening and closing: what a connection leaves behind, and how connecting fails. */
class ConnectionLifecycleEndToEndTest {
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(1).build().start();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  static long liveThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
  }

  @Test
  void closingLeavesTheGroupRunningAndShuttingItDownLeavesNoThreads() throws Exception {
    String prefix = "engine-lifecycle-io";
    NioEventLoopGroup group = new NioEventLoopGroup(2, new DefaultThreadFactory(prefix));
    DcServer dc = cluster.dc(1);
    List<MtprotoConnection> connections = new ArrayList<>();
    try {
      useAndClose(dc, group, connections);
    } finally {
      dc.latency(Duration.ZERO);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    Engine.await(() -> liveThreads(prefix) == 0, Duration.ofSeconds(5));
  }

  private static void useAndClose(DcServer dc, NioEventLoopGroup group, List<MtprotoConnection> connections)
      throws Exception {
    for (int i = 0; i < 4; i++) {
      connections.add(Engine.connect(Engine.options(cluster, dc, group).pingInterval(Duration.ofMillis(200))));
    }
    List<CompletableFuture<ConfigType>> calls = new ArrayList<>();
    for (MtprotoConnection c : connections) {
      for (int i = 0; i < 50; i++) {
        calls.add(c.invoke(new GetConfig()));
      }
    }
    for (CompletableFuture<ConfigType> f : calls) {
      f.get(10, TimeUnit.SECONDS);
    }
    dc.latency(Duration.ofSeconds(5));
    long seen = dc.recorder().count("help.getConfig");
    List<CompletableFuture<ConfigType>> inFlight = new ArrayList<>();
    for (MtprotoConnection c : connections) {
      inFlight.add(c.invoke(new GetConfig()));
    }
    Engine.await(() -> dc.recorder().count("help.getConfig") >= seen + connections.size(), Duration.ofSeconds(5));
    for (MtprotoConnection c : connections) {
      c.closeAsync().get(5, TimeUnit.SECONDS);
      assertThat(c.isOpen()).isFalse();
    }
    dc.latency(Duration.ZERO);
    for (CompletableFuture<ConfigType> f : inFlight) {
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class);
    }
    assertThat(group.isShuttingDown()).as("the caller's group is not ours to close").isFalse();
    Engine.await(() -> dc.openConnections() == 0, Duration.ofSeconds(5));
    assertThat(group.iterator().next().isShutdown()).isFalse();
  }

  @Test
  void connectWithAnUntrustedKeyFailsWithTheExchangeErrorAndClosesTheSocket() throws Exception {
    NioEventLoopGroup group = new NioEventLoopGroup(1);
    try {
      DcServer dc = cluster.dc(1);
      Engine.await(() -> dc.openConnections() == 0, Duration.ofSeconds(5));
      CompletableFuture<MtprotoConnection> f = MtprotoConnection.connect(
          Engine.options(cluster, dc, group).rsaKeys(RsaKeys.production()).build());
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(KeyExchangeException.class);
      Engine.await(() -> dc.openConnections() == 0, Duration.ofSeconds(5));
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void aDownDcFailsConnectWithATypedError() throws Exception {
    NioEventLoopGroup group = new NioEventLoopGroup(1);
    DcServer dc = cluster.dc(1);
    dc.faults().down(true);
    try {
      CompletableFuture<MtprotoConnection> f = MtprotoConnection.connect(Engine.options(cluster, dc, group).build());
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class);
    } finally {
      dc.faults().down(false);
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    NioEventLoopGroup again = new NioEventLoopGroup(1);
    try (MtprotoConnection c = Engine.connect(Engine.options(cluster, dc, again))) {
      assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).thisDc()).isEqualTo(1);
    } finally {
      again.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
