package io.telefetch.mtproto.connection;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import io.netty.util.concurrent.ScheduledFuture;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.crypto.MtprotoCrypto.Direction;
import io.telefetch.mtproto.exchange.ClientKeyExchange;
import io.telefetch.mtproto.exchange.KeyExchangeException;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.mtproto.rpc.RpcTimeoutException;
import io.telefetch.mtproto.session.Envelope;
import io.telefetch.mtproto.session.MessageRejectedException;
import io.telefetch.mtproto.session.MsgIdGenerator;
import io.telefetch.mtproto.session.ReplayWindow;
import io.telefetch.mtproto.session.SeqNo;
import io.telefetch.mtproto.transport.QuickAck;
import io.telefetch.mtproto.transport.TransportFrame;
import io.telefetch.mtproto.transport.TransportPipeline;
import io.telefetch.tl.InflateBudget;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlObjects;
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
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MTProto connection: one TCP connection with its transport, one auth key and one session to
 * one DC. {@link #invoke} sends typed requests from any thread; many may be in flight, answers are
 * matched by msg_id in any order.
 *
 * <p>All session state lives on the channel's event loop. Outgoing requests queued in one loop
 * iteration go out together in a {@code msg_container} (at most 1020 messages and about 1 MiB)
 * with any pending acks (at most 8192 ids per {@code msgs_ack}). Messages the server rejects
 * (bad_server_salt, bad_msg_notification, msg_resend_req, or lost with a server-side session reset
 * reported by new_session_created) are resent under a new msg_id from their serialized body: an
 * old header is never re-encrypted.
 *
 * <p>Every received packet passes the checks of {@link Envelope} (msg_key first, in constant time,
 * then length, padding, session, msg_id parity, time window and replay); a packet that fails is
 * dropped, nothing from it nor from any later packet reaches a caller, and the connection closes.
 *
 * <p>Lost-connection policy: when the connection closes, every request still waiting fails with
 * {@link ConnectionClosedException} (whose cause says why: a transport error such as -404 or
 * -429, a rejected packet, a missing pong, or none when closed by the user); nothing is resent on
 * another connection by this class (the client's retry interceptor decides), so a request is never
 * answered twice nor silently dropped. Result futures complete on the configured callback
 * executor, never on the I/O thread.
 *
 * <p>Keep-alive: every {@code pingInterval} a {@code ping_delay_disconnect} asks the server to
 * close the connection if no further ping comes within that disconnect delay (1.5 intervals, at
 * least one second more than an interval); when a ping gets no pong within the same delay and
 * nothing at all arrived from the server meanwhile, the connection is considered dead and closed. The same tick rotates the server salt from the future salts fetched
 * with {@code get_future_salts}.
 */
public final class MtprotoConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MtprotoConnection.class);
  private static final int MSG_CONTAINER = 0x73f1f8dc;
  private static final int RPC_RESULT = 0xf35c6d01;
  private static final int RPC_ERROR = 0x2144ca19;
  /** Messages per outgoing container (the protocol allows 1024). */
  static final int MAX_CONTAINER_MESSAGES = 1020;
  /** Bytes of message bodies per outgoing container (a larger single message goes alone). */
  static final int MAX_CONTAINER_BYTES = 1 << 20;
  /** Ids per msgs_ack, msg_resend_req or msgs_state_info (the protocol's limit). */
  static final int MAX_IDS = 8192;
  /** This many pending acks are sent at once; fewer wait up to {@link #ACK_DELAY_MILLIS}. */
  static final int ACK_FLUSH_COUNT = 64;
  static final long ACK_DELAY_MILLIS = 100;
  /** Containers remembered before forgetting those whose messages were all answered. */
  private static final int CONTAINER_SWEEP_MIN = 256;
  private static final int FUTURE_SALTS = 8;
  private static final AtomicLong IDS = new AtomicLong();

  private final ConnectionOptions options;
  private final Channel channel;
  private final EventLoop loop;
  private final TlRegistry registry = TlRegistry.standard();
  private final TlReader.Options readerOptions;
  /** What the gzip_packed values of the packet being decoded may still inflate to, together. */
  private InflateBudget inflateBudget;
  private final CompletableFuture<MtprotoConnection> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final String name;
  private final long sessionId;

  // ---- state read from any thread
  private volatile AuthKey authKey;
  private volatile long salt;
  /** Set once the connection is closing: no frame is processed and nothing is sent any more. */
  private volatile boolean closing;

  // ---- state confined to the event loop
  private final MsgIdGenerator msgIds;
  private final SeqNo seqNo = new SeqNo();
  private final ReplayWindow replay = new ReplayWindow(1024);
  private final LongObjectHashMap<Pending> pending = new LongObjectHashMap<>();
  private final LongObjectHashMap<long[]> containers = new LongObjectHashMap<>();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final List<Long> acks = new ArrayList<>();
  private final List<FutureSalt> futureSalts = new ArrayList<>();
  private int containerSweepAt = CONTAINER_SWEEP_MIN;
  private boolean flushScheduled;
  private boolean saltsRequested;
  private ScheduledFuture<?> ackTimer;
  private ScheduledFuture<?> pingTimer;
  private ScheduledFuture<?> handshakeTimer;
  private boolean firstCallSent;
  private ClientKeyExchange exchange;
  private Throwable closeCause;
  private long lastReadNanos = System.nanoTime();

  private MtprotoConnection(ConnectionOptions options, Channel channel) {
    this.options = options;
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.msgIds = new MsgIdGenerator(options.clock);
    this.msgIds.setOffsetMillis(options.timeOffsetMillis);
    this.readerOptions = TlReader.Options.DEFAULT.withZeroCopyThreshold(Math.max(1, options.zeroCopyThreshold));
    this.inflateBudget = InflateBudget.of(readerOptions.maxInflatedSize());
    this.authKey = options.authKey;
    this.salt = options.serverSalt;
    this.sessionId = options.random.nextLong();
    this.name = "mtproto-" + IDS.incrementAndGet() + "-dc" + options.dcId;
  }

  /**
   * Opens a connection; completes once the transport is up and an auth key exists (created through
   * the key exchange when the options carry none). Both must happen within the options' connect
   * timeout.
   *
   * <p>Fails with {@link KeyExchangeException} when the server fails a check of the key exchange,
   * and with {@link ConnectionClosedException} otherwise (its cause says why: the TCP connect
   * failed, a transport error, a {@link TimeoutException}...). Either way the channel is closed.
   * Cancelling the returned future abandons the attempt and closes the channel.
   */
  public static CompletableFuture<MtprotoConnection> connect(ConnectionOptions options) {
    CompletableFuture<MtprotoConnection> result = new CompletableFuture<>();
    MtprotoConnection[] holder = new MtprotoConnection[1];
    Bootstrap b = new Bootstrap()
        .group(options.eventLoopGroup)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, options.connectTimeout.toMillis()))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            MtprotoConnection c = new MtprotoConnection(options, ch);
            holder[0] = c;
            ch.closeFuture().addListener(f -> c.onClosed());
            options.pipelineCustomizer.apply(ch.pipeline());
            ch.pipeline().addLast("mtproto-activity", c.new Activity());
            TransportPipeline.configureClient(ch.pipeline(), options.transport);
            ch.pipeline().addLast("mtproto-session", c.new Handler());
          }
        });
    SocketAddress address = options.address;
    boolean proxied = options.pipelineCustomizer != UnaryOperator.<io.netty.channel.ChannelPipeline>identity();
    if (address instanceof InetSocketAddress isa && isa.isUnresolved() && !proxied) {
      address = new InetSocketAddress(isa.getHostString(), isa.getPort());
    }
    ChannelFuture cf;
    try {
      cf = b.connect(address);
    } catch (RuntimeException e) {
      result.completeExceptionally(new ConnectionClosedException("cannot connect to " + options.address, e));
      return result;
    }
    result.whenComplete((c, e) -> {
      if (result.isCancelled()) {
        cf.channel().close();
      }
    });
    cf.addListener(f -> {
      if (!f.isSuccess()) {
        cf.channel().close();
        deliver(options.callbackExecutor,
            () -> result.completeExceptionally(new ConnectionClosedException("cannot connect to " + options.address, f.cause())));
        return;
      }
      holder[0].ready.whenComplete((conn, e) -> deliver(options.callbackExecutor, () -> {
        if (e != null) {
          result.completeExceptionally(e);
        } else if (!result.complete(conn)) {
          conn.closeAsync(); // abandoned by the caller meanwhile
        }
      }));
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

  /** The session id (fixed for the life of the connection). */
  public long sessionId() {
    return sessionId;
  }

  /** The DC id this connection was opened for. */
  public int dcId() {
    return options.dcId;
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return channel.isActive() && !closing && !closed.isDone();
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
   * {@link RpcTimeoutException} (the request is then dropped with rpc_drop_answer) or a {@link
   * ConnectionClosedException}. Cancelling the future drops the request (rpc_drop_answer if it
   * was sent); it then never completes otherwise. A zero or negative timeout waits forever.
   *
   * <p>Results holding zero-copy {@code bytes} (see {@link ConnectionOptions.Builder#zeroCopyThreshold})
   * belong to the caller, who releases them with {@link TlObjects#releaseSlices}.
   */
  public <R> CompletableFuture<R> invoke(TlMethod<R> method, Duration timeout) {
    CompletableFuture<R> result = new CompletableFuture<>();
    byte[] body;
    try {
      body = serialize(method);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return result;
    }
    Pending p = new Pending(method, body, Kind.CALL, timeout, result);
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        execute(() -> cancel(p));
      }
    });
    if (!execute(() -> enqueue(p))) {
      // "... is closed": the request never left (the event loop is gone)
      result.completeExceptionally(new ConnectionClosedException(name + " is closed", null));
    }
    return result;
  }

  /** Runs {@code task} on the event loop; false if the loop no longer accepts tasks. */
  private boolean execute(Runnable task) {
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** Runs {@code task} on {@code executor}, or here if the executor refuses it. */
  private static void deliver(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  private byte[] serialize(TlObject method) {
    ByteBuf buf = Unpooled.buffer();
    try {
      method.write(new TlWriter(buf));
      byte[] bytes = ByteBufUtil.getBytes(buf);
      if (bytes.length > options.gzipThreshold) {
        byte[] packed = gzip(bytes);
        if (packed.length + 8 < bytes.length) {
          ByteBuf g = Unpooled.buffer(packed.length + 8);
          try {
            new TlWriter(g).writeInt(TlReader.GZIP_PACKED_ID).writeBytes(packed);
            return ByteBufUtil.getBytes(g);
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
    closing = true;
    channel.close();
    return closed;
  }

  @Override
  public void close() {
    closeAsync().join();
  }

  @Override
  public String toString() {
    return name + (isOpen() ? "" : " (closed)");
  }

  // ------------------------------------------------------------------ sending (event loop)

  /** What a queued message is, which decides how it is tracked and what its timeout does. */
  private enum Kind {
    /** A caller's request: tracked; a timeout fails it and drops the answer (rpc_drop_answer). */
    CALL,
    /** An internal query with an answer (get_future_salts, rpc_drop_answer): a timeout forgets it. */
    QUERY,
    /** The keep-alive ping: a timeout with nothing received meanwhile closes the connection. */
    PING,
    /** An internal message without an answer (msgs_state_info, msg_resend_req): sent, never tracked. */
    NOTICE
  }

  /** A request or service message waiting to be sent or answered. */
  private final class Pending {
    final TlMethod<?> method;
    /** The serialized message; replaced once by the first-call wrapper, reused by every resend. */
    byte[] body;
    final Kind kind;
    final boolean contentRelated;
    final Duration timeout;
    final CompletableFuture<?> result;
    final long createdNanos = System.nanoTime();
    long msgId;
    ScheduledFuture<?> timer;
    boolean done;

    Pending(TlMethod<?> method, byte[] body, Kind kind, Duration timeout, CompletableFuture<?> result) {
      this(method, body, kind, true, timeout, result);
    }

    Pending(TlMethod<?> method, byte[] body, Kind kind, boolean contentRelated, Duration timeout,
        CompletableFuture<?> result) {
      this.method = method;
      this.body = body;
      this.kind = kind;
      this.contentRelated = contentRelated;
      this.timeout = timeout;
      this.result = result;
    }

    /** Completes with {@code value}, or releases its zero-copy slices if nobody can take it any more. */
    @SuppressWarnings("unchecked")
    void succeed(Object value) {
      if (finish()) {
        deliver(options.callbackExecutor, () -> {
          if (!((CompletableFuture<Object>) result).complete(value)) {
            releaseValue(value); // cancelled meanwhile
          }
        });
      } else {
        releaseValue(value);
      }
    }

    void fail(Throwable t) {
      if (finish()) {
        deliver(options.callbackExecutor, () -> result.completeExceptionally(t));
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

  private static void releaseValue(Object value) {
    if (value instanceof TlObject o) {
      TlObjects.releaseSlices(o);
    } else if (value instanceof TlBytes b) {
      b.release();
    } else if (value instanceof List<?> list) {
      for (Object e : list) {
        releaseValue(e);
      }
    }
  }

  private void enqueue(Pending p) {
    if (closing || closeCause != null || !channel.isActive()) {
      p.fail(new ConnectionClosedException(name + " is closed", closeCause));
      return;
    }
    if (p.result.isDone()) {
      return; // cancelled before it was sent
    }
    if (p.timer == null && p.timeout != null && p.timeout.compareTo(Duration.ZERO) > 0) {
      p.timer = loop.schedule(() -> timeout(p), p.timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    queue.add(p);
    scheduleFlush();
  }

  /** Queues an internal message: a query with an answer, or a notice without one. */
  private void enqueueInternal(TlObject message, Kind kind, boolean contentRelated, Duration timeout) {
    TlMethod<?> method = message instanceof TlMethod<?> m ? m : new ServiceMessage(message);
    enqueue(new Pending(method, serialize(message), kind, contentRelated, timeout, new CompletableFuture<>()));
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
    boolean inFlight = p.msgId != 0 && pending.remove(p.msgId) == p;
    p.fail(new RpcTimeoutException(p.method.tlName(), p.timeout));
    if (p.kind == Kind.CALL && inFlight) {
      dropAnswer(p.msgId);
    } else if (p.kind == Kind.PING && lastReadNanos - p.createdNanos <= 0) {
      closeWith(new TimeoutException("no pong and nothing else from the server within " + p.timeout.toMillis() + " ms"));
    }
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
    if (closing || !channel.isActive()) {
      return;
    }
    enqueueInternal(new RpcDropAnswer(reqMsgId), Kind.QUERY, true, Duration.ofSeconds(30));
  }

  private void flush() {
    flushScheduled = false;
    if (closing || !channel.isActive()) {
      return;
    }
    while (!queue.isEmpty() || !acks.isEmpty()) {
      byte[] ackBody = null;
      if (!acks.isEmpty()) {
        int n = Math.min(acks.size(), MAX_IDS);
        List<Long> ids = new ArrayList<>(acks.subList(0, n));
        acks.subList(0, n).clear();
        ackBody = serialize(new MsgsAck(ids));
      }
      if (acks.isEmpty()) {
        cancelAckTimer();
      }
      int budget = MAX_CONTAINER_BYTES - (ackBody == null ? 0 : ackBody.length + 16);
      List<Pending> batch = new ArrayList<>();
      int bytes = 0;
      while (!queue.isEmpty() && batch.size() < MAX_CONTAINER_MESSAGES) {
        Pending p = queue.peek();
        if (p.done) {
          queue.poll();
          continue;
        }
        try {
          wrapFirstCall(p);
        } catch (RuntimeException e) {
          queue.poll();
          p.fail(e); // the wrapper could not be applied or serialized: this call fails, not the queue
          continue;
        }
        if (!batch.isEmpty() && bytes + p.body.length + 16 > budget) {
          break;
        }
        queue.poll();
        batch.add(p);
        bytes += p.body.length + 16;
      }
      int count = batch.size() + (ackBody == null ? 0 : 1);
      if (count == 0) {
        break;
      }
      if (count == 1) {
        if (ackBody != null) {
          send(msgIds.next(), seqNo.next(false), ackBody);
        } else {
          Pending p = batch.get(0);
          assignMsgId(p);
          send(p.msgId, seqNo.next(p.contentRelated), p.body);
        }
        continue;
      }
      ByteBuf container = channel.alloc().buffer(8 + bytes + (ackBody == null ? 0 : 16 + ackBody.length));
      try {
        container.writeIntLE(MSG_CONTAINER).writeIntLE(count);
        long[] inner = new long[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
          Pending p = batch.get(i);
          assignMsgId(p);
          inner[i] = p.msgId;
          container.writeLongLE(p.msgId).writeIntLE(seqNo.next(p.contentRelated)).writeIntLE(p.body.length)
              .writeBytes(p.body);
        }
        if (ackBody != null) {
          container.writeLongLE(msgIds.next()).writeIntLE(seqNo.next(false)).writeIntLE(ackBody.length)
              .writeBytes(ackBody);
        }
        long containerId = msgIds.next();
        containers.put(containerId, inner);
        send(containerId, seqNo.next(false), container);
      } finally {
        container.release();
      }
      sweepContainers();
    }
    channel.flush();
  }

  /** The first API call of the connection goes out wrapped (invokeWithLayer(initConnection(...))). */
  private void wrapFirstCall(Pending p) {
    if (firstCallSent || p.kind != Kind.CALL || !p.method.getClass().getPackageName().startsWith("io.telefetch.tl.api")) {
      return;
    }
    firstCallSent = true;
    TlMethod<?> wrapped = options.firstCallWrapper.apply(p.method);
    if (wrapped != p.method) {
      // same Pending, new body: its timer, cancellation and result stay attached to it
      p.body = serialize(wrapped);
    }
  }

  private void assignMsgId(Pending p) {
    p.msgId = msgIds.next();
    if (p.kind != Kind.NOTICE) {
      pending.put(p.msgId, p);
    }
  }

  /** Forgets containers none of whose messages still waits for an answer (amortised, bounded). */
  private void sweepContainers() {
    if (containers.size() < containerSweepAt) {
      return;
    }
    containers.entrySet().removeIf(e -> {
      for (long id : e.getValue()) {
        if (pending.containsKey(id)) {
          return false;
        }
      }
      return true;
    });
    containerSweepAt = Math.max(CONTAINER_SWEEP_MIN, containers.size() * 2);
  }

  /** Number of containers remembered for resends (tests). */
  int trackedContainers() {
    return onLoop(containers::size);
  }

  /** Number of messages waiting for an answer (tests). */
  int trackedRequests() {
    return onLoop(pending::size);
  }

  /** Runs {@code task} on the event loop and returns its result (tests). */
  <T> T onLoop(java.util.concurrent.Callable<T> task) {
    try {
      return loop.submit(task).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void send(long msgId, int seq, byte[] body) {
    ByteBuf data = Unpooled.wrappedBuffer(body);
    try {
      send(msgId, seq, data);
    } finally {
      data.release();
    }
  }

  /** Encrypts and writes one message; {@code data} is read, not released (callers own it). */
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

  /** Notes when bytes last arrived, whatever they turn out to be (for the keep-alive). */
  private final class Activity extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      lastReadNanos = System.nanoTime();
      ctx.fireChannelRead(msg);
    }
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      super.channelActive(ctx);
      if (authKey == null) {
        long millis = options.connectTimeout.toMillis();
        handshakeTimer = loop.schedule(
            () -> closeWith(new TimeoutException("no auth key within " + millis + " ms")), millis, TimeUnit.MILLISECONDS);
        startExchange();
      } else {
        becomeReady();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof TransportFrame frame) {
        try {
          if (!closing) {
            onFrame(frame.content());
          }
        } catch (MessageRejectedException e) {
          LOG.warn("{}: dropping connection after a rejected message ({})", name, e.reason());
          closeWith(e);
        } catch (KeyExchangeException e) {
          LOG.warn("{}: key exchange failed ({}): {}", name, e.reason(), e.getMessage());
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
        ReferenceCountUtil.release(msg);
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
    closing = true;
    channel.close();
  }

  /** Fails everything still waiting, once; runs on the event loop when the channel closes. */
  private void onClosed() {
    if (closed.isDone()) {
      return;
    }
    closing = true;
    cancelAckTimer();
    for (ScheduledFuture<?> t : new ScheduledFuture<?>[] {pingTimer, handshakeTimer}) {
      if (t != null) {
        t.cancel(false);
      }
    }
    ConnectionClosedException e = new ConnectionClosedException(name + " closed", closeCause);
    List<Pending> all = new ArrayList<>(pending.values());
    all.addAll(queue);
    pending.clear();
    queue.clear();
    containers.clear();
    acks.clear();
    exchange = null;
    for (Pending p : all) {
      p.fail(e);
    }
    ready.completeExceptionally(closeCause instanceof KeyExchangeException k ? k : e);
    closed.complete(null);
  }

  private void becomeReady() {
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
      handshakeTimer = null;
    }
    if (options.pingInterval != null && options.pingInterval.compareTo(Duration.ZERO) > 0) {
      long every = options.pingInterval.toMillis();
      pingTimer = loop.scheduleAtFixedRate(this::keepAlive, every, every, TimeUnit.MILLISECONDS);
    }
    ready.complete(this);
    scheduleFlush();
  }

  /**
   * The disconnect_delay asked for with pings every {@code interval}: 1.5 intervals, rounded up to
   * whole seconds, and always at least one second more than the interval.
   */
  static int disconnectDelaySeconds(Duration interval) {
    long millis = interval.toMillis();
    long seconds = Math.max(Math.floorDiv(millis * 3 + 1999, 2000), Math.floorDiv(millis + 999, 1000) + 1);
    return (int) Math.min(Integer.MAX_VALUE, seconds);
  }

  private void keepAlive() {
    if (closing) {
      return;
    }
    int delay = disconnectDelaySeconds(options.pingInterval);
    PingDelayDisconnect ping = new PingDelayDisconnect(options.random.nextLong(), delay);
    // the pong may take as long as the server would wait for our next ping
    enqueue(new Pending(ping, serialize(ping), Kind.PING, true, Duration.ofSeconds(delay), new CompletableFuture<>()));
    maybeRotateSalt();
  }

  /**
   * Switches to the newest future salt already valid, and asks for more salts when fewer than two
   * known ones are still to come.
   */
  private void maybeRotateSalt() {
    long now = Math.floorDiv(msgIds.serverTimeMillis(), 1000);
    futureSalts.removeIf(s -> s.validUntil() <= now);
    FutureSalt best = null;
    int upcoming = 0;
    for (FutureSalt s : futureSalts) {
      if (s.validSince() <= now) {
        if (best == null || s.validSince() > best.validSince()) {
          best = s;
        }
      } else {
        upcoming++;
      }
    }
    if (best != null && best.salt() != salt) {
      LOG.debug("{}: rotating to the salt valid since {}", name, best.validSince());
      salt = best.salt();
    }
    if (upcoming < 2 && !saltsRequested) {
      saltsRequested = true;
      enqueueInternal(new GetFutureSalts(FUTURE_SALTS), Kind.QUERY, true, Duration.ofSeconds(30));
    }
  }

  private void onFrame(ByteBuf packet) {
    if (exchange != null) {
      onPlainMessage(packet);
      return;
    }
    if (authKey == null) {
      throw new MessageRejectedException(MessageRejectedException.Reason.MALFORMED_PACKET);
    }
    Envelope.Plaintext p = Envelope.decrypt(authKey, Direction.SERVER_TO_CLIENT, packet);
    Envelope.checkFromServer(p, sessionId, msgIds.serverTimeMillis(), replay);
    inflateBudget = InflateBudget.of(readerOptions.maxInflatedSize()); // one for the whole packet
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
      default -> onServiceMessage(msgId, new TlReader(body, registry, readerOptions, inflateBudget).readObject());
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
    try {
      decodeResult(p, body);
    } catch (TlDecodeException e) {
      p.fail(e); // this answer is unreadable; the stream itself is intact
    } catch (RuntimeException e) {
      p.fail(e);
      throw e;
    }
  }

  /**
   * Completes {@code p} from the result of its rpc_result: gzip_packed is inflated by TlReader
   * within this packet's budget (and may not hold another gzip_packed); rpc_error may be packed
   * too.
   */
  private void decodeResult(Pending p, ByteBuf body) {
    new TlReader(body, registry, readerOptions, inflateBudget).readUnpacked(reader -> {
      ByteBuf in = reader.buffer();
      if (in.readableBytes() >= 4 && in.getIntLE(in.readerIndex()) == RPC_ERROR) {
        p.fail(readRpcError(reader));
      } else {
        p.succeed(p.method.readResult(reader));
      }
      return null;
    });
  }

  private RpcException readRpcError(TlReader reader) {
    io.telefetch.tl.mtproto.RpcError err = reader.readObject(io.telefetch.tl.mtproto.RpcError.class);
    RpcException e = RpcException.of(err.errorCode(), err.errorMessage());
    if (e.code() == 303 || e.code() == 420 || e.code() >= 500 || e.code() < 0) {
      LOG.debug("{}: {}", name, e.getMessage());
    }
    return e;
  }

  private void onServiceMessage(long msgId, TlObject o) {
    if (o instanceof Pong pong) {
      Pending p = pending.remove(pong.msgId());
      if (p != null) {
        p.succeed(pong);
      }
    } else if (o instanceof FutureSalts salts) {
      Pending p = pending.get(salts.reqMsgId());
      if (p != null && p.method instanceof GetFutureSalts) {
        pending.remove(salts.reqMsgId());
        futureSalts.clear();
        futureSalts.addAll(salts.salts());
        saltsRequested = false;
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
      onNewSession(created);
    } else if (o instanceof MsgsAck) {
      // acknowledgements of our messages: nothing to do, answers come separately
    } else if (o instanceof MsgResendReq req) {
      for (long id : req.msgIds()) {
        resend(id);
      }
    } else if (o instanceof MsgsStateReq req) {
      answerStateRequest(msgId, req);
    } else if (o instanceof MsgDetailedInfo info) {
      Pending request = pending.get(info.msgId());
      onDetailedInfo(info.answerMsgId(), request != null && !request.done);
    } else if (o instanceof MsgNewDetailedInfo info) {
      onDetailedInfo(info.answerMsgId(), true);
    } else if (o instanceof io.telefetch.tl.mtproto.DestroySessionOk || o instanceof io.telefetch.tl.mtproto.DestroySessionNone) {
      LOG.debug("{}: {}", name, o);
    } else if (o instanceof io.telefetch.tl.api.UpdatesType update) {
      deliver(options.callbackExecutor, () -> options.updateListener.accept(update));
    } else {
      LOG.debug("{}: ignoring {}", name, o.tlName());
    }
  }

  /**
   * new_session_created: adopt the salt, and resend what the server lost with the old session: the
   * requests still waiting whose msg_id is below {@code first_msg_id} (except those that travelled
   * in the same container as the message that created the session).
   */
  private void onNewSession(NewSessionCreated created) {
    salt = created.serverSalt();
    long first = created.firstMsgId();
    long[] sameContainer = containers.get(first);
    List<Long> lost = new ArrayList<>();
    for (LongObjectMap.PrimitiveEntry<Pending> e : pending.entries()) {
      long id = e.key();
      if (id < first && !contains(sameContainer, id) && e.value().kind != Kind.PING) {
        lost.add(id);
      }
    }
    lost.sort(null);
    if (!lost.isEmpty()) {
      LOG.debug("{}: new session from msg {}: resending {} request(s)", name, first, lost.size());
    }
    for (long id : lost) {
      resend(id);
    }
  }

  private static boolean contains(long[] ids, long id) {
    if (ids != null) {
      for (long i : ids) {
        if (i == id) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * msg_detailed_info / msg_new_detailed_info: the server has an answer for us. If it arrived (or
   * nobody waits for it), acknowledge it so the server forgets it; otherwise ask for it again.
   */
  private void onDetailedInfo(long answerMsgId, boolean wanted) {
    if (replay.seen(answerMsgId) || !wanted) {
      queueAck(answerMsgId);
    } else {
      enqueueInternal(new MsgResendReq(List.of(answerMsgId)), Kind.NOTICE, true, null);
    }
  }

  /** Answers msgs_state_req from the replay window: received (4), unknown (1) or not received (2, 3). */
  private void answerStateRequest(long reqMsgId, MsgsStateReq req) {
    List<Long> ids = req.msgIds();
    byte[] info = new byte[Math.min(ids.size(), MAX_IDS)];
    long max = replay.max();
    for (int i = 0; i < info.length; i++) {
      long id = ids.get(i);
      info[i] = (byte) (replay.contains(id) ? 4 : replay.belowWindow(id) ? 1 : id > max ? 3 : 2);
    }
    // msgs_state_info needs no acknowledgement: not content-related
    enqueueInternal(new MsgsStateInfo(reqMsgId, TlBytes.wrap(info)), Kind.NOTICE, false, null);
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
      case 32 -> {
        seqNo.adjust(64); // seqno too low: jump ahead, keep the session (and its pending answers)
        resend(badId);
      }
      case 33 -> {
        seqNo.adjust(-16); // seqno too high: step back
        resend(badId);
      }
      case 48, 64 -> resend(badId);
      default -> {
        ProtocolViolation e = new ProtocolViolation("bad_msg_notification code " + bad.errorCode() + " for msg " + badId);
        long[] inner = containers.remove(badId);
        for (long id : inner != null ? inner : new long[] {badId}) {
          Pending p = pending.remove(id);
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

  /** A non-method service object (msgs_state_info, msg_resend_req) travelling through the send queue. */
  private static final class ServiceMessage implements TlMethod<Void> {
    private final TlObject object;

    ServiceMessage(TlObject object) {
      this.object = object;
    }

    @Override
    public Void readResult(TlReader reader) {
      return null;
    }

    @Override
    public int constructorId() {
      return object.constructorId();
    }

    @Override
    public String tlName() {
      return object.tlName();
    }

    @Override
    public void writeBody(TlWriter writer) {
      object.writeBody(writer);
    }

    @Override
    public void appendJson(io.telefetch.tl.TlJson json) {
      object.appendJson(json);
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
    ByteBuf data = Envelope.openPlain(packet, new long[1]);
    TlObject response = ClientKeyExchange.decodeAnswer(data); // no gzip_packed before a key exists
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
}
