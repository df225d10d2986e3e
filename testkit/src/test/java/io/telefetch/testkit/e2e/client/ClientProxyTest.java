package io.telefetch.testkit.e2e.client;

import static io.telefetch.testkit.e2e.client.TestClients.await;
import static io.telefetch.testkit.e2e.client.TestClients.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.Proxy;
import io.telefetch.mtproto.client.Transport;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.transport.ClientTransportConfig;
import io.telefetch.mtproto.transport.MtProxySecret;
import io.telefetch.mtproto.transport.TransportKind;
import io.telefetch.mtproto.transport.TransportPipeline;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.server.MtProxyServer;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.InputUserSelf;
import io.telefetch.tl.api.User;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.users.GetUsers;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Calls through a SOCKS5 proxy (with and without a password) and through MTProxy secrets. */
class ClientProxyTest {
  private static final GetUsers SELF = new GetUsers(List.of(new InputUserSelf()));
  private static final MtProxySecret SECRET = MtProxySecret.parse("dd8a96ef6e42a18c21837580cd1c91c5a8");

  /** Logs in as a bot on DC 1 and calls DC 1 and DC 2. */
  private static void loginAndCallTwoDcs(TestCluster cluster, TelegramClient client) {
    WorldUser bot = cluster.world().bot("proxy_bot_" + System.nanoTime() % 100000).dc(1).create();
    User me = await(client.login(Login.botToken(bot.botToken().orElseThrow())));
    assertThat(me.id()).isEqualTo(bot.id());
    assertThat(((User) await(client.dc(2).invoke(SELF)).get(0)).id()).isEqualTo(bot.id());
    assertThat(((Config) await(client.invoke(2, new GetConfig()))).thisDc()).isEqualTo(2);
  }

  @Test
  void socks5WithoutAuthentication() throws Exception {
    try (TestCluster cluster = TestCluster.builder().dcs(2).build().start();
        Socks5Relay socks = new Socks5Relay(null, null);
        TelegramClient client = TestClients.builder(cluster).proxy(Proxy.socks5(socks.host(), socks.port())).build()) {
      loginAndCallTwoDcs(cluster, client);
      assertThat(socks.targets).contains(cluster.dc(1).host() + ":" + cluster.dc(1).port(),
          cluster.dc(2).host() + ":" + cluster.dc(2).port());
    }
  }

  @Test
  void socks5WithUsernameAndPassword() throws Exception {
    try (TestCluster cluster = TestCluster.builder().dcs(2).build().start();
        Socks5Relay socks = new Socks5Relay("alice", "s3cret")) {
      try (TelegramClient wrong = TestClients.builder(cluster)
          .proxy(Proxy.socks5(socks.host(), socks.port(), "alice", "guess")).build()) {
        assertThat(failure(wrong.invoke(new GetConfig()))).isInstanceOf(ConnectionClosedException.class);
        assertThat(socks.authFailures.get()).isPositive();
        assertThat(socks.targets).isEmpty();
      }
      try (TelegramClient client = TestClients.builder(cluster)
          .proxy(Proxy.socks5(socks.host(), socks.port(), "alice", "s3cret")).build()) {
        loginAndCallTwoDcs(cluster, client);
        assertThat(socks.targets).hasSizeGreaterThanOrEqualTo(2);
      }
    }
  }

  @Test
  void mtProxySecretOnEveryDc() {
    try (TestCluster cluster = TestCluster.builder().dcs(2).mtProxySecret(SECRET).build().start();
        TelegramClient client = TestClients.builder(cluster)
            .transport(Transport.withMtProxySecret(Transport.Framing.PADDED_INTERMEDIATE, SECRET.toHex()))
            .build()) {
      loginAndCallTwoDcs(cluster, client);
    }
  }

