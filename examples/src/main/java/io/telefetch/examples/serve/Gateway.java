package io.telefetch.examples.serve;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.telefetch.mtproto.client.TelegramClient;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP streaming gateway: Telegram links in, bytes out. Usable from Java: {@link #start} binds
 * and returns a running gateway, {@link #port} is the bound port, {@link #close} stops it. The
 * client is the caller's (logged in, not closed here).
 *
 * <p>Endpoints: {@code GET /} the web page (and its assets), {@code GET /v1/info?link=}, {@code
 * GET|HEAD /v1/media?link=[&i=N][&dl=1][&remux=F]}, {@code GET /v1/accounts}, {@code GET /metrics}. See {@link GatewayHandler}.
 */
public final class Gateway implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel server;
  private final GatewayMetrics metrics;

  private Gateway(EventLoopGroup boss, EventLoopGroup workers, Channel server, GatewayMetrics metrics) {
    this.boss = boss;
    this.workers = workers;
    this.server = server;
    this.metrics = metrics;
  }

  /**
   * Binds {@code options.bind():options.port()} and serves {@code client}'s view of Telegram.
   *
   * @param metrics the metrics (its {@link GatewayMetrics#eventListener} should be the client's)
   * @throws GatewayException (500, {@code bind_failed}) when the address cannot be bound
   */
  public static Gateway start(TelegramClient client, ServeOptions options, GatewayMetrics metrics) {
    return start(GatewayUpstream.of(client), options, metrics);
  }

  /**
   * Binds {@code options.bind():options.port()} and serves what {@code upstream} resolves and
   * downloads (one account, or a {@link PoolNode}; not closed here).
   *
   * @throws GatewayException (500, {@code bind_failed}) when the address cannot be bound
   */
  public static Gateway start(GatewayUpstream upstream, ServeOptions options, GatewayMetrics metrics) {
    metrics.watchAccounts(upstream);
    GatewayHandler.Shared shared = new GatewayHandler.Shared(upstream, options, metrics,
        new ClientLimits(options), new UrlSigner(new SecureRandom(), options.clock(), options.signedUrlTtl()));
    EventLoopGroup boss = new NioEventLoopGroup(1);
    EventLoopGroup workers = new NioEventLoopGroup(2);
    try {
      Channel ch = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              c.pipeline().addLast(new HttpServerCodec(4096, 8192, 8192))
                  .addLast(new HttpObjectAggregator(16 * 1024))
                  .addLast(new GatewayHandler(shared));
            }
          }).bind(options.bind(), options.port()).sync().channel();
      return new Gateway(boss, workers, ch, metrics);
    } catch (Exception e) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new GatewayException(500, "bind_failed", "cannot listen on " + options.bind() + ":" + options.port()
          + ": " + e.getMessage(), null, e);
    }
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** The bound address and port. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** The metrics. */
  public GatewayMetrics metrics() {
    return metrics;
  }

  /** Stops listening, closes open connections (cancelling their downloads) and waits for the threads. */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
