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
import io.netty.util.ReferenceCountUtil;
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
import io.telefetch.mtproto.session.ClientSession;
import io.telefetch.mtproto.session.Envelope;
import io.telefetch.mtproto.session.MessageRejectedException;
import io.telefetch.mtproto.session.UpdateQueue;
import io.telefetch.mtproto.session.Wire;
import io.telefetch.mtproto.transport.FrameAllocator;
import io.telefetch.mtproto.transport.QuickAck;
import io.telefetch.mtproto.transport.TransportFrame;
import io.telefetch.mtproto.transport.TransportPipeline;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlObjects;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MTProto connection: one TCP connection with its transport, one auth key and one session to
 * one DC. {@link #invoke} sends typed requests from any thread; many may be in flight, answers are
 * matched by msg_id in any order.
 *
 * <p>This class is the Netty glue around an I/O-free {@link ClientSession}, which holds the whole
 * session (batching, acks, resends, salts, service messages, gzip, the bounded queues): it opens
 * the channel, drives the key exchange, decrypts packets into the session, encrypts the session's
 * {@link ClientSession.Send}s, maps the session's deadlines onto one event-loop timer and completes
 * callers' futures on the callback executor. What follows describes the behaviour of the two.
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
 * nothing at all arrived from the server meanwhile, the connection is considered dead and closed.
 * The same tick rotates the server salt from the future salts fetched with {@code get_future_salts}.
 *
 * <p>Bounds a hostile server cannot push past (each a {@link ConnectionOptions} value): a message
 * is resent at most {@code maxResends} times, then its call fails with {@link
 * ResendLimitException}; calls not yet written to the socket (the channel is not writable, e.g. the
 * server stopped reading) are limited in number and bytes, beyond which new calls fail at once with
 * {@link SendQueueFullException}, and writing resumes when the channel becomes writable again;
 * updates wait for the listener in a bounded queue whose overflow drops the oldest and puts one
 * {@code updatesTooLong} in their place; pending acks are capped at {@value ClientSession#MAX_PENDING_ACKS} (the
 * oldest are forgotten: acks are best effort).
 *
 * <p>Buffer ownership, undecodable answers, the seqno parity of received messages, ids we never
 * sent and clock skew: see {@link ClientSession}, which decides them.
 */
public final class MtprotoConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MtprotoConnection.class);
  private static final AtomicLong IDS = new AtomicLong();

  private final ConnectionOptions options;
  private final Channel channel;
  private final EventLoop loop;
  private final CompletableFuture<MtprotoConnection> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final String name;
  private final ClientSession session;
  private final UpdateQueue updates;

  // ---- state read from any thread
  private volatile AuthKey authKey;
  /** Set once the connection is closing: no frame is processed and nothing is sent any more. */
  private volatile boolean closing;

  // ---- state confined to the event loop
  private boolean flushScheduled;
  private ScheduledFuture<?> tickTimer;
  private long tickAt = Long.MAX_VALUE;
  private ScheduledFuture<?> handshakeTimer;
  private ClientKeyExchange exchange;
  private Throwable closeCause;

  private MtprotoConnection(ConnectionOptions options, Channel channel) {
    this.options = options;
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.authKey = options.authKey;
    this.name = "mtproto-" + IDS.incrementAndGet() + "-dc" + options.dcId;
    this.session = new ClientSession(ClientSession.Options.builder()
        .name(name)
        .clock(options.runtime.clock())
        .random(options.runtime.random())
        .serverSalt(options.serverSalt)
        .timeOffsetMillis(options.timeOffsetMillis)
        .pingInterval(options.timeouts.ping())
        .zeroCopyThreshold(options.zeroCopyThreshold)
        .maxResends(options.limits.maxResends())
        .maxQueued(options.limits.maxQueuedRequests(), options.limits.maxQueuedBytes())
        .firstCallWrapper(options.firstCallWrapper)
        .build());
    this.updates = new UpdateQueue(name, options.limits.maxQueuedUpdates(), options.limits.maxQueuedUpdateBytes(),
        options.runtime.callbacks(), options.updateListener);
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
        .group(options.runtime.group())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.ALLOCATOR, FrameAllocator.shared())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, options.timeouts.connect().toMillis()))
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
        deliver(options.runtime.callbacks(),
            () -> result.completeExceptionally(new ConnectionClosedException("cannot connect to " + options.address, f.cause())));
        return;
      }
      holder[0].ready.whenComplete((conn, e) -> deliver(options.runtime.callbacks(), () -> {
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
    return session.serverSalt();
  }

  /** The current estimate of server time minus local time, in milliseconds. */
  public long timeOffsetMillis() {
    return session.timeOffsetMillis();
  }

  /** The session id (fixed for the life of the connection). */
  public long sessionId() {
    return session.sessionId();
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
    return invoke(method, options.timeouts.call());
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
      body = Wire.maybeGzipPacked(Wire.serialize(method), options.gzipThreshold);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return result;
    }
    if (!session.budget().tryReserve(body.length)) {
      result.completeExceptionally(new SendQueueFullException(name + ": " + options.limits.maxQueuedRequests()
          + " calls or " + options.limits.maxQueuedBytes() + " bytes already wait to be sent"));
      return result;
    }
    ClientSession.Call call = new ClientSession.Call(method, body, timeout, result, true);
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        execute(() -> run(session.cancel(call, now())));
      }
    });
    if (!execute(() -> submit(call))) {
      // "... is closed": the request never left (the event loop is gone)
      session.budget().release(body.length);
      result.completeExceptionally(new ConnectionClosedException(name + " is closed", null, false));
    }
    return result;
  }

  private void submit(ClientSession.Call call) {
    if (closing || closeCause != null || !channel.isActive()) {
      run(session.cancel(call, now())); // forgets it and gives its reservation back
      ConnectionClosedException e = new ConnectionClosedException(name + " is closed", closeCause, false);
      deliver(options.runtime.callbacks(), () -> ((CompletableFuture<?>) call.attachment()).completeExceptionally(e));
      return;
    }
    run(session.submit(call, now()));
  }

  /** Bytes of calls accepted by {@link #invoke} and not yet written to the channel (tests, metrics). */
  long queuedBytes() {
    return session.budget().bytes();
  }

  /** Calls accepted by {@link #invoke} and not yet written to the channel (tests, metrics). */
  int queuedCalls() {
    return session.budget().calls();
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

  /** The disconnect_delay asked for with pings every {@code interval}; see {@link ClientSession#disconnectDelaySeconds}. */
  static int disconnectDelaySeconds(Duration interval) {
    return ClientSession.disconnectDelaySeconds(interval);
  }

  // ------------------------------------------------------------------ carrying out the session's actions (event loop)

  /** The session's clock: monotonic milliseconds (the options' clock only dates msg_ids). */
  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  /** Carries out {@code actions} in order, then schedules what the session asked for (a flush, a tick). */
  private void run(List<ClientSession.Action> actions) {
    for (ClientSession.Action a : actions) {
      if (a instanceof ClientSession.Send s) {
        send(s);
      } else if (a instanceof ClientSession.Complete c) {
        @SuppressWarnings("unchecked")
        CompletableFuture<Object> future = (CompletableFuture<Object>) c.call().attachment();
        Object value = c.value();
        deliver(options.runtime.callbacks(), () -> {
          if (!future.complete(value)) {
            ClientSession.releaseResult(value); // cancelled meanwhile
          }
        });
      } else if (a instanceof ClientSession.Fail f) {
        CompletableFuture<?> future = (CompletableFuture<?>) f.call().attachment();
        deliver(options.runtime.callbacks(), () -> future.completeExceptionally(f.error()));
      } else if (a instanceof ClientSession.Update u) {
        updates.offer(u.update(), u.size());
      } else if (a instanceof ClientSession.Close c) {
        if (c.cause() instanceof TimeoutException) {
          closeWith(c.cause()); // no pong
        } else {
          rejectInput(c.cause());
        }
      }
    }
    if (session.takeFlushRequest()) {
      scheduleFlush();
    }
    armTick();
  }

  private void scheduleFlush() {
    if (!flushScheduled && ready.isDone() && authKey != null) {
      flushScheduled = true;
      loop.execute(this::flush);
    }
  }

  /** Writes what the session has to send while the channel is writable (backpressure), then flushes. */
  private void flush() {
    flushScheduled = false;
    session.takeFlushRequest(); // this is the flush asked for
    if (closing || !channel.isActive()) {
      return;
    }
    while (session.hasOutgoing() && channel.isWritable()) {
      run(session.nextPacket(now()));
    }
    channel.flush();
  }

  /** Encrypts and writes one message of the session. */
  private void send(ClientSession.Send s) {
    ByteBuf data = Unpooled.wrappedBuffer(s.body());
    try {
      ByteBuf packet = Envelope.encrypt(channel.alloc(), authKey, Direction.CLIENT_TO_SERVER, s.salt(),
          session.sessionId(), s.msgId(), s.seqNo(), data, options.runtime.random());
      channel.write(TransportFrame.of(packet), channel.voidPromise());
    } finally {
      data.release();
    }
  }

  /** Keeps one event-loop timer at the session's earliest deadline. */
  private void armTick() {
    long at = session.nextTickAt();
    if (at >= tickAt || closing || at == Long.MAX_VALUE) {
      return;
    }
    if (tickTimer != null) {
      tickTimer.cancel(false);
    }
    tickAt = at;
    tickTimer = loop.schedule(() -> {
      tickTimer = null;
      tickAt = Long.MAX_VALUE;
      if (!closing) {
        run(session.onTick(now()));
      }
    }, Math.max(0, at - now()), TimeUnit.MILLISECONDS);
  }

  // ------------------------------------------------------------------ inspection (tests)

  /** Number of containers remembered for resends (tests). */
  int trackedContainers() {
    return onLoop(session::trackedContainers);
  }

  /** Whether the channel accepts writes now (tests of backpressure). */
  boolean writable() {
    return channel.isWritable();
  }

  /** Messages of any kind waiting in the send queue (tests). */
  int queuedMessages() {
    return onLoop(session::queuedMessages);
  }

  /** Acknowledgements waiting to be sent (tests). */
  int pendingAcks() {
    return onLoop(session::pendingAcks);
  }

  /** Number of messages waiting for an answer (tests). */
  int trackedRequests() {
    return onLoop(session::trackedRequests);
  }

  /** Updates waiting for the listener now (tests, metrics). */
  int queuedUpdates() {
    return updates.size();
  }

  /** The most updates that ever waited for the listener at once (tests, metrics). */
  int queuedUpdatesHighWater() {
    return updates.highWater();
  }

  /** Updates dropped because the listener was too slow (tests, metrics). */
  long droppedUpdates() {
    return updates.dropped();
  }

  /** Runs {@code task} on the event loop and returns its result (tests). */
  <T> T onLoop(java.util.concurrent.Callable<T> task) {
    try {
      return loop.submit(task).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ receiving (event loop)

  /** Notes when bytes last arrived, whatever they turn out to be (for the keep-alive). */
  private final class Activity extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      session.onActivity();
      ctx.fireChannelRead(msg);
    }
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      super.channelActive(ctx);
      if (authKey == null) {
        long millis = options.timeouts.connect().toMillis();
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
        } catch (Throwable e) { // an Error from a decoder too: close, so that every waiting call completes
          rejectInput(e);
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

  private void onFrame(ByteBuf packet) {
    if (exchange != null) {
      onPlainMessage(packet);
      return;
    }
    if (authKey == null) {
      throw new MessageRejectedException(MessageRejectedException.Reason.MALFORMED_PACKET);
    }
    run(session.onPacket(Envelope.decrypt(authKey, Direction.SERVER_TO_CLIENT, packet), now()));
  }

  /** Closes the connection after a packet that could not be accepted; logs why. */
  private void rejectInput(Throwable cause) {
    if (!closing) {
      if (cause instanceof MessageRejectedException e) {
        LOG.warn("{}: dropping connection after a rejected message ({})", name, e.reason());
      } else if (cause instanceof KeyExchangeException e) {
        LOG.warn("{}: key exchange failed ({}): {}", name, e.reason(), e.getMessage());
      } else if (cause instanceof RuntimeException) {
        LOG.warn("{}: dropping connection after a malformed message", name, cause);
      } else {
        LOG.warn("{}: dropping connection after an error while reading a message", name, cause);
      }
    }
    closeWith(cause);
  }

  /** Closes the channel because of {@code cause}, which waiting calls will carry. */
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
    for (ScheduledFuture<?> t : new ScheduledFuture<?>[] {tickTimer, handshakeTimer}) {
      if (t != null) {
        t.cancel(false);
      }
    }
    exchange = null;
    run(session.close(closeCause));
    ready.completeExceptionally(closeCause instanceof KeyExchangeException k ? k
        : new ConnectionClosedException(name + " closed", closeCause, true));
    closed.complete(null);
  }

  private void becomeReady() {
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
      handshakeTimer = null;
    }
    session.start(now());
    ready.complete(this);
    run(List.of());
  }

  // ------------------------------------------------------------------ key exchange (event loop)

  private void startExchange() {
    exchange = new ClientKeyExchange(ClientKeyExchange.Options.builder(options.rsaKeys, options.dcId)
        .random(options.runtime.random())
        .clock(options.runtime.clock())
        .build());
    sendPlain(exchange.firstRequest());
  }

  private void sendPlain(TlObject request) {
    ByteBuf data = Unpooled.wrappedBuffer(Wire.serialize(request));
    try {
      ByteBuf packet = Envelope.plain(channel.alloc(), session.nextMsgId(), data);
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
      session.onKeyCreated(done.serverSalt(), done.timeOffsetMillis());
      becomeReady();
    }
  }
}
