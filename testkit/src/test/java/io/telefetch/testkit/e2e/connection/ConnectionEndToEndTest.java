package io.telefetch.testkit.e2e.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.connection.ConnectionOptions;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.mtproto.transport.ClientTransportConfig;
import io.telefetch.mtproto.transport.TransportKind;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.ConfigType;
import io.telefetch.tl.api.InitConnection;
import io.telefetch.tl.api.InvokeWithLayer;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.help.GetNearestDc;
import io.telefetch.tl.api.ApiSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The MTProto engine against a real testkit DC, once per transport and obfuscation. */
class ConnectionEndToEndTest {
  private static TestCluster cluster;
  private static NioEventLoopGroup group;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(2).build().start();
    group = new NioEventLoopGroup(2);
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    cluster.close();
  }

  static Stream<Arguments> transports() {
    List<Arguments> args = new ArrayList<>();
    for (TransportKind kind : TransportKind.values()) {
      args.add(Arguments.of(kind, false));
      if (kind != TransportKind.FULL) {
        args.add(Arguments.of(kind, true));
      }
    }
    return args.stream();
  }

  private static MtprotoConnection connect(DcServer dc, ClientTransportConfig transport) {
    ConnectionOptions options = ConnectionOptions.builder(dc.host(), dc.port())
        .transport(transport)
        .dcId(dc.id())
        .rsaKeys(cluster.rsaKeys())
        .eventLoopGroup(group)
        .callTimeout(Duration.ofSeconds(20))
        .build();
    return MtprotoConnection.connect(options).join();
  }

  private static InvokeWithLayer<ConfigType> initialised(GetConfig query) {
    InitConnection<ConfigType> init = InitConnection.<ConfigType>builder().apiId(1).deviceModel("test")
        .systemVersion("1").appVersion("1").systemLangCode("en").langPack("").langCode("en").query(query).build();
    return new InvokeWithLayer<>(ApiSchema.LAYER, init);
  }

  @ParameterizedTest(name = "{0} obfuscated={1}")
  @MethodSource("transports")
  void createsKeyAndCallsGetConfigConcurrently(TransportKind kind, boolean obfuscated) {
    DcServer dc = cluster.dc(1);
    long keysBefore = dc.keys().size();
    long t0 = System.nanoTime();
    try (MtprotoConnection c = connect(dc, ClientTransportConfig.builder(kind).obfuscated(obfuscated).build())) {
      long keyMillis = (System.nanoTime() - t0) / 1_000_000;
      assertThat(dc.keys()).containsKey(c.authKey().id());
      assertThat(dc.keys().size()).isEqualTo(keysBefore + 1);
      ConfigType first = c.invoke(initialised(new GetConfig())).join();
      assertThat(((Config) first).thisDc()).isEqualTo(1);
      assertThat(((Config) first).dcOptions()).hasSize(2);
      List<CompletableFuture<ConfigType>> calls = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        calls.add(c.invoke(new GetConfig()));
      }
      for (CompletableFuture<ConfigType> f : calls) {
        assertThat(((Config) f.join()).thisDc()).isEqualTo(1);
      }
      System.out.printf("%s obfuscated=%s: key created and connected in %d ms%n", kind, obfuscated, keyMillis);
    }
  }

  @Test
  void answersAreMatchedByMsgIdAcrossMethods() {
    try (MtprotoConnection c = connect(cluster.dc(2), ClientTransportConfig.of(TransportKind.INTERMEDIATE))) {
      List<CompletableFuture<?>> calls = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        calls.add(i % 2 == 0 ? c.invoke(new GetConfig()) : c.invoke(new GetNearestDc()));
      }
      for (int i = 0; i < calls.size(); i++) {
        Object r = calls.get(i).join();
        if (i % 2 == 0) {
          assertThat(r).isInstanceOf(Config.class);
        } else {
          assertThat(r).isInstanceOf(io.telefetch.tl.api.NearestDc.class);
          assertThat(((io.telefetch.tl.api.NearestDc) r).thisDc()).isEqualTo(2);
        }
      }
    }
  }

  @Test
  void survivesBadServerSaltAndSessionReset() {
    DcServer dc = cluster.dc(1);
    try (MtprotoConnection c = connect(dc, ClientTransportConfig.of(TransportKind.ABRIDGED))) {
      c.invoke(new GetConfig()).join();
      long saltBefore = c.serverSalt();
      dc.faults().badServerSalt(1);
      assertThat(((Config) c.invoke(new GetConfig()).join()).thisDc()).isEqualTo(1);
      assertThat(c.serverSalt()).isNotEqualTo(saltBefore);
      dc.faults().resetSession();
      assertThat(((Config) c.invoke(new GetConfig()).join()).thisDc()).isEqualTo(1);
      assertThat(c.isOpen()).isTrue();
    }
  }

  @Test
  void unknownMethodIsATypedError() {
    try (MtprotoConnection c = connect(cluster.dc(1), ClientTransportConfig.of(TransportKind.INTERMEDIATE))) {
      assertThatThrownBy(() -> c.invoke(new io.telefetch.tl.api.help.GetAppConfig(0)).join())
          .hasCauseInstanceOf(RpcException.class).hasMessageContaining("METHOD_INVALID");
    }
  }

  @Test
  void forgottenKeyClosesWithTransportError() {
    DcServer dc = cluster.dc(2);
    try (MtprotoConnection c = connect(dc, ClientTransportConfig.of(TransportKind.INTERMEDIATE))) {
      c.invoke(new GetConfig()).join();
      dc.faults().forgetKeys();
      assertThatThrownBy(() -> c.invoke(new GetConfig()).join())
          .hasCauseInstanceOf(ConnectionClosedException.class)
          .hasStackTraceContaining("-404");
      c.closeFuture().join();
    }
  }
}
