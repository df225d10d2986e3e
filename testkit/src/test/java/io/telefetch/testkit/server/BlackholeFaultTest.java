package io.telefetch.testkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.connection.ConnectionOptions;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.rpc.RpcTimeoutException;
import io.telefetch.mtproto.transport.ClientTransportConfig;
import io.telefetch.mtproto.transport.TransportKind;
import io.telefetch.testkit.TestCluster;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.help.GetNearestDc;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link Faults#blackhole}: one connection stops answering one method, silently, and stays open. */
class BlackholeFaultTest {
  private static TestCluster cluster;
  private static NioEventLoopGroup group;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(1).build().start();
    group = new NioEventLoopGroup(1);
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    cluster.close();
  }

  private static MtprotoConnection connect(Duration callTimeout) {
    DcServer dc = cluster.dc(1);
    return MtprotoConnection.connect(ConnectionOptions.builder(dc.host(), dc.port())
        .transport(ClientTransportConfig.of(TransportKind.INTERMEDIATE)).dcId(1).rsaKeys(cluster.rsaKeys())
        .eventLoopGroup(group).callTimeout(callTimeout).build()).join();
  }

  @Test
  void theConnectionStopsAnsweringTheMethodButStaysOpenAndAnswersTheRest() {
    Faults faults = cluster.dc(1).faults();
    long swallowedBefore = faults.swallowedCalls();
    faults.blackhole("help.getNearestDc", 1);
    try (MtprotoConnection stalled = connect(Duration.ofMillis(800));
        MtprotoConnection healthy = connect(Duration.ofSeconds(20))) {
      assertThatThrownBy(() -> stalled.invoke(new GetNearestDc()).join())
          .isInstanceOf(CompletionException.class).hasCauseInstanceOf(RpcTimeoutException.class);
      assertThatThrownBy(() -> stalled.invoke(new GetNearestDc()).join())
          .as("still swallowed on that connection").hasCauseInstanceOf(RpcTimeoutException.class);
      assertThat(faults.swallowedCalls() - swallowedBefore).isEqualTo(2);
      assertThat(stalled.isOpen()).as("no close").isTrue();
      assertThat(stalled.invoke(new GetConfig()).join()).as("other methods are answered").isNotNull();
      assertThat(((NearestDc) healthy.invoke(new GetNearestDc()).join()).thisDc())
          .as("another connection is not affected").isEqualTo(1);
    }
    faults.blackhole("help.getNearestDc", 5).clearBlackholes();
    try (MtprotoConnection fresh = connect(Duration.ofSeconds(20))) {
      assertThat(fresh.invoke(new GetNearestDc()).join()).as("after clearBlackholes").isNotNull();
    }
  }
}