  @Test
  void mtProxyAsOneAddress() {
    try (TestCluster cluster = TestCluster.builder().dcs(1).mtProxySecret(SECRET).build().start();
        TelegramClient client = TestClients.builder(cluster)
            .proxy(Proxy.mtProxy(cluster.dc(1).host(), cluster.dc(1).port(), SECRET.toHex())).build()) {
      WorldUser bot = cluster.world().bot("mtproxy_bot").dc(1).create();
      assertThat(await(client.login(Login.botToken(bot.botToken().orElseThrow()))).id()).isEqualTo(bot.id());
      assertThat(((Config) await(client.invoke(new GetConfig()))).thisDc()).isEqualTo(1);
    }
  }
  /** The cluster's MTProxy address serves every DC, routed by the DC id in the obfuscation header. */
  @Test
  void mtProxyAddressRoutesByHeaderDcId() {
    try (TestCluster cluster = TestCluster.builder().dcs(3).mtProxySecret(SECRET).build().start()) {
      MtProxyServer proxy = cluster.mtProxy().orElseThrow();
      try (TelegramClient client = TestClients.builder(cluster)
          .proxy(Proxy.mtProxy(proxy.host(), proxy.port(), SECRET.toHex())).build()) {
        loginAndCallTwoDcs(cluster, client);
        assertThat(((Config) await(client.invoke(3, new GetConfig()))).thisDc()).isEqualTo(3);
        // every DC was reached through the one address: each holds a key, none was contacted directly
        for (int dc = 1; dc <= 3; dc++) {
          assertThat(cluster.dc(dc).keys()).as("auth keys of DC %d", dc).isNotEmpty();
        }
        assertThat(proxy.refusedConnections()).isZero();
      }
    }
  }

  /** A header naming a DC the cluster lacks is closed, as Telegram's proxies do; so is a plain connection. */
  @Test
  void mtProxyAddressRefusesUnknownDcAndPlainConnections() {
    try (TestCluster cluster = TestCluster.builder().dcs(2).mtProxySecret(SECRET).build().start()) {
      MtProxyServer proxy = cluster.mtProxy().orElseThrow();
      try (TelegramClient client = TestClients.builder(cluster).dcOptions(DcOptions.of(
              DcOption.of(7, proxy.host(), proxy.port())))
          .mainDc(7).proxy(Proxy.mtProxy(proxy.host(), proxy.port(), SECRET.toHex())).build()) {
        assertThat(failure(client.invoke(new GetConfig()))).isInstanceOf(ConnectionClosedException.class);
        assertThat(proxy.refusedConnections()).isPositive();
      }
      try (TelegramClient plain = TestClients.builder(cluster).dcOptions(DcOptions.of(
              DcOption.of(1, proxy.host(), proxy.port()))).mainDc(1).build()) {
        long before = proxy.refusedConnections();
        assertThat(failure(plain.invoke(new GetConfig()))).isInstanceOf(ConnectionClosedException.class);
        assertThat(proxy.refusedConnections()).isGreaterThan(before);
      }
    }
  }

  /** A fake-TLS (ee) secret: the client starts with the TLS handshake, the proxy checks it and routes. */
  @Test
  void fakeTlsThroughTheMtProxyAddress() {
    MtProxySecret fakeTls = MtProxySecret.parse("ee8a96ef6e42a18c21837580cd1c91c5a8" + "7777772e6578616d706c652e6f7267");
    assertThat(fakeTls.fakeTlsDomain()).contains("www.example.org");
    try (TestCluster cluster = TestCluster.builder().dcs(2).mtProxySecret(fakeTls).build().start()) {
      MtProxyServer proxy = cluster.mtProxy().orElseThrow();
      try (TelegramClient client = TestClients.builder(cluster)
          .proxy(Proxy.mtProxy(proxy.host(), proxy.port(), fakeTls.toHex())).build()) {
        loginAndCallTwoDcs(cluster, client);
        assertThat(proxy.refusedConnections()).isZero();
      }
      // the same key without the TLS handshake is still an MTProxy client the proxy serves
      try (TelegramClient plainObfuscated = TestClients.builder(cluster)
          .proxy(Proxy.mtProxy(proxy.host(), proxy.port(), MtProxySecret.of(fakeTls.key()).toHex())).build()) {
        assertThat(((Config) await(plainObfuscated.invoke(2, new GetConfig()))).thisDc()).isEqualTo(2);
      }
      // another key's hello is refused before anything is routed
      try (TelegramClient wrong = TestClients.builder(cluster)
          .proxy(Proxy.mtProxy(proxy.host(), proxy.port(), MtProxySecret.fakeTls(new byte[16], "www.example.org").toHex())).build()) {
        assertThat(failure(wrong.invoke(new GetConfig()))).isInstanceOf(ConnectionClosedException.class);
        assertThat(proxy.refusedConnections()).isPositive();
      }
    }
  }

