package io.telefetch.mtproto.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** {@link ConnectionOptions} is made of values: runtime, timeouts, limits; one setter changes one part. */
class ConnectionOptionsTest {

  @Test
  void optionsAreComposedOfValuesThatSurviveNewBuilder() {
    EventLoopGroup group = new DefaultEventLoopGroup(1);
    try {
      Executor callbacks = Runnable::run;
      Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
      SecureRandom random = new SecureRandom();
      ConnectionOptions.Runtime runtime = new ConnectionOptions.Runtime(group, callbacks, clock, random);
      ConnectionOptions o = ConnectionOptions.builder("127.0.0.1", 1).runtime(runtime)
          .timeouts(new ConnectionOptions.Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ZERO))
          .maxResends(2).build();
      assertThat(o.runtime()).isEqualTo(runtime);
      assertThat(o.timeouts()).isEqualTo(new ConnectionOptions.Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ZERO));
      assertThat(o.limits()).isEqualTo(new ConnectionOptions.Limits(2, ConnectionOptions.DEFAULT_MAX_QUEUED_REQUESTS,
          ConnectionOptions.DEFAULT_MAX_QUEUED_BYTES, ConnectionOptions.DEFAULT_MAX_QUEUED_UPDATES,
          ConnectionOptions.DEFAULT_MAX_QUEUED_UPDATE_BYTES));

      ConnectionOptions other = o.newBuilder().address(new InetSocketAddress("127.0.0.1", 2)).callTimeout(Duration.ofSeconds(9)).build();
      assertThat(other.address()).isEqualTo(new InetSocketAddress("127.0.0.1", 2));
      assertThat(other.runtime()).isEqualTo(runtime);
      assertThat(other.timeouts()).isEqualTo(new ConnectionOptions.Timeouts(Duration.ofSeconds(9), Duration.ofSeconds(4), Duration.ZERO));
      assertThat(other.limits()).isEqualTo(o.limits());
      assertThat(o.callTimeout()).isEqualTo(Duration.ofSeconds(3)); // the original is unchanged
    } finally {
      group.shutdownGracefully();
    }
  }

  @Test
  void limitsAreCheckedWhereverTheyAreSet() {
    assertThatThrownBy(() -> new ConnectionOptions.Limits(-1, 1, 1, 2, 1)).hasMessageContaining("maxResends");
    assertThatThrownBy(() -> new ConnectionOptions.Limits(0, 0, 1, 2, 1)).hasMessageContaining("maxQueuedRequests");
    assertThatThrownBy(() -> new ConnectionOptions.Limits(0, 1, 0, 2, 1)).hasMessageContaining("maxQueuedBytes");
    assertThatThrownBy(() -> ConnectionOptions.builder("h", 1).maxQueuedUpdates(1)).hasMessageContaining("maxQueuedUpdates");
    assertThatThrownBy(() -> ConnectionOptions.builder("h", 1).maxQueuedUpdateBytes(0)).hasMessageContaining("maxQueuedUpdateBytes");
    assertThatThrownBy(() -> ConnectionOptions.builder("h", 1).build()).hasMessageContaining("eventLoopGroup");
  }
}
