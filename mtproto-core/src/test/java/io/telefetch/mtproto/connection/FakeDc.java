package io.telefetch.mtproto.connection;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.crypto.MtprotoCrypto;
import io.telefetch.mtproto.crypto.MtprotoCrypto.Direction;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPrivateKey;
import io.telefetch.mtproto.exchange.ServerKeyExchange;
import io.telefetch.mtproto.session.Envelope;
import io.telefetch.mtproto.session.MsgIdGenerator;
import io.telefetch.mtproto.session.SeqNo;
import io.telefetch.mtproto.session.Wire;
import io.telefetch.mtproto.transport.ServerTransportConfig;
import io.telefetch.mtproto.transport.TransportFrame;
import io.telefetch.mtproto.transport.TransportPipeline;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlRegistry;
import io.telefetch.tl.api.InitConnection;
import io.telefetch.tl.api.InvokeWithLayer;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.help.GetNearestDc;
import io.telefetch.tl.mtproto.FutureSalt;
import io.telefetch.tl.mtproto.FutureSalts;
import io.telefetch.tl.mtproto.GetFutureSalts;
import io.telefetch.tl.mtproto.Ping;
import io.telefetch.tl.mtproto.PingDelayDisconnect;
import io.telefetch.tl.mtproto.Pong;
import io.telefetch.tl.mtproto.RpcAnswerUnknown;
import io.telefetch.tl.mtproto.RpcDropAnswer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A scriptable MTProto server on loopback for connection tests: it runs the real server side of
 * the key exchange, decrypts what the client sends (recording every message, containers
 * unpacked), and lets a test answer with valid or deliberately broken packets.
 */
final class FakeDc implements AutoCloseable {
  private static RsaPrivateKey rsaKey;

  /** What the client sent: one message (containers are unpacked into their messages). */
  record Received(long msgId, int seqNo, TlObject object, long salt, long sessionId, long containerId) {
    boolean inContainer() {
      return containerId != 0;
    }

    /** The call under invokeWithLayer/initConnection wrappers. */
    TlObject unwrapped() {
      TlObject o = object;
      while (true) {
        if (o instanceof InvokeWithLayer<?> w) {
          o = w.query();
        } else if (o instanceof InitConnection<?> i) {
          o = i.query();
        } else {
          return o;
        }
      }
    }
  }

  /** Reacts to each message the client sent. Runs on the server's event loop. */
  @FunctionalInterface
  interface Script {
    void onMessage(Peer peer, Received message);
  }

  private final NioEventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel server;
  private final UnaryOperator<ServerKeyExchange.Options.Builder> exchangeOptions;
  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  final List<Peer> peers = new CopyOnWriteArrayList<>();
  /** Whether to answer the key exchange at all. */
  volatile boolean silent;
  volatile Script script = FakeDc::defaultAnswer;
  /** Rewrites each key-exchange answer before it is sent (a hostile exchange); identity by default. */
  volatile UnaryOperator<TlObject> plainAnswers = UnaryOperator.identity();
  /** Every unencrypted (key-exchange) request received, in order. */
  final List<TlObject> plainRequests = new CopyOnWriteArrayList<>();

  FakeDc() {
    this(UnaryOperator.identity());
  }

