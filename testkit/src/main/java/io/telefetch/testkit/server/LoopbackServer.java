package io.telefetch.testkit.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/** How testkit's MTProto servers listen: TCP on an ephemeral loopback port, no Nagle delay. */
final class LoopbackServer {
  static final String HOST = "127.0.0.1";

  private LoopbackServer() {}

  /** Binds a server whose accepted channels {@code init} sets up; returns the listening channel. */
  static Channel bind(EventLoopGroup boss, EventLoopGroup workers, Consumer<Channel> init)
      throws InterruptedException {
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            init.accept(ch);
          }
        });
    return b.bind(new InetSocketAddress(HOST, 0)).sync().channel();
  }

  /** The port a {@link #bind} channel listens on. */
  static int port(Channel serverChannel) {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }
}
