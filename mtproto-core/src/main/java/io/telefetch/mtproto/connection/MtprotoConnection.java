package io.telefetch.mtproto.connection;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
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
import io.telefetch.mtproto.rpc.ResendLimitException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.mtproto.rpc.RpcTimeoutException;
import io.telefetch.mtproto.rpc.SendQueueFullException;
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
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p>Bounds a hostile server cannot push past (each a {@link ConnectionOptions} value): a message
 * is resent at most {@code maxResends} times, then its call fails with {@link
 * ResendLimitException}; calls not yet written to the socket (the channel is not writable, e.g. the
 * server stopped reading) are limited in number and bytes, beyond which new calls fail at once with
 * {@link SendQueueFullException}, and writing resumes when the channel becomes writable again;
 * updates wait for the listener in a bounded queue whose overflow drops the oldest and puts one
 * {@code updatesTooLong} in their place; pending acks are capped at {@value #MAX_PENDING_ACKS} (the
 * oldest are forgotten: acks are best effort).
 *
 * <p>Buffer ownership: zero-copy {@code bytes} slices are made only for the result of a call that
 * a caller waits for, and then belong to that caller. Everything else the server sends (service
 * messages, updates, answers to unknown, dropped or already answered requests) is decoded with
 * copies or not decoded at all, so nothing unsolicited can pin pooled memory. A result that fails
 * to decode half-way releases whatever slices it had already made.
 *
 * <p>Whatever a decoder throws (a {@link TlDecodeException}, but also an Error such as {@link
 * StackOverflowError} or {@link OutOfMemoryError}), the call whose answer it was completes
 * exceptionally: with the {@link TlDecodeException} itself (the stream is intact: the connection
 * stays open), or with a {@link TlDecodeException} whose cause is the Error, in which case the
 * connection also closes as after a protocol violation and every other waiting call fails with
 * {@link ConnectionClosedException}.
 *
 * <p>msg_seqno of received messages: a content-related message ({@code rpc_result}, {@code
 * updates}) must carry an odd seqno and a pure service message ({@code msgs_ack}, {@code
 * msg_container}) an even one, as the official description requires of every sender; anything
 * else is rejected like a failed receive check ({@link MessageRejectedException.Reason#SEQ_NO}).
 * The order of seqnos is not checked (the server never promises it to clients).
 *
 * <p>Ids we never sent: a {@code rpc_result} (or {@code rpc_answer_*}) for an unknown, dropped,
 * timed-out or already answered request is dropped unread; {@code msgs_ack}, {@code
 * bad_msg_notification}, {@code bad_server_salt}, {@code msgs_state_info}, {@code future_salts},
 * {@code pong} and {@code msg_resend_req} naming ids this connection does not track are ignored:
 * no resend, no salt or clock change, no call completed. {@code msg_detailed_info} and {@code
 * msg_new_detailed_info} only make us acknowledge the answer id, or ask for it once (bounded like
 * every notice).
 *
 * <p>Clock skew: as the official description allows, a {@code bad_msg_notification} 16/17 or a
 * {@code bad_server_salt} about a message we really sent is accepted even when its msg_id is
 * outside the 300 s / 30 s window: the clock is synced from it and the message resent. At most
 * {@value #MAX_SKEWED_NOTICES} such notices in a row are accepted (the count restarts with any
 * message inside the window); another is rejected as {@link MessageRejectedException.Reason#MSG_ID_TIME}.
 */
public final class MtprotoConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MtprotoConnection.class);
  private static final int MSG_CONTAINER = 0x73f1f8dc;
  private static final int RPC_RESULT = 0xf35c6d01;
  private static final int RPC_ERROR = 0x2144ca19;
  private static final int MSGS_ACK = 0x62d6b459;
  private static final int BAD_MSG_NOTIFICATION = 0xa7eff811;
  private static final int BAD_SERVER_SALT = 0xedab447b;
  /** Pending acks kept at most while they cannot be sent; older ones are forgotten. */
  static final int MAX_PENDING_ACKS = 4 * 8192;
  /**
   * Internal notices without an answer (msgs_state_info, msg_resend_req) waiting to be sent at
   * most; more are dropped (the server asks again), so a server that stops reading while it keeps
   * asking cannot grow the send queue.
   */
  static final int MAX_QUEUED_NOTICES = 1024;
  /** Notices outside the time window accepted in a row to resync the clock. */
  static final int MAX_SKEWED_NOTICES = 3;
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
  /** For everything but a waiting call's result: never zero-copy, so nothing unsolicited holds a buffer. */
  private final TlReader.Options copyingOptions;
  private final CompletableFuture<MtprotoConnection> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final String name;
  private final long sessionId;

  // ---- state read from any thread
  private volatile AuthKey authKey;
  private volatile long salt;
  /** Set once the connection is closing: no frame is processed and nothing is sent any more. */
  private volatile boolean closing;
  /** Calls and bytes accepted by invoke and not yet written (backpressure; any thread). */
  private final AtomicInteger queuedCalls = new AtomicInteger();
  private final AtomicLong queuedBytes = new AtomicLong();
  /** Updates waiting for the listener; guarded by itself. */
  private final ArrayDeque<QueuedUpdate> updates = new ArrayDeque<>();
  private long updateBytes;
  private boolean updatesDraining;
  private int updatesHighWater;
  private long updatesDropped;

  // ---- state confined to the event loop
  private final MsgIdGenerator msgIds;
  private final SeqNo seqNo = new SeqNo();
  private final ReplayWindow replay = new ReplayWindow(1024);
  private final LongObjectHashMap<Pending> pending = new LongObjectHashMap<>();
  private final LongObjectHashMap<long[]> containers = new LongObjectHashMap<>();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final ArrayDeque<Long> acks = new ArrayDeque<>();
  private final List<FutureSalt> futureSalts = new ArrayList<>();
  private int containerSweepAt = CONTAINER_SWEEP_MIN;
  private int queuedNotices;
  private boolean flushScheduled;
  private boolean saltsRequested;
  private ScheduledFuture<?> ackTimer;
  private ScheduledFuture<?> pingTimer;
  private ScheduledFuture<?> handshakeTimer;
  private boolean firstCallSent;
  private ClientKeyExchange exchange;
  private Throwable closeCause;
  private long lastReadNanos = System.nanoTime();
  private int skewedNotices;

  private MtprotoConnection(ConnectionOptions options, Channel channel) {
    this.options = options;
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.msgIds = new MsgIdGenerator(options.clock);
    this.msgIds.setOffsetMillis(options.timeOffsetMillis);
    this.readerOptions = TlReader.Options.DEFAULT.withZeroCopyThreshold(Math.max(1, options.zeroCopyThreshold));
    this.inflateBudget = InflateBudget.of(readerOptions.maxInflatedSize());
    this.copyingOptions = readerOptions.withZeroCopyThreshold(Integer.MAX_VALUE);
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
   *
   * <p>Backpressure: when the connection already holds its maximum of unsent calls or bytes (see
   * {@link ConnectionOptions.Builder#maxQueuedRequests}), the future fails at once with {@link
   * SendQueueFullException} and nothing is sent. A call the server keeps rejecting fails with
   * {@link ResendLimitException} after {@link ConnectionOptions.Builder#maxResends} resends.
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
    if (!reserve(body.length)) {
      result.completeExceptionally(new SendQueueFullException(name + ": " + options.maxQueuedRequests
          + " calls or " + options.maxQueuedBytes + " bytes already wait to be sent"));
      return result;
    }
    Pending p = new Pending(method, body, Kind.CALL, timeout, result);
    p.reserved = body.length;
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        execute(() -> cancel(p));
      }
    });
    if (!execute(() -> enqueue(p))) {
      // "... is closed": the request never left (the event loop is gone)
      p.unreserve();
      result.completeExceptionally(new ConnectionClosedException(name + " is closed", null, false));
    }
    return result;
  }

  /** Counts a call of {@code size} bytes as queued, unless that goes past the bounds. */
  private boolean reserve(int size) {
    int calls = queuedCalls.incrementAndGet();
    long bytes = queuedBytes.addAndGet(size);
    if (calls > options.maxQueuedRequests || (bytes > options.maxQueuedBytes && calls > 1)) {
      queuedCalls.decrementAndGet();
      queuedBytes.addAndGet(-size);
      return false;
    }
    return true;
  }

  /** Bytes of calls accepted by {@link #invoke} and not yet written to the channel (tests, metrics). */
  long queuedBytes() {
    return queuedBytes.get();
  }

  /** Calls accepted by {@link #invoke} and not yet written to the channel (tests, metrics). */
  int queuedCalls() {
    return queuedCalls.get();
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
      throw new java.io.UncheckedIOException(e); // an in-memory stream does not fail
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
    /** How many times the server made us send it again. */
    int resends;
    /** Bytes counted in {@link #queuedBytes} until first written; -1 when not counted. */
    int reserved = -1;

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
      unreserve();
      if (timer != null) {
        timer.cancel(false);
      }
      return !result.isDone();
    }

    /** Stops counting this call as queued (it was written, or it is finished). */
    void unreserve() {
      if (reserved >= 0) {
        queuedCalls.decrementAndGet();
        queuedBytes.addAndGet(-reserved);
        reserved = -1;
      }
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
      p.fail(new ConnectionClosedException(name + " is closed", closeCause, false));
      return;
    }
    if (p.result.isDone()) {
      return; // cancelled before it was sent
    }
    if (p.timer == null && p.timeout != null && p.timeout.compareTo(Duration.ZERO) > 0) {
      p.timer = loop.schedule(() -> timeout(p), p.timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    queue.add(p);
    if (p.kind == Kind.NOTICE) {
      queuedNotices++;
    }
    scheduleFlush();
  }

  /** Takes the head of the send queue, keeping the count of queued notices. */
  private Pending pollQueue() {
    Pending p = queue.poll();
    if (p != null && p.kind == Kind.NOTICE) {
      queuedNotices--;
    }
    return p;
  }

  /** Queues an internal message: a query with an answer, or a notice without one (bounded, see {@link #MAX_QUEUED_NOTICES}). */
  private void enqueueInternal(TlObject message, Kind kind, boolean contentRelated, Duration timeout) {
    if (kind == Kind.NOTICE && queuedNotices >= MAX_QUEUED_NOTICES) {
      LOG.debug("{}: {} notices wait to be sent already: dropping {}", name, queuedNotices, message.tlName());
      return;
    }
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
    p.unreserve();
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
    // backpressure: write only while the channel is writable; channelWritabilityChanged resumes
    while ((!queue.isEmpty() || !acks.isEmpty()) && channel.isWritable()) {
      byte[] ackBody = null;
      if (!acks.isEmpty()) {
        int n = Math.min(acks.size(), MAX_IDS);
        List<Long> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          ids.add(acks.poll());
        }
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
          pollQueue();
          continue;
        }
        try {
          wrapFirstCall(p);
        } catch (RuntimeException e) {
          pollQueue();
          p.fail(e); // the wrapper could not be applied or serialized: this call fails, not the queue
          continue;
        }
        if (!batch.isEmpty() && bytes + p.body.length + 16 > budget) {
          break;
        }
        pollQueue();
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
          p.unreserve();
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
        for (Pending p : batch) {
          p.unreserve();
        }
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

  /** Whether the channel accepts writes now (tests of backpressure). */
  boolean writable() {
    return channel.isWritable();
  }

  /** Messages of any kind waiting in the send queue (tests). */
  int queuedMessages() {
    return onLoop(queue::size);
  }

  /** Acknowledgements waiting to be sent (tests). */
  int pendingAcks() {
    return onLoop(acks::size);
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
    if (acks.size() >= MAX_PENDING_ACKS) {
      acks.poll(); // acks are best effort: the server asks again (msgs_state_req) or resends
    }
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

  /**
   * Sends the referenced messages again under new msg_ids (a container's contents individually);
   * a message already resent {@code maxResends} times fails with {@link ResendLimitException}.
   */
  private void resend(long badMsgId, String reason) {
    long[] inner = containers.remove(badMsgId);
    if (inner != null) {
      for (long id : inner) {
        resend(id, reason);
      }
      return;
    }
    Pending p = pending.remove(badMsgId);
    if (p != null && !p.done) {
      if (p.resends >= options.maxResends) {
        LOG.warn("{}: {} rejected {} times, last by {}: giving up", name, p.method.tlName(), p.resends + 1, reason);
        if (p.method instanceof GetFutureSalts) {
          saltsRequested = false;
        }
        p.fail(new ResendLimitException(p.method.tlName(), p.resends + 1, reason));
        return;
      }
      p.resends++;
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
        } catch (Throwable e) { // an Error from a decoder: close, so that every waiting call completes
          LOG.warn("{}: dropping connection after an error while reading a message", name, e);
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
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
      if (ctx.channel().isWritable()) {
        scheduleFlush(); // backpressure: write what waited while the server was not reading
      }
      super.channelWritabilityChanged(ctx);
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
    ConnectionClosedException sent = new ConnectionClosedException(name + " closed", closeCause, true);
    ConnectionClosedException unsent = new ConnectionClosedException(name + " closed", closeCause, false);
    List<Pending> all = new ArrayList<>(pending.values());
    all.addAll(queue);
    pending.clear();
    queue.clear();
    queuedNotices = 0;
    containers.clear();
    acks.clear();
    exchange = null;
    for (Pending p : all) {
      p.fail(p.msgId != 0 ? sent : unsent); // a msg_id is assigned when the message is written
    }
    ready.completeExceptionally(closeCause instanceof KeyExchangeException k ? k : sent);
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
    try {
      Envelope.checkFromServer(p, sessionId, msgIds.serverTimeMillis(), replay);
      skewedNotices = 0;
    } catch (MessageRejectedException e) {
      if (e.reason() != MessageRejectedException.Reason.MSG_ID_TIME || !isClockNotice(p.body())
          || ++skewedNotices > MAX_SKEWED_NOTICES) {
        throw e;
      }
      // the docs allow these outside the window: adopt the server's clock, then check again
      LOG.info("{}: server clock differs from ours; syncing from its notice", name);
      msgIds.syncWith(p.msgId());
      Envelope.checkFromServer(p, sessionId, msgIds.serverTimeMillis(), replay);
    }
    inflateBudget = InflateBudget.of(readerOptions.maxInflatedSize()); // one for the whole packet
    onMessage(p.msgId(), p.seqNo(), p.body(), false);
  }

  /**
   * Whether {@code body} is a bad_msg_notification 16/17 or a bad_server_salt about a message we
   * sent and still track: the only messages accepted outside the msg_id time window. Reads
   * {@code body} without moving its indexes; the caller keeps owning it.
   */
  private boolean isClockNotice(ByteBuf body) {
    int at = body.readerIndex();
    if (body.readableBytes() < 20) {
      return false;
    }
    int id = body.getIntLE(at);
    long badMsgId = body.getLongLE(at + 4);
    if (id == BAD_MSG_NOTIFICATION) {
      int code = body.getIntLE(at + 16);
      return (code == 16 || code == 17) && sentByUs(badMsgId);
    }
    return id == BAD_SERVER_SALT && body.readableBytes() >= 28 && sentByUs(badMsgId);
  }

  private void onMessage(long msgId, int seq, ByteBuf body, boolean inContainer) {
    if (body.readableBytes() < 4) {
      throw new TlDecodeException("message shorter than a constructor id", 0, body.readerIndex());
    }
    int id = body.getIntLE(body.readerIndex());
    boolean contentRelated = (seq & 1) == 1;
    if ((id == RPC_RESULT && !contentRelated) || ((id == MSG_CONTAINER || id == MSGS_ACK) && contentRelated)) {
      throw new MessageRejectedException(MessageRejectedException.Reason.SEQ_NO);
    }
    if (contentRelated) {
      queueAck(msgId);
    }
    switch (id) {
      case MSG_CONTAINER -> {
        if (inContainer) {
          throw new TlDecodeException("nested msg_container", id, body.readerIndex());
        }
        onContainer(body);
      }
      case RPC_RESULT -> onRpcResult(body);
      default -> {
        int size = body.readableBytes();
        TlObject o = new TlReader(body, registry, copyingOptions, inflateBudget).readObject();
        if (o instanceof io.telefetch.tl.api.UpdatesType && !contentRelated && id != TlReader.GZIP_PACKED_ID) {
          throw new MessageRejectedException(MessageRejectedException.Reason.SEQ_NO);
        }
        onServiceMessage(msgId, o, size);
      }
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

  /**
   * An rpc_result: completes the waiting call, if any. {@code body} (from the constructor id on) is
   * read, not released: the caller owns it; a zero-copy result retains it through its own view.
   */
  private void onRpcResult(ByteBuf body) {
    body.skipBytes(4);
    if (body.readableBytes() < 12) {
      throw new TlDecodeException("truncated rpc_result", RPC_RESULT, body.readerIndex());
    }
    long reqMsgId = body.readLongLE();
    Pending p = pending.remove(reqMsgId);
    if (p == null) {
      // unknown, dropped, timed out or already answered: never decoded, so nothing is retained
      LOG.debug("{}: answer to unknown or dropped request {}", name, reqMsgId);
      return;
    }
    // Zero-copy slices of this result retain `view` (not tracked, owned here), which holds one
    // retained slice of the packet. On success the slices belong to the caller; on any failure
    // the references the half-decoded value took are dropped with the view.
    CompositeByteBuf view = new CompositeByteBuf(UnpooledByteBufAllocator.DEFAULT, false, 1);
    boolean decoded = false;
    try {
      // explicit indexes: the no-argument retainedSlice() of a leak-aware slice of a pooled slice
      // starts at the slice's index 0 instead of its reader index (Netty 4.1.138)
      view.addComponent(true, body.retainedSlice(body.readerIndex(), body.readableBytes()));
      decodeResult(p, view);
      decoded = true;
    } catch (TlDecodeException e) {
      p.fail(e); // this answer is unreadable; the stream itself is intact
    } catch (Throwable e) {
      // anything else (an Error from a decoder, a bug): the call completes, the connection closes
      p.fail(new TlDecodeException("answer to " + p.method.tlName() + " could not be decoded: " + e,
          RPC_RESULT, body.readerIndex(), e));
      throw new ProtocolViolation("undecodable answer to " + p.method.tlName(), e);
    } finally {
      if (decoded) {
        view.release();
      } else if (view.refCnt() > 0) {
        view.release(view.refCnt());
      }
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

  private void onServiceMessage(long msgId, TlObject o, int size) {
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
        resend(bad.badMsgId(), "bad_server_salt");
      }
    } else if (o instanceof BadMsgNotification bad) {
      onBadMsg(msgId, bad);
    } else if (o instanceof NewSessionCreated created) {
      onNewSession(created);
    } else if (o instanceof MsgsAck) {
      // acknowledgements of our messages: nothing to do, answers come separately
    } else if (o instanceof MsgResendReq req) {
      for (long id : req.msgIds()) {
        resend(id, "msg_resend_req");
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
      offerUpdate(update, size);
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
      resend(id, "new_session_created");
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
        resend(badId, "bad_msg_notification " + bad.errorCode());
      }
      case 32 -> {
        seqNo.adjust(64); // seqno too low: jump ahead, keep the session (and its pending answers)
        resend(badId, "bad_msg_notification 32");
      }
      case 33 -> {
        seqNo.adjust(-16); // seqno too high: step back
        resend(badId, "bad_msg_notification 33");
      }
      case 48, 64 -> resend(badId, "bad_msg_notification " + bad.errorCode());
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
  public static final class ProtocolViolation extends io.telefetch.mtproto.rpc.ProtocolViolationException {
    private static final long serialVersionUID = 1L;

    ProtocolViolation(String message) {
      super(message);
    }

    ProtocolViolation(String message, Throwable cause) {
      super(message, cause);
    }
  }

  // ------------------------------------------------------------------ updates (bounded)

  /** An update waiting for the listener, with the bytes it took on the wire; a null update is the overflow marker. */
  private record QueuedUpdate(TlObject update, int size) {
    boolean marker() {
      return size < 0;
    }
  }

  /**
   * Queues an update for the listener (event loop). Overflow (more than maxQueuedUpdates or
   * maxQueuedUpdateBytes): the oldest updates are dropped and one updatesTooLong stands at the head
   * of the queue in their place, telling the listener to fetch the difference.
   */
  private void offerUpdate(TlObject update, int size) {
    boolean start;
    synchronized (updates) {
      updates.addLast(new QueuedUpdate(update, size));
      updateBytes += size;
      while (updates.size() > options.maxQueuedUpdates
          || (updateBytes > options.maxQueuedUpdateBytes && updates.size() > 1)) {
        boolean hasMarker = updates.peekFirst().marker();
        if (hasMarker) {
          updates.pollFirst();
        }
        QueuedUpdate dropped = updates.pollFirst();
        updates.addFirst(new QueuedUpdate(new io.telefetch.tl.api.UpdatesTooLong(), -1));
        if (dropped == null || dropped.marker()) {
          break;
        }
        updateBytes -= dropped.size();
        updatesDropped++;
      }
      updatesHighWater = Math.max(updatesHighWater, updates.size());
      start = !updatesDraining;
      updatesDraining = true;
    }
    if (updatesDropped > 0 && (updatesDropped & (updatesDropped - 1)) == 0) {
      LOG.warn("{}: the update listener is too slow: {} updates dropped (updatesTooLong delivered instead)",
          name, updatesDropped);
    }
    if (start) {
      deliver(options.callbackExecutor, this::drainUpdates);
    }
  }

  /** Hands queued updates to the listener one at a time, in order (callback executor). */
  private void drainUpdates() {
    while (true) {
      QueuedUpdate u;
      synchronized (updates) {
        u = updates.pollFirst();
        if (u == null) {
          updatesDraining = false;
          return;
        }
        if (!u.marker()) {
          updateBytes -= u.size();
        }
      }
      try {
        options.updateListener.accept(u.update());
      } catch (RuntimeException e) {
        LOG.warn("{}: update listener failed on {}", name, u.update().tlName(), e);
      } catch (Error e) {
        synchronized (updates) {
          updatesDraining = false;
        }
        throw e;
      }
    }
  }

  /** Updates waiting for the listener now (tests, metrics). */
  int queuedUpdates() {
    synchronized (updates) {
      return updates.size();
    }
  }

  /** The most updates that ever waited for the listener at once (tests, metrics). */
  int queuedUpdatesHighWater() {
    synchronized (updates) {
      return updatesHighWater;
    }
  }

  /** Updates dropped because the listener was too slow (tests, metrics). */
  long droppedUpdates() {
    synchronized (updates) {
      return updatesDropped;
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
