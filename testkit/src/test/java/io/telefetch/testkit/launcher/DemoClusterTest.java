package io.telefetch.testkit.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.connection.ConnectionOptions;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPublicKey;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.InputMessageID;
import io.telefetch.tl.api.channels.GetMessages;
import io.telefetch.tl.api.help.GetConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The launcher's cluster in process: defaults, what the config says about the world, login rules, latency. */
class DemoClusterTest {
  @Test
  void defaultsAreOneVideoOnDc2OfThreeAndTheConfigMatchesTheWorld() {
    try (DemoCluster demo = DemoCluster.builder().latency(Duration.ofMillis(300)).build().start()) {
      LaunchConfig c = demo.config();
      assertThat(c.dcs()).extracting(LaunchConfig.Dc::id).containsExactly(1, 2, 3);
      assertThat(c.cdnRsa()).isNull();
      assertThat(c.guestAccess()).isFalse();
      assertThat(c.apiId()).isEqualTo(DemoCluster.DEFAULT_API_ID);
      assertThat(c.apiHash()).isEqualTo(DemoCluster.DEFAULT_API_HASH).hasSize(32);
      assertThat(c.webBaseUrl()).isEqualTo(demo.cluster().webBaseUrl());
      assertThat(demo.cluster().world().botByToken(c.botToken())).isPresent();

      LaunchConfig.Channel channel = c.channels().get(0);
      assertThat(channel.id()).isEqualTo(demo.channel().id());
      assertThat(channel.accessHash()).isEqualTo(Long.toString(demo.channel().accessHash()));
      assertThat(channel.dc()).isEqualTo(2);
      LaunchConfig.Message m = channel.messages().get(0);
      WorldDocument video = demo.posts().get(0).document().orElseThrow();
      assertThat(m.fileName()).isEqualTo("demo.mp4");
      assertThat(m.size()).isEqualTo(64L << 20).isEqualTo(video.size());
      assertThat(m.mimeType()).isEqualTo("video/mp4");
      assertThat(video.video()).isPresent();
      assertThat(m.dc()).isEqualTo(2);
      assertThat(m.sha256()).isEqualTo(video.content().sha256Hex());
      System.out.printf("SHA-256 of the default 64 MiB video: %d ms%n", demo.hashTime().toMillis());

      NioEventLoopGroup group = new NioEventLoopGroup(1);
      LaunchConfig.Dc dc2 = c.dcs().get(1);
      ConnectionOptions options = ConnectionOptions.builder(dc2.host(), dc2.port()).dcId(2)
          .rsaKeys(RsaKeys.empty().add(RsaPublicKey.parsePem(c.rsa().publicKeyPem()))).eventLoopGroup(group)
          .connectTimeout(Duration.ofSeconds(60)).callTimeout(Duration.ofSeconds(60)).build();
      try (MtprotoConnection conn = MtprotoConnection.connect(options).join()) {
        long t0 = System.nanoTime();
        conn.invoke(new GetConfig()).join();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("--latency").isGreaterThanOrEqualTo(Duration.ofMillis(300));
        // without --guest-access a logged-out key reads nothing
        Throwable t = catchThrowable(() -> conn.invoke(new GetMessages(
            new InputChannel(channel.id(), Long.parseLong(channel.accessHash())), List.of(new InputMessageID(1)))).join());
        assertThat(t).hasCauseInstanceOf(RpcException.class);
        assertThat(((RpcException) t.getCause()).errorMessage()).isEqualTo("AUTH_KEY_UNREGISTERED");
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
  }

  @Test
  void toJsonAndParseRoundTrip() {
    try (DemoCluster demo = DemoCluster.builder().dcs(2).file(FileSpec.parse("a.bin:100:1:cdn"))
        .file(FileSpec.parse("b.mkv:2000")).guestAccess(true).build().start()) {
      LaunchConfig c = demo.config();
      assertThat(LaunchConfig.parse(c.toJson())).isEqualTo(c);
      assertThat(c.dcs()).extracting(LaunchConfig.Dc::id).containsExactly(1, 2, 203);
      assertThat(c.cdnRsa()).isNotNull();
      assertThat(c.channels().get(0).messages()).extracting(LaunchConfig.Message::mimeType)
          .containsExactly("application/octet-stream", "video/x-matroska");
      assertThat(c.channels().get(0).messages()).extracting(LaunchConfig.Message::cdn).containsExactly(true, false);
      assertThat(demo.posts().get(1).document().orElseThrow().video()).isPresent();
    }
  }

  @Test
  void accountsAreDistinctBotsListedByName() {
    try (DemoCluster demo = DemoCluster.builder().dcs(1).file(FileSpec.parse("a.bin:100"))
        .accounts(List.of("a", "b", "c")).build().start()) {
      LaunchConfig c = demo.config();
      assertThat(c.accounts()).extracting(LaunchConfig.Account::name).containsExactly("a", "b", "c");
      assertThat(c.accounts()).extracting(LaunchConfig.Account::username)
          .containsExactly("telefetch_pool1_bot", "telefetch_pool2_bot", "telefetch_pool3_bot");
      java.util.Set<Long> ids = new java.util.HashSet<>();
      for (LaunchConfig.Account a : c.accounts()) {
        ids.add(demo.cluster().world().botByToken(a.botToken()).orElseThrow().id());
      }
      assertThat(ids).hasSize(3).doesNotContain(demo.cluster().world().botByToken(c.botToken()).orElseThrow().id());
      assertThat(c.account("b")).contains(c.accounts().get(1));
      assertThat(c.account("d")).isEmpty();
      LaunchConfig parsed = LaunchConfig.parse(c.toJson());
      assertThat(parsed).isEqualTo(c);
      assertThat(c.toJson()).contains("\"accounts\"").contains("\"bot_token\"");
    }
    assertThat(catchThrowable(() -> DemoCluster.builder().accounts(List.of("a", "a"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(catchThrowable(() -> DemoCluster.builder().accounts(List.of("a b"))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