  /**
   * The first bytes of an obfuscated MTProxy client (padded intermediate) that names {@code dcId}:
   * the 64-byte header, then {@code plain} as the obfuscation encrypts it.
   */
  private static byte[] obfuscatedStart(MtProxySecret secret, int dcId, byte[] plain) {
    EmbeddedChannel ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel c) {
        TransportPipeline.configureClient(c.pipeline(),
            ClientTransportConfig.builder(TransportKind.PADDED_INTERMEDIATE).mtProxySecret(secret).dcId(dcId).build());
      }
    });
    try {
      if (plain.length > 0) {
        ch.pipeline().context(TransportPipeline.FRAME_DECODER).write(Unpooled.wrappedBuffer(plain));
      }
      ch.flush();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Object o; (o = ch.readOutbound()) != null; ) {
        ByteBuf b = (ByteBuf) o;
        out.writeBytes(ByteBufUtil.getBytes(b));
        b.release();
      }
      return out.toByteArray();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  private static void awaitCondition(Supplier<String> what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as(what).isTrue();
      Thread.sleep(10);
    }
  }

  /**
   * The header's DC id: plus 10000 for a test DC (served like the production one), negative for the
   * media-only option, or the main server when the DC has none.
   */
  @Test
  void mtProxyAddressRoutesTestAndMediaDcIds() throws Exception {
    try (TestCluster cluster = TestCluster.builder().dcs(2).mediaDc(2).mtProxySecret(SECRET).build().start()) {
      MtProxyServer proxy = cluster.mtProxy().orElseThrow();
      DcServer dc1 = cluster.dc(1);
      DcServer media2 = cluster.mediaDc(2).orElseThrow();
      List<Socket> sockets = new ArrayList<>();
      try {
        int[][] cases = {{10001, 1, 0}, {-1, 2, 0}, {-2, 2, 1}, {-10002, 2, 2}}; // id, then how many DC 1 and media 2 serve
        for (int[] c : cases) {
          Socket s = new Socket(proxy.host(), proxy.port());
          sockets.add(s);
          s.getOutputStream().write(obfuscatedStart(SECRET, c[0], new byte[0]));
          s.getOutputStream().flush();
          awaitCondition(() -> "DC id " + c[0] + " routed: DC 1 has " + dc1.openConnections() + ", media 2 has "
              + media2.openConnections() + ", refused " + proxy.refusedConnections(),
              () -> dc1.openConnections() == c[1] && media2.openConnections() == c[2]);
        }
        assertThat(cluster.dc(2).openConnections()).isZero();
        assertThat(proxy.refusedConnections()).isZero();
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  /**
   * A connection refused for its DC id is counted once, even when what came with its header
   * breaks the transport too (those bytes are dropped, not handed to a session).
   */
  @Test
  void mtProxyAddressCountsARefusedConnectionOnce() throws Exception {
    try (TestCluster cluster = TestCluster.builder().dcs(2).mtProxySecret(SECRET).build().start()) {
      MtProxyServer proxy = cluster.mtProxy().orElseThrow();
      // DC 7, then a packet length (0x7fffffff) no server accepts
      byte[] start = obfuscatedStart(SECRET, 7, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
      try (Socket s = new Socket(proxy.host(), proxy.port())) {
        s.setSoTimeout(5000);
        s.getOutputStream().write(start);
        s.getOutputStream().flush();
        assertThat(s.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
      }
      awaitCondition(() -> "the refusal counted", () -> proxy.refusedConnections() > 0);
      Thread.sleep(200); // anything counted twice is counted by now
      assertThat(proxy.refusedConnections()).isEqualTo(1);
    }
  }
}
