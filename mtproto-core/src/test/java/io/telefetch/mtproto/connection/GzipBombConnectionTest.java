package io.telefetch.mtproto.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.telefetch.mtproto.exchange.KeyExchangeException;
import io.telefetch.mtproto.session.Envelope;
import io.telefetch.mtproto.session.MsgIdGenerator;
import io.telefetch.mtproto.transport.ServerTransportConfig;
import io.telefetch.mtproto.transport.TransportFrame;
import io.telefetch.mtproto.transport.TransportPipeline;
import io.telefetch.testing.GzipBombs;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlWriter;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.NearestDcType;
import io.telefetch.tl.api.help.GetNearestDc;
import io.telefetch.tl.mtproto.Pong;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * gzip bombs against the real client: before any key exists (a plain TCP server with no keys
 * answering req_pq_multi) and in rpc_result over an encrypted session (FakeDc after a real key
 * exchange). Each fails with a typed error within a bound, and the client's event loop allocates
 * far less than the bomb.
 */
class GzipBombConnectionTest {
  /** What a decoder with one 32 MiB cap per gzip level would inflate here: 8 levels of 16 MiB. */
  private static final int LEVELS = 8;
  private static final int ZEROS_PER_LEVEL = 16 << 20;

  private static NioEventLoopGroup group;
  private static com.sun.management.ThreadMXBean threads;
  private static long loopThreadId;

