package io.telefetch.testkit.e2e.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.telefetch.mtproto.connection.ConnectionOptions;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** Shared helpers of the engine end-to-end tests. */
final class Engine {
  private Engine() {}

  /** Options for a connection to {@code dc}, trusting the cluster's key; no keep-alive unless asked. */
  static ConnectionOptions.Builder options(TestCluster cluster, DcServer dc, EventLoopGroup group) {
    return ConnectionOptions.builder(new InetSocketAddress(dc.host(), dc.port()))
        .dcId(dc.id())
        .rsaKeys(cluster.rsaKeys())
        .eventLoopGroup(group)
        .pingInterval(Duration.ZERO)
        .callTimeout(Duration.ofSeconds(20));
  }

  static MtprotoConnection connect(ConnectionOptions.Builder options) {
    try {
      return MtprotoConnection.connect(options.build()).get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cannot connect", e);
    }
  }

  static void await(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      try {
        Thread.sleep(10); // a poll interval on real I/O (server threads, sockets), not protocol time
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Counts the bytes a connection writes to its socket (installed by the pipeline customizer). */
  static final class WrittenBytes extends ChannelOutboundHandlerAdapter {
    final AtomicLong bytes = new AtomicLong();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof ByteBuf b) {
        bytes.addAndGet(b.readableBytes());
      }
      ctx.write(msg, promise);
    }

    @Override
    public boolean isSharable() {
      return true;
    }
  }
}
