package io.telefetch.testkit.client;

import static io.telefetch.testkit.client.TestClients.await;
import static io.telefetch.testkit.client.TestClients.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.Proxy;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.transport.ClientTransportConfig;
import io.telefetch.mtproto.transport.MtProxySecret;
import io.telefetch.mtproto.transport.TransportKind;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.MtProxyServer;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.InputUserSelf;
import io.telefetch.tl.api.User;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.users.GetUsers;
import java.util.List;
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
            .transport(ClientTransportConfig.builder(TransportKind.PADDED_INTERMEDIATE).mtProxySecret(SECRET).build())
            .build()) {
      loginAndCallTwoDcs(cluster, client);
    }
  }

  @Test
  void mtProxyAsOneAddress() {
    try (TestCluster cluster = TestCluster.builder().dcs(1).mtProxySecret(SECRET).build().start();
        TelegramClient client = TestClients.builder(cluster)
            .proxy(Proxy.mtProxy(cluster.dc(1).host(), cluster.dc(1).port(), SECRET)).build()) {
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
          .proxy(Proxy.mtProxy(proxy.host(), proxy.port(), SECRET)).build()) {
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
          .mainDc(7).proxy(Proxy.mtProxy(proxy.host(), proxy.port(), SECRET)).build()) {
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
          .proxy(Proxy.mtProxy(proxy.host(), proxy.port(), fakeTls)).build()) {
        loginAndCallTwoDcs(cluster, client);
        assertThat(proxy.refusedConnections()).isZero();
      }
      // the same key without the TLS handshake is still an MTProxy client the proxy serves
      try (TelegramClient plainObfuscated = TestClients.builder(cluster)
          .proxy(Proxy.mtProxy(proxy.host(), proxy.port(), MtProxySecret.of(fakeTls.key()))).build()) {
        assertThat(((Config) await(plainObfuscated.invoke(2, new GetConfig()))).thisDc()).isEqualTo(2);
      }
      // another key's hello is refused before anything is routed
      try (TelegramClient wrong = TestClients.builder(cluster)
          .proxy(Proxy.mtProxy(proxy.host(), proxy.port(), MtProxySecret.fakeTls(new byte[16], "www.example.org"))).build()) {
        assertThat(failure(wrong.invoke(new GetConfig()))).isInstanceOf(ConnectionClosedException.class);
        assertThat(proxy.refusedConnections()).isPositive();
      }
    }
  }
}
