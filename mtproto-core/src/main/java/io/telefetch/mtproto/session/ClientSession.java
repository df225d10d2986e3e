package io.telefetch.mtproto.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.ProtocolViolationException;
import io.telefetch.mtproto.rpc.ResendLimitException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.mtproto.rpc.RpcTimeoutException;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one MTProto session as a state machine without I/O: what to send, which
 * call an answer completes, which messages to resend, when to ack, ping and rotate salts. A
 * connection feeds it decrypted packets, calls and clock ticks, and carries out the {@link Action}s
 * it returns; it never touches a socket, a thread or a clock of its own (the {@link Options#clock}
 * only dates msg_ids; every deadline is in the {@code now} the caller passes, any monotonic
 * millisecond count).
 *
 * <pre>{@code
 * ClientSession session = new ClientSession(options);
 * session.start(now());                          // the auth key exists
 * run(session.submit(call, now()));               // any time
 * while (writable() && session.hasOutgoing()) {   // whenever takeFlushRequest() says so
 *   run(session.nextPacket(now()));               // Send: encrypt with session.sessionId()
 * }
 * run(session.onPacket(Envelope.decrypt(...), now())); // every packet received
 * run(session.onTick(now()));                     // at session.nextTickAt()
 * run(session.close(cause));                      // the connection is gone
 * }</pre>
 *
 * <p>Batching: messages submitted before the next {@link #nextPacket} go out together in one
 * {@code msg_container} (at most {@value #MAX_CONTAINER_MESSAGES} messages and about {@value
 * #MAX_CONTAINER_BYTES} bytes) with any pending acks (at most {@value #MAX_IDS} ids per {@code
 * msgs_ack}); acks alone wait up to {@value #ACK_DELAY_MILLIS} ms or until {@value
 * #ACK_FLUSH_COUNT} are pending. Messages the server rejects (bad_server_salt, bad_msg_notification,
 * msg_resend_req, or lost with a server-side session reset reported by new_session_created) are
 * resent under a new msg_id from their serialized body, at most {@code maxResends} times, then the
 * call fails with {@link ResendLimitException}.
 *
 * <p>Received packets: the session checks what depends on it ({@link Envelope#checkFromServer}:
 * session id, msg_id parity, time window, replay; msg_seqno parity of content-related and service
 * messages), and any failure, malformed message or error while decoding ends in a {@link Close}.
 * Clock skew: a {@code bad_msg_notification} 16/17 or a {@code bad_server_salt} about a message we
 * really sent is accepted outside the time window to resync the clock, at most {@value
 * #MAX_SKEWED_NOTICES} times in a row. gzip_packed values of one packet share one {@link
 * InflateBudget}.
 *
 * <p>Buffer ownership: zero-copy {@code bytes} slices are made only for the result of a call that
 * a caller waits for, and then belong to that caller: they travel in the value of its {@link Complete} and belong
 * to whoever runs the action (release with {@link #releaseResult} if nobody takes it). Everything else the server sends (service
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
 * {@code pong} and {@code msg_resend_req} naming ids this session does not track are ignored:
 * no resend, no salt or clock change, no call completed. {@code msg_detailed_info} and {@code
 * msg_new_detailed_info} only make us acknowledge the answer id, or ask for it once (bounded like
 * every notice).
 *
 * <p>Clock skew: as the official description allows, a {@code bad_msg_notification} 16/17 or a
 * {@code bad_server_salt} about a message we really sent is accepted even when its msg_id is
 * outside the 300 s / 30 s window: the clock is synced from it and the message resent. At most
 * {@value #MAX_SKEWED_NOTICES} such notices in a row are accepted (the count restarts with any
 * message inside the window); another is rejected as {@link MessageRejectedException.Reason#MSG_ID_TIME}.
 * <p>Not thread-safe: one thread drives one session, except {@link #budget()}, {@link
 * #serverSalt()}, {@link #timeOffsetMillis()} and {@link #sessionId()}, which any thread may read.
 */
public final class ClientSession {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
  /** Pending acks kept at most while they cannot be sent; older ones are forgotten. */
  public static final int MAX_PENDING_ACKS = 4 * 8192;
  /** Internal notices without an answer (msgs_state_info, msg_resend_req) waiting to be sent at most; more are dropped. */
  public static final int MAX_QUEUED_NOTICES = 1024;
  /** Notices outside the time window accepted in a row to resync the clock. */
  public static final int MAX_SKEWED_NOTICES = 3;
  /** Messages per outgoing container (the protocol allows 1024). */
  public static final int MAX_CONTAINER_MESSAGES = 1020;
  /** Bytes of message bodies per outgoing container (a larger single message goes alone). */
  public static final int MAX_CONTAINER_BYTES = 1 << 20;
  /** Ids per msgs_ack, msg_resend_req or msgs_state_info (the protocol's limit). */
  public static final int MAX_IDS = 8192;
  /** This many pending acks are sent at once; fewer wait up to {@link #ACK_DELAY_MILLIS}. */
  public static final int ACK_FLUSH_COUNT = 64;
  /** How long fewer than {@link #ACK_FLUSH_COUNT} acks wait for something to travel with. */
  public static final long ACK_DELAY_MILLIS = 100;
  /** Timeout of internal queries (get_future_salts, rpc_drop_answer). */
  static final long INTERNAL_TIMEOUT_MILLIS = 30_000;
  /** Containers remembered before forgetting those whose messages were all answered. */
  private static final int CONTAINER_SWEEP_MIN = 256;
  private static final int FUTURE_SALTS = 8;

  // ------------------------------------------------------------------ actions

  /** What the connection must do, in the order returned. */
  public sealed interface Action permits Send, Complete, Fail, Update, Close {}

  /**
   * Encrypt and write one message: {@code body} under {@code salt}, {@code msgId} and {@code seqNo}
   * of this session ({@link #sessionId()}); a container when several messages travel together.
   * The array belongs to the receiver.
   */
  public record Send(long salt, long msgId, int seqNo, byte[] body) implements Action {
    /** Creates the action. */
    public Send {
      Objects.requireNonNull(body, "body");
    }
  }

  /**
   * Complete {@code call} with {@code value}. Zero-copy slices in the value belong to whoever runs
   * the action: hand them to the caller, or {@link #releaseResult} them if the caller is gone.
   */
  public record Complete(Call call, Object value) implements Action {}

  /** Fail {@code call} with {@code error}. */
  public record Fail(Call call, Throwable error) implements Action {}

  /** Hand {@code update} (which took {@code size} bytes on the wire) to the update listener. */
  public record Update(TlObject update, int size) implements Action {}

  /**
   * Close the connection because of {@code cause} (a rejected packet, a malformed message, no
   * pong...), then {@link #close} this session with it.
   */
  public record Close(Throwable cause) implements Action {
    /** Creates the action. */
    public Close {
      Objects.requireNonNull(cause, "cause");
    }
  }

  // ------------------------------------------------------------------ calls

  /** What a queued message is, which decides how it is tracked and what its timeout does. */
  enum Kind {
    /** A caller's request: tracked; a timeout fails it and drops the answer (rpc_drop_answer). */
    CALL,
    /** An internal query with an answer (get_future_salts, rpc_drop_answer): a timeout forgets it. */
    QUERY,
    /** The keep-alive ping: a timeout with nothing received meanwhile closes the connection. */
    PING,
    /** An internal message without an answer (msgs_state_info, msg_resend_req): sent, never tracked. */
    NOTICE
  }

  /**
   * A caller's request, or an internal message, waiting to be sent or answered. A caller makes
   * one with {@link #Call(TlMethod, byte[], Duration, Object, boolean)}; the session completes it
   * at most once through a {@link Complete} or {@link Fail}.
   */
  public static final class Call {
    final TlMethod<?> method;
    /** The serialized message; replaced once by the first-call wrapper, reused by every resend. */
    byte[] body;
    final Kind kind;
    final boolean contentRelated;
    final long timeoutMillis;
    final Object attachment;
    long msgId;
    Timer timer;
    boolean done;
    int resends;
    /** Bytes counted in the budget until first written; -1 when not counted. */
    int reserved = -1;
    /** The session's activity count when it was queued (pings). */
    long activityAtCreation;

    /**
     * A caller's request.
     *
     * @param method the method (its result type decodes the answer)
     * @param body its serialized form (maybe gzip_packed), see {@link Wire#maybeGzipPacked}
     * @param timeout how long to wait for the answer from submission; null, zero or negative waits forever
     * @param attachment whatever the caller needs to complete it (a future), see {@link #attachment()}
     * @param reserved whether {@code body.length} bytes were reserved in the session's {@link #budget()}
     */
    public Call(TlMethod<?> method, byte[] body, Duration timeout, Object attachment, boolean reserved) {
      this(method, body, Kind.CALL, true, timeout, attachment);
      if (reserved) {
        this.reserved = body.length;
      }
    }

    Call(TlMethod<?> method, byte[] body, Kind kind, boolean contentRelated, Duration timeout, Object attachment) {
      this.method = Objects.requireNonNull(method, "method");
      this.body = Objects.requireNonNull(body, "body");
      this.kind = kind;
      this.contentRelated = contentRelated;
      this.timeoutMillis = timeout == null || timeout.isNegative() ? 0 : timeout.toMillis();
      this.attachment = attachment;
    }

    /** The method. */
    public TlMethod<?> method() {
      return method;
    }

    /** What the caller attached. */
    public Object attachment() {
      return attachment;
    }

    /** Whether it was ever written (a msg_id is assigned when written). */
    public boolean sent() {
      return msgId != 0;
    }

    /** Whether the session is done with it. */
    public boolean done() {
      return done;
    }

    @Override
    public String toString() {
      return method.tlName() + (msgId != 0 ? "#" + msgId : "");
    }
  }

  /** A deadline: a call's timeout, the ack delay or the keep-alive. */
  static final class Timer {
    final long at;
    final long seq;
    final Call call;
    final int type;

    Timer(long at, long seq, Call call, int type) {
      this.at = at;
      this.seq = seq;
      this.call = call;
      this.type = type;
    }
  }

  private static final int TIMER_CALL = 0;
  private static final int TIMER_ACK = 1;
  private static final int TIMER_KEEPALIVE = 2;

  // ------------------------------------------------------------------ options

  /** How a session behaves: an immutable value with a {@link Builder}. */
  public static final class Options {
    final String name;
    final Clock clock;
    final SecureRandom random;
    final long serverSalt;
    final long timeOffsetMillis;
    final Duration pingInterval;
    final int zeroCopyThreshold;
    final int maxResends;
    final int maxQueuedRequests;
    final long maxQueuedBytes;
    final UnaryOperator<TlMethod<?>> firstCallWrapper;

    private Options(Builder b) {
      this.name = b.name;
      this.clock = b.clock;
      this.random = b.random;
      this.serverSalt = b.serverSalt;
      this.timeOffsetMillis = b.timeOffsetMillis;
      this.pingInterval = b.pingInterval;
      this.zeroCopyThreshold = b.zeroCopyThreshold;
      this.maxResends = b.maxResends;
      this.maxQueuedRequests = b.maxQueuedRequests;
      this.maxQueuedBytes = b.maxQueuedBytes;
      this.firstCallWrapper = b.firstCallWrapper;
    }

    /** A builder with defaults: system clock, no keep-alive, 5 resends, 4096 calls or 64 MiB queued. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder starting from these options. */
    public Builder newBuilder() {
      Builder b = new Builder();
      b.name = name;
      b.clock = clock;
      b.random = random;
      b.serverSalt = serverSalt;
      b.timeOffsetMillis = timeOffsetMillis;
      b.pingInterval = pingInterval;
      b.zeroCopyThreshold = zeroCopyThreshold;
      b.maxResends = maxResends;
      b.maxQueuedRequests = maxQueuedRequests;
      b.maxQueuedBytes = maxQueuedBytes;
      b.firstCallWrapper = firstCallWrapper;
      return b;
    }

    /** Builds {@link Options}. */
    public static final class Builder {
      private String name = "session";
      private Clock clock = Clock.systemUTC();
      private SecureRandom random = new SecureRandom();
      private long serverSalt;
      private long timeOffsetMillis;
      private Duration pingInterval;
      private int zeroCopyThreshold = TlReader.Options.DEFAULT.zeroCopyThreshold();
      private int maxResends = 5;
      private int maxQueuedRequests = 4096;
      private long maxQueuedBytes = 64L << 20;
      private UnaryOperator<TlMethod<?>> firstCallWrapper = UnaryOperator.identity();

      private Builder() {}

      /** The name in log lines and exception messages. */
      public Builder name(String name) {
        this.name = Objects.requireNonNull(name);
        return this;
      }

      /** The clock msg_ids are dated with (server time is this clock plus the offset). */
      public Builder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
      }

      /** The randomness of the session id and of ping ids. */
      public Builder random(SecureRandom random) {
        this.random = Objects.requireNonNull(random);
        return this;
      }

      /** The first server salt. */
      public Builder serverSalt(long serverSalt) {
        this.serverSalt = serverSalt;
        return this;
      }

      /** The first estimate of server time minus local time. */
      public Builder timeOffsetMillis(long timeOffsetMillis) {
        this.timeOffsetMillis = timeOffsetMillis;
        return this;
      }

      /** Keep-alive pings and salt rotation every {@code interval}; null or zero: none. */
      public Builder pingInterval(Duration interval) {
        this.pingInterval = interval;
        return this;
      }

      /** Results' {@code bytes} at least this long are zero-copy slices of the packet. */
      public Builder zeroCopyThreshold(int threshold) {
        this.zeroCopyThreshold = threshold;
        return this;
      }

      /** Resends of one message the server rejects before its call fails. */
      public Builder maxResends(int maxResends) {
        this.maxResends = maxResends;
        return this;
      }

      /** The {@link SendBudget}: calls and bytes accepted and not yet written. */
      public Builder maxQueued(int calls, long bytes) {
        this.maxQueuedRequests = calls;
        this.maxQueuedBytes = bytes;
        return this;
      }

      /** Wraps the first API call (invokeWithLayer(initConnection(...))). */
      public Builder firstCallWrapper(UnaryOperator<TlMethod<?>> wrapper) {
        this.firstCallWrapper = Objects.requireNonNull(wrapper);
        return this;
      }

      /** The options. */
      public Options build() {
        return new Options(this);
      }
    }
  }

  // ------------------------------------------------------------------ state

  private final Options options;
  private final String name;
  private final long sessionId;
  private final SendBudget budget;
  private final TlRegistry registry = TlRegistry.standard();
  private final TlReader.Options readerOptions;
  /** For everything but a waiting call's result: never zero-copy, so nothing unsolicited holds a buffer. */
  private final TlReader.Options copyingOptions;
  private InflateBudget inflateBudget;
  private final MsgIdGenerator msgIds;
  private final SeqNo seqNo = new SeqNo();
  private final ReplayWindow replay = new ReplayWindow(1024);
  private final LongObjectHashMap<Call> pending = new LongObjectHashMap<>();
  private final LongObjectHashMap<long[]> containers = new LongObjectHashMap<>();
  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  private final ArrayDeque<Long> acks = new ArrayDeque<>();
  private final List<FutureSalt> futureSalts = new ArrayList<>();
  private final TreeSet<Timer> timers = new TreeSet<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final List<Action> actions = new ArrayList<>();
  private volatile long salt;
  private long timerSeq;
  private int containerSweepAt = CONTAINER_SWEEP_MIN;
  private int queuedNotices;
  private boolean saltsRequested;
  private boolean firstCallSent;
  private boolean started;
  private boolean closed;
  private Throwable closeCause;
  private boolean flushWanted;
  private Timer ackTimer;
  private long activity;
  private int skewedNotices;
  private long now;

  /** A new session (a random session id) that sends nothing until {@link #start}. */
  public ClientSession(Options options) {
    this.options = Objects.requireNonNull(options, "options");
    this.name = options.name;
    this.sessionId = options.random.nextLong();
    this.budget = new SendBudget(options.maxQueuedRequests, options.maxQueuedBytes);
    this.msgIds = new MsgIdGenerator(options.clock);
    this.msgIds.setOffsetMillis(options.timeOffsetMillis);
    this.readerOptions = TlReader.Options.DEFAULT.withZeroCopyThreshold(Math.max(1, options.zeroCopyThreshold));
    this.copyingOptions = readerOptions.withZeroCopyThreshold(Integer.MAX_VALUE);
    this.inflateBudget = InflateBudget.of(readerOptions.maxInflatedSize());
    this.salt = options.serverSalt;
  }

  // ------------------------------------------------------------------ read from any thread

  /** The session id (fixed for the life of the session). */
  public long sessionId() {
    return sessionId;
  }

  /** The current server salt. */
  public long serverSalt() {
    return salt;
  }

  /** The current estimate of server time minus local time, in milliseconds. */
  public long timeOffsetMillis() {
    return msgIds.offsetMillis();
  }

  /** The bound on calls not yet written; reserve from any thread before {@link #submit}. */
  public SendBudget budget() {
    return budget;
  }

  // ------------------------------------------------------------------ inputs

  /** The next msg_id (for the unencrypted messages of the key exchange, before {@link #start}). */
  public long nextMsgId() {
    return msgIds.next();
  }

  /** A key exchange finished: adopt its first salt and clock offset. */
  public void onKeyCreated(long serverSalt, long timeOffsetMillis) {
    this.salt = serverSalt;
    msgIds.setOffsetMillis(timeOffsetMillis);
  }

  /** The auth key exists: start sending (queued calls go out) and keeping alive. */
  public void start(long now) {
    this.now = now;
    started = true;
    if (options.pingInterval != null && options.pingInterval.compareTo(Duration.ZERO) > 0) {
      addTimer(now + options.pingInterval.toMillis(), null, TIMER_KEEPALIVE);
    }
    flushWanted = true;
  }

  /** Queues a caller's {@code call}; it goes out with the next {@link #nextPacket}. */
  public List<Action> submit(Call call, long now) {
    this.now = now;
    enqueue(call);
    return drain();
  }

  /**
   * The caller gave up on {@code call}: forget it (no {@link Complete} nor {@link Fail} follows),
   * and ask the server to drop its answer if it was sent.
   */
  public List<Action> cancel(Call call, long now) {
    this.now = now;
    if (!call.done) {
      call.done = true;
      unreserve(call);
      removeTimer(call);
      queue.remove(call);
      if (call.msgId != 0 && pending.remove(call.msgId) != null) {
        dropAnswer(call.msgId);
      }
    }
    return drain();
  }

  /** Something arrived from the server (whatever it turns out to be): the keep-alive's sign of life. */
  public void onActivity() {
    activity++;
  }

  /**
   * A decrypted packet (its msg_key, length and padding checked by {@link Envelope#decrypt}). The
   * body is read, not released: the caller keeps owning the packet. Any failure ends in a {@link
   * Close} after the actions of what was handled before it.
   */
  public List<Action> onPacket(Envelope.Plaintext packet, long now) {
    this.now = now;
    if (closed) {
      return List.of();
    }
    try {
      try {
        Envelope.checkFromServer(packet, sessionId, msgIds.serverTimeMillis(), replay);
        skewedNotices = 0;
      } catch (MessageRejectedException e) {
        if (e.reason() != MessageRejectedException.Reason.MSG_ID_TIME || !isClockNotice(packet.body())
            || ++skewedNotices > MAX_SKEWED_NOTICES) {
          throw e;
        }
        // the docs allow these outside the window: adopt the server's clock, then check again
        LOG.info("{}: server clock differs from ours; syncing from its notice", name);
        msgIds.syncWith(packet.msgId());
        Envelope.checkFromServer(packet, sessionId, msgIds.serverTimeMillis(), replay);
      }
      inflateBudget = InflateBudget.of(readerOptions.maxInflatedSize()); // one for the whole packet
      onMessage(packet.msgId(), packet.seqNo(), packet.body(), false);
    } catch (Throwable e) {
      actions.add(new Close(e));
    }
    return drain();
  }

  /** Runs every deadline due at {@code now}: timeouts, the ack delay, keep-alive and salt rotation. */
  public List<Action> onTick(long now) {
    this.now = now;
    while (!timers.isEmpty() && timers.first().at <= now && !closed) {
      Timer t = timers.pollFirst();
      switch (t.type) {
        case TIMER_CALL -> {
          t.call.timer = null;
          timeout(t.call);
        }
        case TIMER_ACK -> {
          ackTimer = null;
          requestFlush();
        }
        default -> {
          long next = t.at + options.pingInterval.toMillis();
          addTimer(next > now ? next : now + options.pingInterval.toMillis(), null, TIMER_KEEPALIVE);
          keepAlive();
        }
      }
    }
    return drain();
  }

  /** When {@link #onTick} should run next (any monotonic millisecond count); {@link Long#MAX_VALUE} if never. */
  public long nextTickAt() {
    return timers.isEmpty() ? Long.MAX_VALUE : timers.first().at;
  }

  /**
   * Whether something asked for {@link #nextPacket} to run since the last call (a submission, acks
   * due, a resend): clears the request. Run the flush soon, after the current batch of inputs, so
   * that what they queued travels together.
   */
  public boolean takeFlushRequest() {
    boolean wanted = flushWanted && started && !closed;
    flushWanted = false;
    return wanted;
  }

  /** Whether {@link #nextPacket} has something to send. */
  public boolean hasOutgoing() {
    return started && !closed && (!queue.isEmpty() || !acks.isEmpty());
  }

  /**
   * The next packet's worth of queued messages and acks: one {@link Send} (a single message or a
   * container), preceded by the {@link Fail}s of calls that could not be prepared. Empty when
   * nothing waits. Call while the connection can write and {@link #hasOutgoing()}.
   */
  public List<Action> nextPacket(long now) {
    this.now = now;
    if (!hasOutgoing()) {
      return drain();
    }
    byte[] ackBody = null;
    if (!acks.isEmpty()) {
      int n = Math.min(acks.size(), MAX_IDS);
      List<Long> ids = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ids.add(acks.poll());
      }
      ackBody = Wire.serialize(new MsgsAck(ids));
    }
    if (acks.isEmpty() && ackTimer != null) {
      timers.remove(ackTimer);
      ackTimer = null;
    }
    int budgetBytes = MAX_CONTAINER_BYTES - (ackBody == null ? 0 : ackBody.length + Wire.MESSAGE_HEADER);
    List<Call> batch = new ArrayList<>();
    int bytes = 0;
    while (!queue.isEmpty() && batch.size() < MAX_CONTAINER_MESSAGES) {
      Call p = queue.peek();
      if (p.done) {
        pollQueue();
        continue;
      }
      try {
        wrapFirstCall(p);
      } catch (RuntimeException e) {
        pollQueue();
        fail(p, e); // the wrapper could not be applied or serialized: this call fails, not the queue
        continue;
      }
      if (!batch.isEmpty() && bytes + p.body.length + Wire.MESSAGE_HEADER > budgetBytes) {
        break;
      }
      pollQueue();
      batch.add(p);
      bytes += p.body.length + Wire.MESSAGE_HEADER;
    }
    int count = batch.size() + (ackBody == null ? 0 : 1);
    if (count == 1) {
      if (ackBody != null) {
        actions.add(new Send(salt, msgIds.next(), seqNo.next(false), ackBody));
      } else {
        Call p = batch.get(0);
        assignMsgId(p);
        actions.add(new Send(salt, p.msgId, seqNo.next(p.contentRelated), p.body));
        unreserve(p);
      }
    } else if (count > 1) {
      List<Wire.Message> messages = new ArrayList<>(count);
      long[] inner = new long[batch.size()];
      for (int i = 0; i < batch.size(); i++) {
        Call p = batch.get(i);
        assignMsgId(p);
        inner[i] = p.msgId;
        messages.add(new Wire.Message(p.msgId, seqNo.next(p.contentRelated), p.body));
      }
      if (ackBody != null) {
        messages.add(new Wire.Message(msgIds.next(), seqNo.next(false), ackBody));
      }
      long containerId = msgIds.next();
      containers.put(containerId, inner);
      actions.add(new Send(salt, containerId, seqNo.next(false), Wire.container(messages)));
      for (Call p : batch) {
        unreserve(p);
      }
      sweepContainers();
    }
    return drain();
  }

  /**
   * The connection is gone: every call still waiting fails with {@link ConnectionClosedException}
   * (saying whether it was sent), and every later submission fails at once. Idempotent.
   */
  public List<Action> close(Throwable cause) {
    if (closed) {
      return drain();
    }
    closed = true;
    closeCause = cause;
    ConnectionClosedException sent = new ConnectionClosedException(name + " closed", cause, true);
    ConnectionClosedException unsent = new ConnectionClosedException(name + " closed", cause, false);
    List<Call> all = new ArrayList<>(pending.values());
    all.addAll(queue);
    pending.clear();
    queue.clear();
    queuedNotices = 0;
    containers.clear();
    acks.clear();
    timers.clear();
    ackTimer = null;
    for (Call p : all) {
      p.timer = null;
      fail(p, p.msgId != 0 ? sent : unsent); // a msg_id is assigned when the message is written
    }
    return drain();
  }

  /** Whether {@link #close} ran. */
  public boolean isClosed() {
    return closed;
  }

  // ------------------------------------------------------------------ inspection (tests, metrics)

  /** Containers remembered for resends. */
  public int trackedContainers() {
    return containers.size();
  }

  /** Messages of any kind waiting in the send queue. */
  public int queuedMessages() {
    return queue.size();
  }

  /** Acknowledgements waiting to be sent. */
  public int pendingAcks() {
    return acks.size();
  }

  /** Messages waiting for an answer. */
  public int trackedRequests() {
    return pending.size();
  }

  // ------------------------------------------------------------------ sending

  private List<Action> drain() {
    if (actions.isEmpty()) {
      return List.of();
    }
    List<Action> out = new ArrayList<>(actions);
    actions.clear();
    return out;
  }

  private void addTimer(long at, Call call, int type) {
    Timer t = new Timer(at, timerSeq++, call, type);
    timers.add(t);
    if (call != null) {
      call.timer = t;
    } else if (type == TIMER_ACK) {
      ackTimer = t;
    }
  }

  private void removeTimer(Call call) {
    if (call.timer != null) {
      timers.remove(call.timer);
      call.timer = null;
    }
  }

  private void requestFlush() {
    if (started) {
      flushWanted = true;
    }
  }

  private void enqueue(Call p) {
    if (closed) {
      fail(p, new ConnectionClosedException(name + " is closed", closeCause, false));
      return;
    }
    if (p.done) {
      return; // cancelled before it was queued
    }
    if (p.timer == null && p.timeoutMillis > 0) {
      addTimer(now + p.timeoutMillis, p, TIMER_CALL);
    }
    if (p.kind == Kind.PING) {
      p.activityAtCreation = activity;
    }
    queue.add(p);
    if (p.kind == Kind.NOTICE) {
      queuedNotices++;
    }
    requestFlush();
  }

  private Call pollQueue() {
    Call p = queue.poll();
    if (p != null && p.kind == Kind.NOTICE) {
      queuedNotices--;
    }
    return p;
  }

  /** Queues an internal message: a query with an answer, or a notice without one (bounded, see {@link #MAX_QUEUED_NOTICES}). */
  private void enqueueInternal(TlObject message, Kind kind, boolean contentRelated, long timeoutMillis) {
    if (kind == Kind.NOTICE && queuedNotices >= MAX_QUEUED_NOTICES) {
      LOG.debug("{}: {} notices wait to be sent already: dropping {}", name, queuedNotices, message.tlName());
      return;
    }
    TlMethod<?> method = message instanceof TlMethod<?> m ? m : new ServiceMessage(message);
    enqueue(new Call(method, Wire.serialize(message), kind, contentRelated,
        timeoutMillis > 0 ? Duration.ofMillis(timeoutMillis) : null, null));
  }

  private void timeout(Call p) {
    if (p.done) {
      return;
    }
    queue.remove(p);
    boolean inFlight = p.msgId != 0 && pending.remove(p.msgId) == p;
    fail(p, new RpcTimeoutException(p.method.tlName(), Duration.ofMillis(p.timeoutMillis)));
    if (p.method instanceof GetFutureSalts) {
      saltsRequested = false; // lost: the next tick asks again
    }
    if (p.kind == Kind.CALL && inFlight) {
      dropAnswer(p.msgId);
    } else if (p.kind == Kind.PING && activity == p.activityAtCreation) {
      actions.add(new Close(new TimeoutException("no pong and nothing else from the server within "
          + p.timeoutMillis + " ms")));
    }
  }

  private void dropAnswer(long reqMsgId) {
    if (closed) {
      return;
    }
    enqueueInternal(new RpcDropAnswer(reqMsgId), Kind.QUERY, true, INTERNAL_TIMEOUT_MILLIS);
  }

  /** The first API call of the session goes out wrapped (invokeWithLayer(initConnection(...))). */
  private void wrapFirstCall(Call p) {
    if (firstCallSent || p.kind != Kind.CALL || !p.method.getClass().getPackageName().startsWith("io.telefetch.tl.api")) {
      return;
    }
    firstCallSent = true;
    TlMethod<?> wrapped = options.firstCallWrapper.apply(p.method);
    if (wrapped != p.method) {
      // same call, new body: its timer, cancellation and result stay attached to it
      p.body = Wire.serialize(wrapped);
    }
  }

  private void assignMsgId(Call p) {
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

  private void queueAck(long msgId) {
    if (acks.size() >= MAX_PENDING_ACKS) {
      acks.poll(); // acks are best effort: the server asks again (msgs_state_req) or resends
    }
    acks.add(msgId);
    if (acks.size() >= ACK_FLUSH_COUNT) {
      requestFlush();
    } else if (ackTimer == null) {
      addTimer(now + ACK_DELAY_MILLIS, null, TIMER_ACK);
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
    Call p = pending.remove(badMsgId);
    if (p != null && !p.done) {
      if (p.resends >= options.maxResends) {
        LOG.warn("{}: {} rejected {} times, last by {}: giving up", name, p.method.tlName(), p.resends + 1, reason);
        if (p.method instanceof GetFutureSalts) {
          saltsRequested = false;
        }
        fail(p, new ResendLimitException(p.method.tlName(), p.resends + 1, reason));
        return;
      }
      p.resends++;
      p.msgId = 0;
      queue.add(p);
      requestFlush();
    }
  }

  private boolean sentByUs(long msgId) {
    return pending.containsKey(msgId) || containers.containsKey(msgId);
  }

  // ------------------------------------------------------------------ completing

  private boolean finish(Call p) {
    if (p.done) {
      return false;
    }
    p.done = true;
    unreserve(p);
    removeTimer(p);
    return true;
  }

  private void succeed(Call p, Object value) {
    if (finish(p) && p.kind == Kind.CALL) {
      actions.add(new Complete(p, value));
    } else {
      releaseResult(value);
    }
  }

  private void fail(Call p, Throwable t) {
    if (finish(p) && p.kind == Kind.CALL) {
      actions.add(new Fail(p, t));
    }
  }

  private void unreserve(Call p) {
    if (p.reserved >= 0) {
      budget.release(p.reserved);
      p.reserved = -1;
    }
  }

  /** Releases the zero-copy slices in a call's result (a value nobody will take). */
  public static void releaseResult(Object value) {
    if (value instanceof TlObject o) {
      TlObjects.releaseSlices(o);
    } else if (value instanceof TlBytes b) {
      b.release();
    } else if (value instanceof List<?> list) {
      for (Object e : list) {
        releaseResult(e);
      }
    }
  }

  // ------------------------------------------------------------------ keep-alive and salts

  /**
   * The disconnect_delay asked for with pings every {@code interval}: 1.5 intervals, rounded up to
   * whole seconds, and always at least one second more than the interval.
   */
  public static int disconnectDelaySeconds(Duration interval) {
    long millis = interval.toMillis();
    long seconds = Math.max(Math.floorDiv(millis * 3 + 1999, 2000), Math.floorDiv(millis + 999, 1000) + 1);
    return (int) Math.min(Integer.MAX_VALUE, seconds);
  }

  private void keepAlive() {
    int delay = disconnectDelaySeconds(options.pingInterval);
    PingDelayDisconnect ping = new PingDelayDisconnect(options.random.nextLong(), delay);
    // the pong may take as long as the server would wait for our next ping
    enqueue(new Call(ping, Wire.serialize(ping), Kind.PING, true, Duration.ofSeconds(delay), null));
    maybeRotateSalt();
  }

  /**
   * Switches to the newest future salt already valid, and asks for more salts when fewer than two
   * known ones are still to come.
   */
  private void maybeRotateSalt() {
    long nowSeconds = Math.floorDiv(msgIds.serverTimeMillis(), 1000);
    futureSalts.removeIf(s -> s.validUntil() <= nowSeconds);
    FutureSalt best = null;
    int upcoming = 0;
    for (FutureSalt s : futureSalts) {
      if (s.validSince() <= nowSeconds) {
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
      enqueueInternal(new GetFutureSalts(FUTURE_SALTS), Kind.QUERY, true, INTERNAL_TIMEOUT_MILLIS);
    }
  }

  // ------------------------------------------------------------------ receiving

  /**
   * Whether {@code body} is a bad_msg_notification 16/17 or a bad_server_salt about a message we
   * sent and still track: the only messages accepted outside the msg_id time window. Reads
   * {@code body} without moving its indexes.
   */
  private boolean isClockNotice(ByteBuf body) {
    int at = body.readerIndex();
    if (body.readableBytes() < 20) {
      return false;
    }
    int id = body.getIntLE(at);
    long badMsgId = body.getLongLE(at + 4);
    if (id == Wire.BAD_MSG_NOTIFICATION) {
      int code = body.getIntLE(at + 16);
      return (code == 16 || code == 17) && sentByUs(badMsgId);
    }
    return id == Wire.BAD_SERVER_SALT && body.readableBytes() >= 28 && sentByUs(badMsgId);
  }

  private void onMessage(long msgId, int seq, ByteBuf body, boolean inContainer) {
    if (body.readableBytes() < 4) {
      throw new TlDecodeException("message shorter than a constructor id", 0, body.readerIndex());
    }
    int id = body.getIntLE(body.readerIndex());
    boolean contentRelated = (seq & 1) == 1;
    if ((id == Wire.RPC_RESULT && !contentRelated)
        || ((id == Wire.MSG_CONTAINER || id == Wire.MSGS_ACK) && contentRelated)) {
      throw new MessageRejectedException(MessageRejectedException.Reason.SEQ_NO);
    }
    if (contentRelated) {
      queueAck(msgId);
    }
    switch (id) {
      case Wire.MSG_CONTAINER -> {
        if (inContainer) {
          throw new TlDecodeException("nested msg_container", id, body.readerIndex());
        }
        Wire.readContainer(body, (innerId, innerSeq, inner) -> {
          Envelope.checkMsgId(innerId, msgIds.serverTimeMillis(), replay);
          onMessage(innerId, innerSeq, inner, true);
        });
      }
      case Wire.RPC_RESULT -> onRpcResult(body);
      default -> {
        int size = body.readableBytes();
        TlObject o = new TlReader(body, registry, copyingOptions, inflateBudget).readObject();
        if (o instanceof io.telefetch.tl.api.UpdatesType && !contentRelated && id != Wire.GZIP_PACKED) {
          throw new MessageRejectedException(MessageRejectedException.Reason.SEQ_NO);
        }
        onServiceMessage(msgId, o, size);
      }
    }
  }

  /**
   * An rpc_result: completes the waiting call, if any. {@code body} (from the constructor id on) is
   * read, not released; a zero-copy result retains it through its own view.
   */
  private void onRpcResult(ByteBuf body) {
    body.skipBytes(4);
    if (body.readableBytes() < 12) {
      throw new TlDecodeException("truncated rpc_result", Wire.RPC_RESULT, body.readerIndex());
    }
    long reqMsgId = body.readLongLE();
    Call p = pending.remove(reqMsgId);
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
      fail(p, e); // this answer is unreadable; the stream itself is intact
    } catch (Throwable e) {
      // anything else (an Error from a decoder, a bug): the call completes, the connection closes
      fail(p, new TlDecodeException("answer to " + p.method.tlName() + " could not be decoded: " + e,
          Wire.RPC_RESULT, body.readerIndex(), e));
      throw new ProtocolViolationException("undecodable answer to " + p.method.tlName(), e);
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
   * within this packet's budget (and may not hold another gzip_packed); rpc_error may be packed too.
   */
  private void decodeResult(Call p, ByteBuf body) {
    new TlReader(body, registry, readerOptions, inflateBudget).readUnpacked(reader -> {
      ByteBuf in = reader.buffer();
      if (in.readableBytes() >= 4 && in.getIntLE(in.readerIndex()) == Wire.RPC_ERROR) {
        fail(p, readRpcError(reader));
      } else {
        succeed(p, p.method.readResult(reader));
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
      Call p = pending.remove(pong.msgId());
      if (p != null) {
        succeed(p, pong);
      }
    } else if (o instanceof FutureSalts salts) {
      Call p = pending.get(salts.reqMsgId());
      if (p != null && p.method instanceof GetFutureSalts) {
        pending.remove(salts.reqMsgId());
        futureSalts.clear();
        futureSalts.addAll(salts.salts());
        saltsRequested = false;
        succeed(p, salts);
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
      Call request = pending.get(info.msgId());
      onDetailedInfo(info.answerMsgId(), request != null && !request.done);
    } else if (o instanceof MsgNewDetailedInfo info) {
      onDetailedInfo(info.answerMsgId(), true);
    } else if (o instanceof io.telefetch.tl.mtproto.DestroySessionOk || o instanceof io.telefetch.tl.mtproto.DestroySessionNone) {
      LOG.debug("{}: {}", name, o);
    } else if (o instanceof io.telefetch.tl.api.UpdatesType) {
      actions.add(new Update(o, size));
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
    for (LongObjectMap.PrimitiveEntry<Call> e : pending.entries()) {
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
      enqueueInternal(new MsgResendReq(List.of(answerMsgId)), Kind.NOTICE, true, 0);
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
    enqueueInternal(new MsgsStateInfo(reqMsgId, TlBytes.wrap(info)), Kind.NOTICE, false, 0);
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
        ProtocolViolationException e = new ProtocolViolationException(
            "bad_msg_notification code " + bad.errorCode() + " for msg " + badId);
        long[] inner = containers.remove(badId);
        for (long id : inner != null ? inner : new long[] {badId}) {
          Call p = pending.remove(id);
          if (p != null) {
            fail(p, e);
          }
        }
      }
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
}