  @BeforeAll
  static void start() throws Exception {
    group = new NioEventLoopGroup(1); // one event loop: all client work happens on one thread
    threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    loopThreadId = group.next().submit(() -> Thread.currentThread().getId()).get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void plainServerWithoutKeysAnsweringReqPqWithANestedBombFailsTheConnect() throws Exception {
    byte[] bomb = GzipBombs.nested(encode(new Pong(1, 2)), LEVELS, ZEROS_PER_LEVEL);
    assertThat(bomb.length).isLessThan(256 << 10);
    try (PlainServer server = new PlainServer(bomb)) {
      long before = loopAllocated();
      CompletableFuture<MtprotoConnection> f = MtprotoConnection.connect(
          ConnectionOptions.builder("127.0.0.1", server.port()).rsaKeys(FakeDc.trusted()).eventLoopGroup(group)
              .dcId(2).connectTimeout(Duration.ofSeconds(20)).build());
      Throwable e = failure(() -> f.get(15, TimeUnit.SECONDS));
      assertThat(e).isInstanceOf(KeyExchangeException.class);
      assertThat(((KeyExchangeException) e).reason()).isEqualTo(KeyExchangeException.Reason.MALFORMED);
      assertThat(e.getCause()).isInstanceOf(TlDecodeException.class)
          .hasMessageContaining("gzip_packed is not allowed");
      assertThat(server.answered).isTrue();
      // nothing was inflated: the event loop allocated a small multiple of the message at most
      assertThat(loopAllocated() - before).isLessThan(ZEROS_PER_LEVEL);
    }
  }

  @Test
  void nestedBombInAnRpcResultFailsTheCallAndKeepsTheConnection() throws Exception {
    byte[] bomb = GzipBombs.nested(encode(new NearestDc("ZZ", 2, 2)), LEVELS, ZEROS_PER_LEVEL);
    try (FakeDc dc = new FakeDc()) {
      dc.script = answering((peer, m) -> peer.send(peer.rpcResultRaw(m.msgId(), bomb), true));
      try (MtprotoConnection c = connect(dc)) {
        long before = loopAllocated();
        CompletableFuture<NearestDcType> f = c.invoke(new GetNearestDc());
        Throwable e = failure(() -> f.get(15, TimeUnit.SECONDS));
        assertThat(e).isInstanceOf(TlDecodeException.class).hasMessageContaining("gzip_packed inside gzip_packed");
        // one level (16 MiB) was inflated, then refused: not the 128 MiB of all levels
        assertThat(loopAllocated() - before).isLessThan(3L * ZEROS_PER_LEVEL);
        assertThat(c.isOpen()).isTrue();
        assertThat(c.trackedRequests()).isZero();
      }
    }
  }

  @Test
  void siblingBombsInOneContainerShareOnePacketBudget() throws Exception {
    // three rpc_results of 12 MiB each in one container: 36 MiB in one packet, the budget is 32 MiB
    byte[] result = GzipBombs.bomb(encode(new NearestDc("ZZ", 2, 2)), 12 << 20);
    try (FakeDc dc = new FakeDc()) {
      List<FakeDc.Received> calls = new ArrayList<>();
      dc.script = answering((peer, m) -> {
        calls.add(m);
        if (calls.size() == 3) {
          List<byte[]> bodies = new ArrayList<>();
          for (FakeDc.Received call : calls) {
            bodies.add(peer.rpcResultRaw(call.msgId(), result));
          }
          peer.send(peer.container(bodies, List.of(true, true, true), new ArrayList<>()), false);
        }
      });
      try (MtprotoConnection c = connect(dc)) {
        List<CompletableFuture<NearestDcType>> fs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          fs.add(c.invoke(new GetNearestDc()));
        }
        assertThat(((NearestDc) fs.get(0).get(15, TimeUnit.SECONDS)).country()).isEqualTo("ZZ");
        assertThat(((NearestDc) fs.get(1).get(15, TimeUnit.SECONDS)).country()).isEqualTo("ZZ");
        Throwable e = failure(() -> fs.get(2).get(15, TimeUnit.SECONDS));
        assertThat(e).isInstanceOf(TlDecodeException.class).hasMessageContaining("inflates past " + (32 << 20));
        assertThat(c.trackedRequests()).isZero();
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static MtprotoConnection connect(FakeDc dc) throws Exception {
    return MtprotoConnection.connect(dc.options(group).pingInterval(Duration.ZERO).build()).get(10, TimeUnit.SECONDS);
  }

  /** The default answers, except for help.getNearestDc, which goes to {@code calls}. */
  private static FakeDc.Script answering(FakeDc.Script calls) {
    return (peer, m) -> {
      if (m.unwrapped() instanceof GetNearestDc) {
        calls.onMessage(peer, m);
      } else {
        FakeDc.defaultAnswer(peer, m);
      }
    };
  }

  /** The cause of the ExecutionException {@code call} throws (fails the test if it returns). */
  private static Throwable failure(ThrowableAssert.ThrowingCallable call) {
    try {
      call.call();
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Throwable e) {
      throw new AssertionError("expected an ExecutionException", e);
    }
    throw new AssertionError("expected a failure, got a result");
  }

  /** Bytes allocated so far by the client's only event loop thread. */
  private static long loopAllocated() {
    return threads.getThreadAllocatedBytes(loopThreadId);
  }

  private static byte[] encode(TlObject o) {
    ByteBuf b = Unpooled.buffer();
    try {
      o.write(new TlWriter(b));
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  /** A server with no keys at all: answers the first unencrypted message with {@code data}. */
  private static final class PlainServer implements AutoCloseable {
    private final NioEventLoopGroup serverGroup = new NioEventLoopGroup(1);
    private final Channel channel;
    volatile boolean answered;

    PlainServer(byte[] data) {
      MsgIdGenerator ids = new MsgIdGenerator(Clock.systemUTC());
      channel = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              TransportPipeline.configureServer(ch.pipeline(), ServerTransportConfig.defaults());
              ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  ReferenceCountUtil.release(msg);
                  ByteBuf body = Unpooled.wrappedBuffer(data);
                  try {
                    answered = true; // before the write: the client may fail the connect before writeAndFlush returns
                    ctx.writeAndFlush(TransportFrame.of(Envelope.plain(ctx.alloc(), ids.nextServer(true), body)));
                  } finally {
                    body.release();
                  }
                }
              });
            }
          })
          .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    int port() {
      return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
      channel.close().syncUninterruptibly();
      serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
