package io.telefetch.testkit.e2e.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.testing.TestClock;
import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.help.GetNearestDc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Salt rotation with one clock for client and server that the test moves: the keep-alive fetches
 * future salts and switches to the next one when its slot begins, before the server rejects the
 * old one.
 */
class SaltRotationEndToEndTest {

  @Test
  void theKeepAliveRotatesToTheNextFutureSalt() throws Exception {
    TestClock clock = TestClock.offsetFromSystem();
    NioEventLoopGroup group = new NioEventLoopGroup(1);
    try (TestCluster cluster = TestCluster.builder().dcs(1).clock(clock).build().start()) {
      DcServer dc = cluster.dc(1);
      try (MtprotoConnection c = Engine.connect(Engine.options(cluster, dc, group).clock(clock)
          .pingInterval(Duration.ofMillis(150)))) {
        assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).thisDc()).isEqualTo(1);
        long first = c.serverSalt(); // the DC's salt for this 30-minute slot (after bad_server_salt if needed)
        Engine.await(() -> dc.received("get_future_salts") > 0, Duration.ofSeconds(5)); // a keep-alive tick asked
        assertThat(c.serverSalt()).isEqualTo(first);

        clock.advance(Duration.ofMinutes(31)); // the next slot begins
        Engine.await(() -> c.serverSalt() != first, Duration.ofSeconds(5));
        long second = c.serverSalt();
        assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).thisDc()).isEqualTo(1);
        assertThat(c.serverSalt()).as("no bad_server_salt needed").isEqualTo(second);

        clock.advance(Duration.ofMinutes(31)); // the first salt is no longer accepted anywhere
        Engine.await(() -> c.serverSalt() != second, Duration.ofSeconds(5));
        long third = c.serverSalt();
        assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).thisDc()).isEqualTo(1);
        assertThat(c.serverSalt()).isEqualTo(third);
        assertThat(c.isOpen()).isTrue();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
