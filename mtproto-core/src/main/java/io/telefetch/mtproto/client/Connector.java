package io.telefetch.mtproto.client;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.telefetch.mtproto.connection.ConnectionOptions;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.rpc.CallRoute;
import io.telefetch.mtproto.transport.ClientTransportConfig;
import io.telefetch.mtproto.transport.TransportKind;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.InitConnection;
import io.telefetch.tl.api.InvokeWithLayer;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * Opens one {@link MtprotoConnection} to one DC address: applies the transport, proxy, timeouts,
 * the invokeWithLayer(initConnection(...)) wrapper of the first call and the update routing.
 */
final class Connector {
  private final ClientOptions options;
  private final EventLoopGroup group;
  private final UpdateDispatcher updates;
  /** What every connection of the client shares, built once. */
  private final ConnectionOptions.Runtime runtime;
  private final ConnectionOptions.Timeouts timeouts;

  Connector(ClientOptions options, EventLoopGroup group, UpdateDispatcher updates) {
    this.options = options;
    this.group = group;
    this.updates = updates;
    this.runtime = new ConnectionOptions.Runtime(group, options.callbackExecutor, options.clock, options.random);
    this.timeouts = options.connection.timeouts();
  }

  /**
   * Connects to {@code address} of DC {@code dcId}; with {@code key} null a new auth key is created
   * on this connection. Only file-transfer connections decode large {@code bytes} as zero-copy
   * slices. The future completes on the callback executor.
   */
  CompletableFuture<MtprotoConnection> connect(int dcId, Purpose purpose, DcOption address, boolean cdn,
      RsaKeys rsaKeys, SessionData.DcKey key) {
    int wireDc = wireDcId(dcId, address, cdn);
    ConnectionTemplate t = options.connection;
    ConnectionOptions.Builder b = ConnectionOptions.builder(target(address))
        .transport(transport(wireDc))
        .dcId(wireDc)
        .rsaKeys(rsaKeys)
        .runtime(runtime)
        .timeouts(timeouts)
        .zeroCopyThreshold(purpose == Purpose.DOWNLOAD ? t.zeroCopyThreshold() : Integer.MAX_VALUE)
        .updateListener(u -> updates.dispatch(dcId, cdn, u))
        .firstCallWrapper(cdn ? this::wrapCdn : this::wrap);
    if (key != null) {
      b.authKey(key.authKey(), key.serverSalt(), key.timeOffsetMillis());
    }
    UnaryOperator<ChannelPipeline> socks = socks();
    if (socks != null) {
      b.pipelineCustomizer(socks);
    }
    CompletableFuture<MtprotoConnection> result = new CompletableFuture<>();
    CallRoute route = new CallRoute(dcId, cdn ? CallRoute.Kind.CDN
        : purpose == Purpose.DOWNLOAD ? CallRoute.Kind.DOWNLOAD : CallRoute.Kind.MAIN);
    MtprotoConnection.connect(b.build()).whenComplete((c, e) -> options.callbackExecutor.execute(() -> {
      if (e != null) {
        options.events.connectFailed(route, Failures.unwrap(e));
        result.completeExceptionally(Failures.unwrap(e));
      } else {
        options.events.connected(route);
        result.complete(c);
      }
    }));
    return result;
  }

  /** The {@code dc} of the key exchange and obfuscation header: +10000 on test servers, negative for media-only. */
  int wireDcId(int dcId, DcOption address, boolean cdn) {
    int id = dcId + (options.testMode ? 10000 : 0);
    return address.mediaOnly() && !cdn ? -id : id;
  }

  private InetSocketAddress target(DcOption address) {
    Proxy proxy = options.connection.proxy();
    if (proxy != null && options.connection.viaMtProxy()) {
      return InetSocketAddress.createUnresolved(proxy.host(), proxy.port());
    }
    return InetSocketAddress.createUnresolved(address.host(), address.port());
  }

  private ClientTransportConfig transport(int wireDc) {
    ClientTransportConfig base = options.connection.transport().config();
    Proxy proxy = options.connection.proxy();
    if (proxy != null && options.connection.viaMtProxy()) {
      TransportKind kind = proxy.secret().paddingRequired() ? TransportKind.PADDED_INTERMEDIATE
          : base.kind() == TransportKind.FULL ? TransportKind.INTERMEDIATE : base.kind();
      return ClientTransportConfig.builder(kind).options(base.options()).mtProxySecret(proxy.secret()).dcId(wireDc).build();
    }
    if (base.obfuscated()) {
      return base.newBuilder().dcId(wireDc).build();
    }
    return base;
  }

  private UnaryOperator<ChannelPipeline> socks() {
    Proxy proxy = options.connection.proxy();
    if (proxy == null || proxy.type() != Proxy.Type.SOCKS5) {
      return null;
    }
    return pipeline -> {
      InetSocketAddress at = new InetSocketAddress(proxy.host(), proxy.port());
      Socks5ProxyHandler handler = proxy.username() == null ? new Socks5ProxyHandler(at)
          : new Socks5ProxyHandler(at, proxy.username(), proxy.password());
      handler.setConnectTimeoutMillis(options.connection.connectTimeout().toMillis());
      pipeline.addFirst("socks5", handler);
      return pipeline;
    };
  }

  private TlMethod<?> wrap(TlMethod<?> query) {
    AppIdentity id = options.identity;
    return init(query, id.deviceModel(), id.systemVersion(), id.appVersion(), id.systemLangCode(), id.langPack(),
        id.langCode());
  }

  /** A CDN gets nothing that identifies the device or the user. */
  private TlMethod<?> wrapCdn(TlMethod<?> query) {
    return init(query, "Telefetch", "unknown", "unknown", "en", "", "en");
  }

  private <X> TlMethod<X> init(TlMethod<X> query, String device, String system, String app, String systemLang,
      String langPack, String lang) {
    InitConnection<X> init = new InitConnection<>(options.identity.apiId(), device, system, app, systemLang, langPack, lang,
        null, null, query);
    return new InvokeWithLayer<>(options.identity.layer(), init);
  }
}