  FakeDc(UnaryOperator<ServerKeyExchange.Options.Builder> exchangeOptions) {
    this.exchangeOptions = exchangeOptions;
    ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            TransportPipeline.configureServer(ch.pipeline(), ServerTransportConfig.builder().build());
            Peer peer = new Peer();
            peers.add(peer);
            ch.pipeline().addLast("fake-dc", peer);
          }
        });
    server = b.bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
  }

  static synchronized RsaPrivateKey rsaKey() {
    if (rsaKey == null) {
      rsaKey = RsaPrivateKey.generate(new SecureRandom());
    }
    return rsaKey;
  }

  static RsaKeys trusted() {
    return RsaKeys.empty().add(rsaKey().publicKey());
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Options for a client of this server. */
  ConnectionOptions.Builder options(NioEventLoopGroup clientGroup) {
    return ConnectionOptions.builder("127.0.0.1", port()).rsaKeys(trusted()).eventLoopGroup(clientGroup).dcId(2)
        .callTimeout(Duration.ofSeconds(10)).connectTimeout(Duration.ofSeconds(10));
  }

  /** The next message the client sends whose (unwrapped) object is a {@code type}, waiting up to 5 s. */
  <T> Received next(Class<T> type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      Received r = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (r == null) {
        throw new AssertionError("the client sent no " + type.getSimpleName());
      }
      if (type.isInstance(r.unwrapped()) || type.isInstance(r.object())) {
        return r;
      }
    }
  }

  /** All received messages so far whose object is a {@code type}. */
  <T> List<T> drain(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Received r : received) {
      if (type.isInstance(r.object())) {
        out.add(type.cast(r.object()));
      }
    }
    return out;
  }

  Peer peer() {
    return peers.get(peers.size() - 1);
  }

  /** The default behaviour: pongs, future salts, help.getNearestDc, rpc_drop_answer; everything else is ignored. */
  static void defaultAnswer(Peer peer, Received m) {
    TlObject o = m.unwrapped();
    if (o instanceof PingDelayDisconnect p) {
      peer.send(peer.bytes(new Pong(m.msgId(), p.pingId())), false);
    } else if (o instanceof Ping p) {
      peer.send(peer.bytes(new Pong(m.msgId(), p.pingId())), false);
    } else if (o instanceof GetFutureSalts g) {
      peer.send(peer.bytes(peer.futureSalts(m.msgId(), g.num())), false);
    } else if (o instanceof GetNearestDc) {
      peer.send(peer.rpcResult(m.msgId(), new NearestDc("ZZ", 2, 2)), true);
    } else if (o instanceof RpcDropAnswer) {
      peer.send(peer.rpcResult(m.msgId(), new RpcAnswerUnknown()), true);
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    for (Peer p : peers) {
      if (p.ctx != null) {
        p.ctx.close();
      }
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** The server side of one client connection. */
  final class Peer extends ChannelInboundHandlerAdapter {
    private final TlRegistry registry = TlRegistry.standard();
    final MsgIdGenerator ids = new MsgIdGenerator(Clock.systemUTC());
    final SeqNo seq = new SeqNo();
    final Random random = new Random(5);
    volatile ChannelHandlerContext ctx;
    volatile AuthKey key;
    volatile long serverSalt;
    volatile long sessionId;
    volatile boolean closed;
    private ServerKeyExchange exchange;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      closed = true;
      super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof TransportFrame frame)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      try {
        ByteBuf packet = frame.content();
        if (silent) {
          return;
        }
        if (packet.getLongLE(packet.readerIndex()) == 0) {
          onPlain(packet);
        } else {
          onEncrypted(packet);
        }
      } finally {
        frame.release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    private void onPlain(ByteBuf packet) {
      ByteBuf data = Envelope.openPlain(packet, new long[1]);
      TlObject request = new TlReader(data, registry, TlReader.Options.DEFAULT).readObject();
      plainRequests.add(request);
      if (exchange == null) {
        exchange = new ServerKeyExchange(exchangeOptions.apply(ServerKeyExchange.Options.builder(rsaKey())).build());
      }
      TlObject response;
      try {
        response = exchange.handle(request);
      } catch (RuntimeException e) {
        ctx.close();
        return;
      }
      exchange.result().ifPresent(r -> {
        key = r.authKey();
        serverSalt = r.serverSalt();
      });
      response = plainAnswers.apply(response);
      ByteBuf body = Unpooled.wrappedBuffer(bytes(response));
      try {
        ctx.writeAndFlush(TransportFrame.of(Envelope.plain(ctx.alloc(), ids.nextServer(true), body)));
      } finally {
        body.release();
      }
    }

    private void onEncrypted(ByteBuf packet) {
      Envelope.Plaintext p = Envelope.decrypt(key, Direction.CLIENT_TO_SERVER, packet);
      sessionId = p.sessionId();
      ByteBuf body = p.body();
      List<Received> messages = new ArrayList<>();
      if (Wire.startsWith(body, Wire.MSG_CONTAINER)) {
        Wire.readContainer(body, (id, s, inner) -> messages.add(new Received(id, s,
            new TlReader(inner, registry, TlReader.Options.DEFAULT).readObject(), p.salt(), p.sessionId(), p.msgId())));
      } else {
        messages.add(new Received(p.msgId(), p.seqNo(), new TlReader(body, registry, TlReader.Options.DEFAULT).readObject(),
            p.salt(), p.sessionId(), 0));
      }
      for (Received r : messages) {
        received.add(r);
        script.onMessage(this, r);
      }
    }

    // ---------------------------------------------------------------- building answers

    byte[] bytes(TlObject o) {
      return Wire.serialize(o);
    }

    byte[] rpcResult(long reqMsgId, TlObject result) {
      return rpcResultRaw(reqMsgId, bytes(result));
    }

    byte[] rpcResultRaw(long reqMsgId, byte[] result) {
      return Wire.rpcResult(reqMsgId, result);
    }

    FutureSalts futureSalts(long reqMsgId, int n) {
      int now = (int) (ids.serverTimeMillis() / 1000);
      List<FutureSalt> salts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        salts.add(new FutureSalt(now - 60 + i * 1800, now + 1800 + i * 1800, serverSalt + i));
      }
      return new FutureSalts(reqMsgId, now, salts);
    }

    /** salt | session | msg_id | seq_no | length | data | padding, the fields as given. */
    byte[] plaintext(long salt, long session, long msgId, int seqNo, int lengthField, byte[] data, int padding) {
      ByteBuffer b = ByteBuffer.allocate(32 + data.length + padding).order(ByteOrder.LITTLE_ENDIAN);
      b.putLong(salt).putLong(session).putLong(msgId).putInt(seqNo).putInt(lengthField).put(data);
      byte[] pad = new byte[padding];
      random.nextBytes(pad);
      return b.put(pad).array();
    }

    int padding(int dataLength) {
      return FakeDc.padding(dataLength);
    }

    /** Runs {@code task} on this connection's event loop and waits for it. */
    void run(Runnable task) {
      ctx.executor().submit(task).syncUninterruptibly();
    }

    /** A correctly encrypted packet (whatever the plaintext says). */
    byte[] encrypt(AuthKey k, byte[] plaintext) {
      return MtprotoCrypto.encrypt(k, Direction.SERVER_TO_CLIENT, plaintext);
    }

    /** A valid packet carrying {@code body} as one message with the given id and seqno. */
    byte[] packet(long msgId, int seqNo, byte[] body) {
      return encrypt(key, plaintext(serverSalt, sessionId, msgId, seqNo, body.length, body, padding(body.length)));
    }

    long nextId(boolean response) {
      return ids.nextServer(response);
    }

    /** A container body of {@code bodies}, each content-related or not. */
    byte[] container(List<byte[]> bodies, List<Boolean> contentRelated, List<Long> msgIds) {
      List<Wire.Message> messages = new ArrayList<>();
      for (int i = 0; i < bodies.size(); i++) {
        long id = nextId(true);
        msgIds.add(id);
        messages.add(new Wire.Message(id, seq.next(contentRelated.get(i)), bodies.get(i)));
      }
      return Wire.container(messages);
    }

    /** Sends one valid message (content-related or not) and flushes. */
    long send(byte[] body, boolean contentRelated) {
      long id = nextId(true);
      sendPacket(packet(id, seq.next(contentRelated), body));
      return id;
    }

    void sendPacket(byte[] packet) {
      writePacket(packet);
      ctx.flush();
    }

    /** Writes {@code bytes} to the socket as they are, past the transport's framing. */
    void writeRaw(byte[] bytes) {
      ctx.pipeline().firstContext().writeAndFlush(Unpooled.wrappedBuffer(bytes));
    }

    /** Stops (or resumes) reading from the client: its writes then pile up in the socket buffers. */
    void autoRead(boolean on) {
      ctx.channel().config().setAutoRead(on);
    }

    /** Writes without flushing, so several packets leave in one TCP segment. */
    void writePacket(byte[] packet) {
      ctx.write(TransportFrame.of(Unpooled.wrappedBuffer(packet)));
    }
  }

  /** The padding Envelope would use for {@code dataLength} bytes of data. */
  static int padding(int dataLength) {
    return 12 + (16 - (32 + dataLength + 12) % 16) % 16;
  }

  /** Whether the message is (a wrapped) call of {@code type}. */
  static boolean isCall(Received r, Class<? extends TlMethod<?>> type) {
    return type.isInstance(r.unwrapped());
  }
}
