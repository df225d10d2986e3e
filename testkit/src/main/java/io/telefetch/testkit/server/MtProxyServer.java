package io.telefetch.testkit.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import io.telefetch.mtproto.transport.MtProxySecret;
import io.telefetch.mtproto.transport.ServerTransportConfig;
import io.telefetch.mtproto.transport.TransportDetected;
import io.telefetch.mtproto.transport.TransportOptions;
import io.telefetch.mtproto.transport.TransportPipeline;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One address for every DC, as an MTProxy is: clients connect obfuscated with the proxy's secret
 * and name the DC they want at offset 60 of the obfuscation header (negative for a media-only
 * option, plus 10000 for test DCs, which this proxy treats like production ones). The connection
 * is then served by that DC's own session handler, with that DC's faults and shaping, exactly as if
 * it had connected to the DC's port; a real proxy would relay the bytes to the DC instead, which
 * the client cannot tell apart.
 *
 * <p>Refused: plain (non-obfuscated) connections, headers that do not decrypt with the secret, and
 * DC ids the cluster does not have (the connection is closed; Telegram's own proxy instead sends
 * ids missing from its configuration to its configured default DC, so a client that gets away with
 * a wrong id there fails here). A negative id for a DC without a media-only option is served by the
 * DC's main server (Telegram's proxy would use its default DC for an id its configuration lacks).
 */
public final class MtProxyServer implements AutoCloseable {
  private final MtProxySecret secret;
  private final Clock clock;
  private final Supplier<List<DcServer>> dcs;
  private final AtomicLong refused = new AtomicLong();
  private Channel serverChannel;

  /**
   * @param secret the secret clients must use; a fake-TLS ({@code ee}) secret makes clients start
   *     with its TLS handshake
   * @param clock the time fake-TLS handshakes are checked against
   * @param dcs the servers to route to (read at each connection, so DCs added later are found)
   */
  public MtProxyServer(MtProxySecret secret, Clock clock, Supplier<List<DcServer>> dcs) {
    this.secret = Objects.requireNonNull(secret, "secret");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.dcs = Objects.requireNonNull(dcs, "dcs");
  }

  /** Binds to an ephemeral loopback port. */
  public MtProxyServer start(EventLoopGroup boss, EventLoopGroup workers) throws InterruptedException {
    ServerTransportConfig transport =
        ServerTransportConfig.builder().mtProxySecret(secret).obfuscationRequired(true)
            .options(TransportOptions.builder().clock(clock).build()).build();
    serverChannel = LoopbackServer.bind(boss, workers, ch -> {
      TransportPipeline.configureServer(ch.pipeline(), transport);
      ch.pipeline().addLast("mtproxy-route", new Router());
    });
    return this;
  }

  public String host() {
    return LoopbackServer.HOST;
  }

  public int port() {
    return LoopbackServer.port(serverChannel);
  }

  /** The secret clients must use. */
  public MtProxySecret secret() {
    return secret;
  }

  /**
   * How many connections were closed before reaching a DC: a DC id the cluster does not have, a
   * plain connection, or a header that does not decrypt with the secret.
   */
  public long refusedConnections() {
    return refused.get();
  }

  /**
   * The server a header's DC id routes to: a media-only option of |id| for a negative id when the
   * DC has one, else its main server; empty for an unknown DC (CDN DCs are reached directly, never
   * through a proxy).
   */
  Optional<DcServer> route(int headerDcId) {
    int id = Math.abs(headerDcId);
    if (id > 10000) {
      id -= 10000;
    }
    int wanted = id;
    List<DcServer> all = dcs.get();
    Optional<DcServer> main = all.stream()
        .filter(d -> d.id() == wanted && !d.mediaOnly() && !d.cdn()).findFirst();
    if (headerDcId < 0) {
      Optional<DcServer> media = all.stream().filter(d -> d.id() == wanted && d.mediaOnly()).findFirst();
      if (media.isPresent()) {
        return media;
      }
    }
    return main;
  }

  /**
   * Waits for the transport detection, then hands the connection to the DC its header names and
   * stays in the pipeline as a pass-through. A connection refused here (or by the DC, when it is
   * down) is counted once; frames already decoded from the bytes that came with the header, and
   * errors that follow, are dropped rather than reaching a session that does not exist.
   */
  private final class Router extends ChannelInboundHandlerAdapter {
    private boolean closed;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof TransportDetected detected && !closed) {
        Optional<DcServer> target = route(detected.dcId());
        if (target.isEmpty()) {
          refuse(ctx);
          return;
        }
        if (!target.get().adoptProxied(ctx.channel())) {
          closed = true; // the DC is down and closed it
          return;
        }
      }
      super.userEventTriggered(ctx, evt);
    }

    /** Passes {@code msg} on to the DC's session, or releases it once the connection is refused. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (closed) {
        ReferenceCountUtil.release(msg);
        return;
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
      if (closed) {
        return;
      }
      if (ctx.pipeline().get("dc-session") != null) {
        super.exceptionCaught(ctx, cause); // routed: the DC's session handler decides
      } else {
        refuse(ctx); // a plain connection or a header that does not decrypt
      }
    }

    private void refuse(ChannelHandlerContext ctx) {
      closed = true;
      refused.incrementAndGet();
      ctx.close();
    }
  }

  @Override
  public void close() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
  }

  @Override
  public String toString() {
    return "MTProxy on " + host() + ":" + (serverChannel == null ? "-" : port());
  }
}
