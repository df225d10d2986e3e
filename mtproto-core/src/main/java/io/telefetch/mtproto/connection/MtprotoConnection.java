package io.telefetch.mtproto.connection;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.crypto.MtprotoCrypto.Direction;
import io.telefetch.mtproto.exchange.ClientKeyExchange;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.mtproto.rpc.RpcTimeoutException;
import io.telefetch.mtproto.session.Envelope;
import io.telefetch.mtproto.session.MessageRejectedException;
import io.telefetch.mtproto.session.MsgIdGenerator;
import io.telefetch.mtproto.session.ReplayWindow;
import io.telefetch.mtproto.transport.QuickAck;
import io.telefetch.mtproto.transport.TransportFrame;
import io.telefetch.mtproto.transport.TransportPipeline;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlRegistry;
import io.telefetch.tl.TlWriter;
import io.telefetch.tl.mtproto.BadMsgNotification;
import io.telefetch.tl.mtproto.BadServerSalt;
import io.telefetch.tl.mtproto.FutureSalt;
import io.telefetch.tl.mtproto.FutureSalts;
import io.telefetch.tl.mtproto.GetFutureSalts;
import io.telefetch.tl.mtproto.MsgDetailedInfo;
import io.telefetch.tl.mtproto.MsgNewDetailedInfo;
import io.telefetch.tl.mtproto.MsgResendReq;
import io.telefetch.tl.mtproto.MsgsAck;
import io.telefetch.tl.mtproto.MsgsStateInfo;
import io.telefetch.tl.mtproto.MsgsStateReq;
import io.telefetch.tl.mtproto.NewSessionCreated;
import io.telefetch.tl.mtproto.PingDelayDisconnect;
import io.telefetch.tl.mtproto.Pong;
import io.telefetch.tl.mtproto.RpcDropAnswer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MTProto connection: one TCP connection with its transport, one auth key and one session to
 * one DC. {@link #invoke} sends typed requests from any thread; many may be in flight, answers are
 * matched by msg_id in any order.
 *
 * <p>All session state lives on the channel's event loop. Outgoing requests queued in one loop
 * iteration go out together in a {@code msg_container} with any pending acks. Messages the server
 * rejects (bad_server_salt, bad_msg_notification, msg_resend_req) are resent under a new msg_id
 * from their serialized body: an old header is never re-encrypted.
 *
 * <p>Lost-connection policy: when the connection closes, every request still waiting fails with
 * {@link ConnectionClosedException}; nothing is resent on another connection by this class (the
 * client's retry interceptor decides), so a request is never answered twice nor silently dropped.
 * Result futures complete on the configured callback executor, never on the I/O thread.
 */
public final class MtprotoConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MtprotoConnection.class);
  private static final int MSG_CONTAINER = 0x73f1f8dc;
  private static final int RPC_RESULT = 0xf35c6d01;
  private static final int RPC_ERROR = 0x2144ca19;
  private static final int MAX_CONTAINER_MESSAGES = 1020;
  private static final int MAX_CONTAINER_BYTES = 1 << 20;
  private static final int MAX_ACKS = 8192;
  private static final int ACK_FLUSH_COUNT = 64;
  private static final long ACK_DELAY_MILLIS = 100;
  private static final AtomicLong IDS = new AtomicLong();

  private final ConnectionOptions options;
  private final Channel channel;
  private final EventLoop loop;
  private final TlRegistry registry = TlRegistry.standard();
  private final TlReader.Options readerOptions;
  private final CompletableFuture<MtprotoConnection> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final String name;

  // ---- state confined to the event loop
  private final MsgIdGenerator msgIds;
  private final ReplayWindow replay = new ReplayWindow(1024);
  private final LongObjectHashMap<Pending> pending = new LongObjectHashMap<>();
  private final LongObjectHashMap<long[]> containers = new LongObjectHashMap<>();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final List<Long> acks = new ArrayList<>();
  private final List<FutureSalt> futureSalts = new ArrayList<>();
  private AuthKey authKey;
  private long salt;
  private long sessionId;
  private int seqNo;
  private boolean flushScheduled;
  private ScheduledFuture<?> ackTimer;
  private ScheduledFuture<?> pingTimer;
  private boolean firstCallSent;
  private ClientKeyExchange exchange;
  private Throwable closeCause;

  private MtprotoConnection(ConnectionOptions options, Channel channel) {
    this.options = options;
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.msgIds = new MsgIdGenerator(options.clock);
    this.msgIds.setOffsetMillis(options.timeOffsetMillis);
    this.readerOptions = TlReader.Options.DEFAULT.withZeroCopyThreshold(Math.max(1, options.zeroCopyThreshold));
    this.authKey = options.authKey;
    this.salt = options.serverSalt;
    this.sessionId = options.random.nextLong();
    this.name = "mtproto-" + IDS.incrementAndGet() + "-dc" + options.dcId;
  }

  /**
   * Opens a connection; completes once the transport is up and an auth key exists (created through
   * the key exchange when the options carry none).
   */
  public static CompletableFuture<MtprotoConnection> connect(ConnectionOptions options) {
    CompletableFuture<MtprotoConnection> result = new CompletableFuture<>();
    MtprotoConnection[] holder = new MtprotoConnection[1];
    Bootstrap b = new Bootstrap()
        .group(options.eventLoopGroup)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout.toMillis())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            MtprotoConnection c = new MtprotoConnection(options, ch);
            holder[0] = c;
            options.pipelineCustomizer.apply(ch.pipeline());
            TransportPipeline.configureClient(ch.pipeline(), options.transport);
            ch.pipeline().addLast("mtproto-session", c.new Handler());
          }
        });
    java.net.SocketAddress address = options.address;
    if (address instanceof InetSocketAddress isa && isa.isUnresolved() && !options.pipelineCustomizer.equals(java.util.function.UnaryOperator.identity())) {
      address = isa; // a proxy handler resolves it
    } else if (address instanceof InetSocketAddress isa && isa.isUnresolved()) {
      address = new InetSocketAddress(isa.getHostString(), isa.getPort());
    }
    ChannelFuture cf = b.connect(address);
    cf.addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(new ConnectionClosedException("cannot connect to " + options.address, f.cause()));
        return;
      }
      MtprotoConnection c = holder[0];
      c.ready.whenComplete((conn, e) -> {
        if (e != null) {
          result.completeExceptionally(e);
        } else {
          result.complete(conn);
        }
      });
    });
    return result;
  }

  /** The auth key in use (created during connect if none was given). */
  public AuthKey authKey() {
    return authKey;
  }

  /** The current server salt. */
  public long serverSalt() {
    return salt;
  }

  /** The current estimate of server time minus local time, in milliseconds. */
  public long timeOffsetMillis() {
    return msgIds.offsetMillis();
  }

  /** The current session id. */
  public long sessionId() {
    return sessionId;
  }

  /** The DC id this connection was opened for. */
  public int dcId() {
    return options.dcId;
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return channel.isActive() && !closed.isDone();
  }

  /** Completes when the connection has closed, for whatever reason. */
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  /** Sends {@code method} with the default timeout. */
  public <R> CompletableFuture<R> invoke(TlMethod<R> method) {
    return invoke(method, options.callTimeout);
  }

  /**
   * Sends {@code method}; the future completes with the typed result, an {@link RpcException}, an
   * {@link RpcTimeoutException} or a {@link ConnectionClosedException}. Cancelling the future drops
   * the request (rpc_drop_answer).
   */
  public <R> CompletableFuture<R> invoke(TlMethod<R> method, Duration timeout) {
    CompletableFuture<R> result = new CompletableFuture<>();
    Pending p = new Pending(method, serialize(method), true, timeout, result);
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        loop.execute(() -> cancel(p));
      }
    });
    loop.execute(() -> enqueue(p));
    return result;
  }

  private byte[] serialize(TlObject method) {
    ByteBuf buf = Unpooled.buffer();
    try {
      method.write(new TlWriter(buf));
      byte[] bytes = io.netty.buffer.ByteBufUtil.getBytes(buf);
      if (bytes.length > options.gzipThreshold) {
        byte[] packed = gzip(bytes);
        if (packed.length + 8 < bytes.length) {
          ByteBuf g = Unpooled.buffer(packed.length + 8);
          try {
            new TlWriter(g).writeInt(TlReader.GZIP_PACKED_ID).writeBytes(packed);
            return io.netty.buffer.ByteBufUtil.getBytes(g);
          } finally {
            g.release();
          }
        }
      }
      return bytes;
    } finally {
      buf.release();
    }
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /** Closes the connection; waiting requests fail with {@link ConnectionClosedException}. */
  public CompletableFuture<Void> closeAsync() {
    channel.close();
    return closed;
  }

  @Override
  public void close() {
    closeAsync().join();
  }

  @Override
  public String toString() {
    return name + (channel.isActive() ? "" : " (closed)");
  }

  // ------------------------------------------------------------------ sending (event loop)

  /** A request or service query waiting to be sent or answered. */
  private final class Pending {
    final TlMethod<?> method;
    final byte[] body;
    final boolean contentRelated;
    final Duration timeout;
    final CompletableFuture<?> result;
    long msgId;
    ScheduledFuture<?> timer;
    boolean done;

    Pending(TlMethod<?> method, byte[] body, boolean contentRelated, Duration timeout, CompletableFuture<?> result) {
      this.method = method;
      this.body = body;
      this.contentRelated = contentRelated;
      this.timeout = timeout;
      this.result = result;
    }

    @SuppressWarnings("unchecked")
    void succeed(Object value) {
      if (finish()) {
        options.callbackExecutor.execute(() -> ((CompletableFuture<Object>) result).complete(value));
      } else if (value instanceof TlObject o) {
        io.telefetch.tl.TlObjects.releaseSlices(o);
      }
    }

    void fail(Throwable t) {
      if (finish()) {
        options.callbackExecutor.execute(() -> result.completeExceptionally(t));
      }
    }

    private boolean finish() {
      if (done) {
        return false;
      }
      done = true;
      if (timer != null) {
        timer.cancel(false);
      }
      return !result.isDone();
    }
  }

  private void enqueue(Pending p) {
    if (closeCause != null || !channel.isActive()) {
      p.fail(new ConnectionClosedException(name + " is closed", closeCause));
      return;
    }
    if (p.result.isDone()) {
      return; // cancelled before it was sent
    }
    if (p.timer == null && p.timeout != null && !p.timeout.isZero()) {
      p.timer = loop.schedule(() -> timeout(p), p.timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    queue.add(p);
    scheduleFlush();
  }

  private void scheduleFlush() {
    if (!flushScheduled && ready.isDone() && authKey != null) {
      flushScheduled = true;
      loop.execute(this::flush);
    }
  }

  private void timeout(Pending p) {
    if (p.done) {
      return;
    }
    queue.remove(p);
    if (p.msgId != 0) {
      pending.remove(p.msgId);
      dropAnswer(p.msgId);
    }
    p.fail(new RpcTimeoutException(p.method.tlName(), p.timeout));
  }

  private void cancel(Pending p) {
    if (p.done) {
      return;
    }
    p.done = true;
    if (p.timer != null) {
      p.timer.cancel(false);
    }
    queue.remove(p);
    if (p.msgId != 0 && pending.remove(p.msgId) != null) {
      dropAnswer(p.msgId);
    }
  }

  private void dropAnswer(long reqMsgId) {
    if (!channel.isActive()) {
      return;
    }
    RpcDropAnswer drop = new RpcDropAnswer(reqMsgId);
    Pending p = new Pending(drop, serialize(drop), true, Duration.ofSeconds(30), new CompletableFuture<>());
    enqueue(p);
  }

  private int nextSeqNo(boolean contentRelated) {
    if (contentRelated) {
      return seqNo++ * 2 + 1;
    }
    return seqNo * 2;
  }

  private void flush() {
    flushScheduled = false;
    if (!channel.isActive()) {
      return;
    }
    while (!queue.isEmpty() || !acks.isEmpty()) {
      List<Pending> batch = new ArrayList<>();
      int bytes = 0;
      while (!queue.isEmpty() && batch.size() < MAX_CONTAINER_MESSAGES) {
        Pending p = queue.peek();
        if (!batch.isEmpty() && bytes + p.body.length + 16 > MAX_CONTAINER_BYTES) {
          break;
        }
        queue.poll();
        if (p.done) {
          continue;
        }
        if (!firstCallSent && p.contentRelated && p.method.getClass().getPackageName().startsWith("io.telefetch.tl.api")) {
          firstCallSent = true;
          TlMethod<?> wrapped = options.firstCallWrapper.apply(p.method);
          if (wrapped != p.method) {
            Pending w = new Pending(p.method, serialize(wrapped), true, p.timeout, p.result);
            w.timer = p.timer;
            p = w;
          }
        }
        batch.add(p);
        bytes += p.body.length + 16;
      }
      byte[] ackBody = null;
      if (!acks.isEmpty()) {
        List<Long> ids = new ArrayList<>(acks.subList(0, Math.min(acks.size(), MAX_ACKS)));
        acks.subList(0, ids.size()).clear();
        ackBody = serialize(new MsgsAck(ids));
        cancelAckTimer();
      }
      int count = batch.size() + (ackBody == null ? 0 : 1);
      if (count == 1) {
        if (ackBody != null) {
          send(msgIds.next(), nextSeqNo(false), Unpooled.wrappedBuffer(ackBody));
        } else {
          Pending p = batch.get(0);
          p.msgId = msgIds.next();
          pending.put(p.msgId, p);
          send(p.msgId, nextSeqNo(p.contentRelated), Unpooled.wrappedBuffer(p.body));
        }
        continue;
      }
      ByteBuf container = channel.alloc().buffer(bytes + 64);
      try {
        container.writeIntLE(MSG_CONTAINER).writeIntLE(count);
        long[] inner = new long[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
          Pending p = batch.get(i);
          p.msgId = msgIds.next();
          inner[i] = p.msgId;
          pending.put(p.msgId, p);
          container.writeLongLE(p.msgId).writeIntLE(nextSeqNo(p.contentRelated)).writeIntLE(p.body.length)
              .writeBytes(p.body);
        }
        if (ackBody != null) {
          container.writeLongLE(msgIds.next()).writeIntLE(nextSeqNo(false)).writeIntLE(ackBody.length)
              .writeBytes(ackBody);
        }
        long containerId = msgIds.next();
        containers.put(containerId, inner);
        send(containerId, nextSeqNo(false), container);
      } finally {
        container.release();
      }
    }
    channel.flush();
  }

  /** Encrypts and writes one message; {@code data} is not released here (callers own it). */
  private void send(long msgId, int seq, ByteBuf data) {
    ByteBuf packet = Envelope.encrypt(channel.alloc(), authKey, Direction.CLIENT_TO_SERVER, salt, sessionId, msgId, seq,
        data, options.random);
    channel.write(TransportFrame.of(packet), channel.voidPromise());
  }

  private void queueAck(long msgId) {
    acks.add(msgId);
    if (acks.size() >= ACK_FLUSH_COUNT) {
      scheduleFlush();
    } else if (ackTimer == null) {
      ackTimer = loop.schedule(() -> {
        ackTimer = null;
        scheduleFlush();
      }, ACK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void cancelAckTimer() {
    if (ackTimer != null) {
      ackTimer.cancel(false);
      ackTimer = null;
    }
  }

  /** Sends the referenced messages again under new msg_ids (a container's contents individually). */
  private void resend(long badMsgId) {
    long[] inner = containers.remove(badMsgId);
    if (inner != null) {
      for (long id : inner) {
        resend(id);
      }
      return;
    }
    Pending p = pending.remove(badMsgId);
    if (p != null && !p.done) {
      p.msgId = 0;
      queue.add(p);
      scheduleFlush();
    }
  }

  private boolean sentByUs(long msgId) {
    return pending.containsKey(msgId) || containers.containsKey(msgId);
  }

  // ------------------------------------------------------------------ receiving (event loop)

  private final class Handler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      super.channelActive(ctx);
      if (authKey == null) {
        startExchange();
      } else {
        becomeReady();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof TransportFrame frame) {
        try {
          onFrame(frame.content());
        } catch (MessageRejectedException e) {
          LOG.warn("{}: dropping connection after a rejected message ({})", name, e.reason());
          closeWith(e);
        } catch (RuntimeException e) {
          LOG.warn("{}: dropping connection after a malformed message", name, e);
          closeWith(e);
        } finally {
          frame.release();
        }
      } else if (msg instanceof QuickAck) {
        // quick acks are not requested by this client; nothing to do
      } else {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("{}: {}", name, cause.toString());
      closeWith(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      onClosed();
      super.channelInactive(ctx);
    }
  }

  private void closeWith(Throwable cause) {
    if (closeCause == null) {
      closeCause = cause;
    }
    channel.close();
  }

  private void onClosed() {
    cancelAckTimer();
    if (pingTimer != null) {
      pingTimer.cancel(false);
    }
    ConnectionClosedException e = new ConnectionClosedException(name + " closed", closeCause);
    List<Pending> all = new ArrayList<>(pending.values());
    all.addAll(queue);
    pending.clear();
    queue.clear();
    containers.clear();
    for (Pending p : all) {
      p.fail(e);
    }
    ready.completeExceptionally(e);
    closed.complete(null);
  }

  private void becomeReady() {
    if (options.pingInterval != null && !options.pingInterval.isZero()) {
      long every = options.pingInterval.toMillis();
      pingTimer = loop.scheduleAtFixedRate(this::keepAlive, every, every, TimeUnit.MILLISECONDS);
    }
    ready.complete(this);
    scheduleFlush();
  }

  private void keepAlive() {
    int delay = (int) Math.max(1, options.pingInterval.toSeconds() * 3 / 2);
    PingDelayDisconnect ping = new PingDelayDisconnect(options.random.nextLong(), delay);
    enqueue(new Pending(ping, serialize(ping), true, options.pingInterval, new CompletableFuture<>()));
    maybeRotateSalt();
  }

  private void maybeRotateSalt() {
    int now = (int) (msgIds.serverTimeMillis() / 1000);
    futureSalts.removeIf(s -> s.validUntil() <= now);
    for (FutureSalt s : futureSalts) {
      if (s.validSince() <= now && s.salt() != salt) {
        salt = s.salt();
        break;
      }
    }
    if (futureSalts.size() < 2) {
      GetFutureSalts get = new GetFutureSalts(8);
      enqueue(new Pending(get, serialize(get), true, Duration.ofSeconds(30), new CompletableFuture<>()));
    }
  }

  private void onFrame(ByteBuf packet) {
    if (authKey == null || packet.readableBytes() >= 8 && packet.getLongLE(packet.readerIndex()) == 0) {
      onPlainMessage(packet);
      return;
    }
    Envelope.Plaintext p = Envelope.decrypt(authKey, Direction.SERVER_TO_CLIENT, packet);
    Envelope.checkFromServer(p, sessionId, msgIds.serverTimeMillis(), replay);
    onMessage(p.msgId(), p.seqNo(), p.body(), false);
  }

  private void onMessage(long msgId, int seq, ByteBuf body, boolean inContainer) {
    if (body.readableBytes() < 4) {
      throw new TlDecodeException("message shorter than a constructor id", 0, body.readerIndex());
    }
    if ((seq & 1) == 1) {
      queueAck(msgId);
    }
    int id = body.getIntLE(body.readerIndex());
    switch (id) {
      case MSG_CONTAINER -> {
        if (inContainer) {
          throw new TlDecodeException("nested msg_container", id, body.readerIndex());
        }
        onContainer(body);
      }
      case RPC_RESULT -> onRpcResult(body);
      default -> onServiceMessage(msgId, new TlReader(body, registry, readerOptions).readObject());
    }
  }

  private void onContainer(ByteBuf body) {
    body.skipBytes(4);
    int count = body.readIntLE();
    if (count < 0 || count > 1024 || (long) count * 16 > body.readableBytes()) {
      throw new TlDecodeException("invalid msg_container count " + count, MSG_CONTAINER, body.readerIndex());
    }
    for (int i = 0; i < count; i++) {
      if (body.readableBytes() < 16) {
        throw new TlDecodeException("truncated msg_container", MSG_CONTAINER, body.readerIndex());
      }
      long innerId = body.readLongLE();
      int innerSeq = body.readIntLE();
      int length = body.readIntLE();
      if (length < 0 || length % 4 != 0 || length > body.readableBytes()) {
        throw new TlDecodeException("invalid message length " + length, MSG_CONTAINER, body.readerIndex());
      }
      Envelope.checkMsgId(innerId, msgIds.serverTimeMillis(), replay);
      ByteBuf inner = body.readSlice(length);
      onMessage(innerId, innerSeq, inner, true);
    }
  }

  private void onRpcResult(ByteBuf body) {
    body.skipBytes(4);
    if (body.readableBytes() < 12) {
      throw new TlDecodeException("truncated rpc_result", RPC_RESULT, body.readerIndex());
    }
    long reqMsgId = body.readLongLE();
    Pending p = pending.remove(reqMsgId);
    if (p == null) {
      LOG.debug("{}: answer to unknown or dropped request {}", name, reqMsgId);
      return;
    }
    int resultId = body.getIntLE(body.readerIndex());
    if (resultId == RPC_ERROR) {
      TlReader r = new TlReader(body, registry, TlReader.Options.DEFAULT);
      io.telefetch.tl.mtproto.RpcError err = r.readObject(io.telefetch.tl.mtproto.RpcError.class);
      RpcException e = RpcException.of(err.errorCode(), err.errorMessage());
      if (e.code() == 303 || e.code() == 420 || e.code() >= 500) {
        LOG.debug("{}: {} -> {}", name, p.method.tlName(), e.getMessage());
      }
      p.fail(e);
      return;
    }
    ByteBuf source = body;
    ByteBuf inflated = null;
    try {
      if (resultId == TlReader.GZIP_PACKED_ID) {
        body.skipBytes(4);
        TlBytes packed = new TlReader(body, registry, TlReader.Options.DEFAULT).readBytes();
        inflated = Unpooled.wrappedBuffer(Gzip.inflate(packed.toByteArray(), readerOptions.maxInflatedSize()));
        source = inflated;
        if (source.readableBytes() >= 4 && source.getIntLE(source.readerIndex()) == RPC_ERROR) {
          io.telefetch.tl.mtproto.RpcError err = new TlReader(source, registry, TlReader.Options.DEFAULT)
              .readObject(io.telefetch.tl.mtproto.RpcError.class);
          p.fail(RpcException.of(err.errorCode(), err.errorMessage()));
          return;
        }
      }
      Object value;
      try {
        value = p.method.readResult(new TlReader(source, registry, readerOptions));
      } catch (TlDecodeException e) {
        p.fail(e);
        return;
      }
      p.succeed(value);
    } finally {
      if (inflated != null) {
        inflated.release();
      }
    }
  }

  private void onServiceMessage(long msgId, TlObject o) {
    if (o instanceof Pong pong) {
      Pending p = pending.remove(pong.msgId());
      if (p != null) {
        p.succeed(pong);
      }
    } else if (o instanceof FutureSalts salts) {
      futureSalts.clear();
      futureSalts.addAll(salts.salts());
      Pending p = pending.remove(salts.reqMsgId());
      if (p != null) {
        p.succeed(salts);
      }
    } else if (o instanceof BadServerSalt bad) {
      if (sentByUs(bad.badMsgId())) {
        salt = bad.newServerSalt();
        msgIds.syncWith(msgId);
        resend(bad.badMsgId());
      }
    } else if (o instanceof BadMsgNotification bad) {
      onBadMsg(msgId, bad);
    } else if (o instanceof NewSessionCreated created) {
      salt = created.serverSalt();
    } else if (o instanceof MsgsAck) {
      // acknowledgements of our messages: nothing to do, answers come separately
    } else if (o instanceof MsgResendReq req) {
      for (long id : req.msgIds()) {
        resend(id);
      }
    } else if (o instanceof MsgsStateReq req) {
      byte[] info = new byte[req.msgIds().size()];
      java.util.Arrays.fill(info, (byte) 1); // nothing known: this client keeps no incoming state
      MsgsStateInfo answer = new MsgsStateInfo(msgId, TlBytes.wrap(info));
      enqueue(new Pending(serviceMethod(answer), serialize(answer), false, null, new CompletableFuture<>()));
    } else if (o instanceof MsgDetailedInfo info) {
      queueAck(info.answerMsgId());
    } else if (o instanceof MsgNewDetailedInfo info) {
      queueAck(info.answerMsgId());
    } else if (o instanceof io.telefetch.tl.mtproto.DestroySessionOk || o instanceof io.telefetch.tl.mtproto.DestroySessionNone) {
      LOG.debug("{}: {}", name, o);
    } else if (o instanceof io.telefetch.tl.api.UpdatesType update) {
      options.callbackExecutor.execute(() -> options.updateListener.accept(update));
    } else {
      LOG.debug("{}: ignoring {}", name, o.tlName());
    }
  }

  /** Wraps a non-method service object so it can travel through the send queue. */
  private static TlMethod<Void> serviceMethod(TlObject o) {
    return new TlMethod<>() {
      @Override
      public Void readResult(TlReader reader) {
        return null;
      }

      @Override
      public int constructorId() {
        return o.constructorId();
      }

      @Override
      public String tlName() {
        return o.tlName();
      }

      @Override
      public void writeBody(TlWriter writer) {
        o.writeBody(writer);
      }

      @Override
      public void appendJson(io.telefetch.tl.TlJson json) {
        o.appendJson(json);
      }
    };
  }

  private void onBadMsg(long msgId, BadMsgNotification bad) {
    long badId = bad.badMsgId();
    if (!sentByUs(badId)) {
      return;
    }
    switch (bad.errorCode()) {
      case 16, 17, 20 -> {
        msgIds.syncWith(msgId);
        resend(badId);
      }
      case 32, 33 -> {
        // seqno out of step with the server: start a fresh session and resend
        sessionId = options.random.nextLong();
        seqNo = 0;
        resend(badId);
      }
      case 48, 64 -> resend(badId);
      default -> {
        ProtocolViolation e = new ProtocolViolation("bad_msg_notification code " + bad.errorCode() + " for msg " + badId);
        long[] inner = containers.remove(badId);
        if (inner != null) {
          for (long id : inner) {
            Pending p = pending.remove(id);
            if (p != null) {
              p.fail(e);
            }
          }
        } else {
          Pending p = pending.remove(badId);
          if (p != null) {
            p.fail(e);
          }
        }
      }
    }
  }

  /** The server reported a client bug (bad_msg_notification 18, 19, 34, 35...). */
  public static final class ProtocolViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProtocolViolation(String message) {
      super(message);
    }
  }

  // ------------------------------------------------------------------ key exchange (event loop)

  private void startExchange() {
    exchange = new ClientKeyExchange(ClientKeyExchange.Options.builder(options.rsaKeys, options.dcId)
        .random(options.random)
        .clock(options.clock)
        .build());
    sendPlain(exchange.firstRequest());
  }

  private void sendPlain(TlObject request) {
    ByteBuf data = Unpooled.wrappedBuffer(serialize(request));
    try {
      ByteBuf packet = Envelope.plain(channel.alloc(), msgIds.next(), data);
      channel.writeAndFlush(TransportFrame.of(packet), channel.voidPromise());
    } finally {
      data.release();
    }
  }

  private void onPlainMessage(ByteBuf packet) {
    if (exchange == null) {
      throw new MessageRejectedException(MessageRejectedException.Reason.MALFORMED_PACKET);
    }
    ByteBuf data = Envelope.openPlain(packet, new long[1]);
    TlObject response = new TlReader(data, registry, TlReader.Options.DEFAULT).readObject();
    ClientKeyExchange.Step step = exchange.onResponse(response);
    if (step instanceof ClientKeyExchange.Send next) {
      sendPlain(next.request());
    } else if (step instanceof ClientKeyExchange.Done done) {
      exchange = null;
      authKey = done.authKey();
      salt = done.serverSalt();
      msgIds.setOffsetMillis(done.timeOffsetMillis());
      becomeReady();
    }
  }

  /** Inflates gzip_packed content with a cap. */
  static final class Gzip {
    private Gzip() {}

    static byte[] inflate(byte[] packed, int cap) {
      try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(packed))) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) > 0) {
          if (out.size() + n > cap) {
            throw new TlDecodeException("gzip_packed inflates past " + cap + " bytes", TlReader.GZIP_PACKED_ID, 0);
          }
          out.write(chunk, 0, n);
        }
        return out.toByteArray();
      } catch (IOException e) {
        throw new TlDecodeException("corrupt gzip_packed: " + e.getMessage(), TlReader.GZIP_PACKED_ID, 0, e);
      }
    }
  }

}
