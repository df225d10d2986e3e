package io.telefetch.mtproto.connection;

import io.netty.channel.EventLoopGroup;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.transport.ClientTransportConfig;
import io.telefetch.mtproto.transport.TransportKind;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.TlObject;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Immutable options of one {@link MtprotoConnection}; build with {@link #builder(SocketAddress)}.
 */
public final class ConnectionOptions {
  /**
   * Where result futures complete, the event loop group, the clock and the randomness: what every
   * connection of one client shares.
   *
   * @param group the event loop group; never shut down by a connection
   * @param callbacks where result futures are completed, so callbacks never run on the I/O thread
   * @param clock the clock of msg_ids, pings and timeouts
   * @param random nonces, session ids and padding
   */
  public record Runtime(EventLoopGroup group, Executor callbacks, Clock clock, SecureRandom random) {
    public Runtime {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(callbacks, "callbacks");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(random, "random");
    }
  }

  /**
   * The timeouts of one connection.
   *
   * @param call how long a call waits for its answer
   * @param connect TCP, proxy and key exchange together
   * @param ping the keep-alive interval (see {@link Builder#pingInterval}); zero disables pings
   */
  public record Timeouts(Duration call, Duration connect, Duration ping) {
    /** 30 s calls, 10 s connects, 60 s pings. */
    public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(60));

    public Timeouts {
      Objects.requireNonNull(call, "call");
      Objects.requireNonNull(connect, "connect");
      Objects.requireNonNull(ping, "ping");
    }
  }

  /**
   * What one connection may hold for a peer: resends of one message, the send queue, the updates
   * queue (see the {@link Builder} setters of the same names).
   */
  public record Limits(int maxResends, int maxQueuedRequests, long maxQueuedBytes, int maxQueuedUpdates,
      long maxQueuedUpdateBytes) {
    /** The defaults: 5 resends, 4,096 calls or 32 MiB queued, 1,024 updates or 32 MiB waiting. */
    public static final Limits DEFAULTS = new Limits(DEFAULT_MAX_RESENDS, DEFAULT_MAX_QUEUED_REQUESTS,
        DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_QUEUED_UPDATES, DEFAULT_MAX_QUEUED_UPDATE_BYTES);

    public Limits {
      if (maxResends < 0) {
        throw new IllegalArgumentException("maxResends < 0");
      }
      if (maxQueuedRequests < 1) {
        throw new IllegalArgumentException("maxQueuedRequests < 1");
      }
      if (maxQueuedBytes < 1) {
        throw new IllegalArgumentException("maxQueuedBytes < 1");
      }
      if (maxQueuedUpdates < 2) {
        throw new IllegalArgumentException("maxQueuedUpdates < 2");
      }
      if (maxQueuedUpdateBytes < 1) {
        throw new IllegalArgumentException("maxQueuedUpdateBytes < 1");
      }
    }
  }

  final SocketAddress address;
  final ClientTransportConfig transport;
  final int dcId;
  final AuthKey authKey;
  final long serverSalt;
  final long timeOffsetMillis;
  final RsaKeys rsaKeys;
  final Runtime runtime;
  final Timeouts timeouts;
  final Limits limits;
  final int zeroCopyThreshold;
  final int gzipThreshold;
  final Consumer<TlObject> updateListener;
  final UnaryOperator<TlMethod<?>> firstCallWrapper;
  final UnaryOperator<io.netty.channel.ChannelPipeline> pipelineCustomizer;

  private ConnectionOptions(Builder b, Runtime runtime) {
    this.address = b.address;
    this.transport = b.transport;
    this.dcId = b.dcId;
    this.authKey = b.authKey;
    this.serverSalt = b.serverSalt;
    this.timeOffsetMillis = b.timeOffsetMillis;
    this.rsaKeys = b.rsaKeys;
    this.runtime = runtime;
    this.timeouts = b.timeouts;
    this.limits = b.limits;
    this.zeroCopyThreshold = b.zeroCopyThreshold;
    this.gzipThreshold = b.gzipThreshold;
    this.updateListener = b.updateListener;
    this.firstCallWrapper = b.firstCallWrapper;
    this.pipelineCustomizer = b.pipelineCustomizer;
  }

  public static Builder builder(SocketAddress address) {
    return new Builder(address);
  }

  public static Builder builder(String host, int port) {
    return new Builder(InetSocketAddress.createUnresolved(host, port));
  }

  /** A builder holding these options (for the same or, through {@link Builder#address}, another address). */
  public Builder newBuilder() {
    Builder b = new Builder(address);
    b.transport = transport;
    b.dcId = dcId;
    b.authKey = authKey;
    b.serverSalt = serverSalt;
    b.timeOffsetMillis = timeOffsetMillis;
    b.rsaKeys = rsaKeys;
    b.runtime(runtime);
    b.timeouts = timeouts;
    b.limits = limits;
    b.zeroCopyThreshold = zeroCopyThreshold;
    b.gzipThreshold = gzipThreshold;
    b.updateListener = updateListener;
    b.firstCallWrapper = firstCallWrapper;
    b.pipelineCustomizer = pipelineCustomizer;
    return b;
  }

  public SocketAddress address() {
    return address;
  }

  public ClientTransportConfig transport() {
    return transport;
  }

  public int dcId() {
    return dcId;
  }

  public Duration callTimeout() {
    return timeouts.call();
  }

  public Runtime runtime() {
    return runtime;
  }

  public Timeouts timeouts() {
    return timeouts;
  }

  public Limits limits() {
    return limits;
  }

  /** How many times one message may be resent before its call fails (see {@link Builder#maxResends}). */
  public int maxResends() {
    return limits.maxResends();
  }

  /** Default of {@link Builder#maxResends(int)}. */
  public static final int DEFAULT_MAX_RESENDS = 5;
  /** Default of {@link Builder#maxQueuedRequests(int)}. */
  public static final int DEFAULT_MAX_QUEUED_REQUESTS = 4096;
  /** Default of {@link Builder#maxQueuedBytes(long)}: 32 MiB. */
  public static final long DEFAULT_MAX_QUEUED_BYTES = 32L << 20;
  /** Default of {@link Builder#maxQueuedUpdates(int)}. */
  public static final int DEFAULT_MAX_QUEUED_UPDATES = 1024;
  /** Default of {@link Builder#maxQueuedUpdateBytes(long)}: 32 MiB. */
  public static final long DEFAULT_MAX_QUEUED_UPDATE_BYTES = 32L << 20;

  /** Builds {@link ConnectionOptions}. */
  public static final class Builder {
    private SocketAddress address;
    private ClientTransportConfig transport = ClientTransportConfig.of(TransportKind.INTERMEDIATE);
    private int dcId = 2;
    private AuthKey authKey;
    private long serverSalt;
    private long timeOffsetMillis;
    private RsaKeys rsaKeys = RsaKeys.production();
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();
    private EventLoopGroup eventLoopGroup;
    private Executor callbackExecutor = ForkJoinPool.commonPool();
    private Timeouts timeouts = Timeouts.DEFAULTS;
    private Limits limits = Limits.DEFAULTS;
    private int zeroCopyThreshold = 64 << 10;
    private int gzipThreshold = 2048;
    private Consumer<TlObject> updateListener = u -> {};
    private UnaryOperator<TlMethod<?>> firstCallWrapper = UnaryOperator.identity();
    private UnaryOperator<io.netty.channel.ChannelPipeline> pipelineCustomizer = UnaryOperator.identity();

    private Builder(SocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
    }

    /** Another address (the rest kept): one template, many connections. */
    public Builder address(SocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The event loop group, callback executor, clock and randomness at once. */
    public Builder runtime(Runtime runtime) {
      this.eventLoopGroup = runtime.group();
      this.callbackExecutor = runtime.callbacks();
      this.clock = runtime.clock();
      this.random = runtime.random();
      return this;
    }

    /** The call, connect and ping timeouts at once. */
    public Builder timeouts(Timeouts timeouts) {
      this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
      return this;
    }

    /** The resend and queue limits at once. */
    public Builder limits(Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** The transport; default plain intermediate. */
    public Builder transport(ClientTransportConfig transport) {
      this.transport = Objects.requireNonNull(transport);
      return this;
    }

    /** The DC id sent in the key exchange (+10000 for test DCs, negative for media-only). */
    public Builder dcId(int dcId) {
      this.dcId = dcId;
      return this;
    }

    /**
     * An existing auth key, salt and clock offset to reuse; without a key one is created during
     * {@link MtprotoConnection#connect}, which must then finish within the connect timeout.
     */
    public Builder authKey(AuthKey authKey, long serverSalt, long timeOffsetMillis) {
      this.authKey = authKey;
      this.serverSalt = serverSalt;
      this.timeOffsetMillis = timeOffsetMillis;
      return this;
    }

    /** RSA keys trusted for key creation; default Telegram's production keys. */
    public Builder rsaKeys(RsaKeys keys) {
      this.rsaKeys = Objects.requireNonNull(keys);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** Randomness for nonces, session ids and padding (SecureRandom by default). */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random);
      return this;
    }

    /** The event loop group to use; it is never shut down by the connection. Required. */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.eventLoopGroup = Objects.requireNonNull(group);
      return this;
    }

    /** Where result futures are completed (default: the common ForkJoinPool), so callbacks never run on the I/O thread. */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor);
      return this;
    }

    public Builder callTimeout(Duration timeout) {
      this.timeouts = new Timeouts(timeout, timeouts.connect(), timeouts.ping());
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.timeouts = new Timeouts(timeouts.call(), timeout, timeouts.ping());
      return this;
    }

    /**
     * Keep-alive: a ping_delay_disconnect at this interval (default 60 s), asking the server to close
     * the connection when no ping follows within 1.5 intervals (at least one second more than the
     * interval); the same delay without a pong or any other byte from the server closes the
     * connection on this side. The same tick rotates server salts. Zero disables it.
     */
    public Builder pingInterval(Duration interval) {
      this.timeouts = new Timeouts(timeouts.call(), timeouts.connect(), interval);
      return this;
    }

    /** {@code bytes} fields of answers at least this long are zero-copy slices (see TlBytes); default 64 KiB. */
    public Builder zeroCopyThreshold(int bytes) {
      this.zeroCopyThreshold = bytes;
      return this;
    }

    /** Requests larger than this many bytes are sent gzip_packed when that is smaller. */
    public Builder gzipThreshold(int bytes) {
      this.gzipThreshold = bytes;
      return this;
    }

    /**
     * Receives updates the server pushes on this connection (default: ignored). Called on the
     * callback executor, one update at a time in the order received, through a bounded queue (see
     * {@link #maxQueuedUpdates(int)}). Updates never hold zero-copy buffers.
     */
    public Builder updateListener(Consumer<TlObject> listener) {
      this.updateListener = Objects.requireNonNull(listener);
      return this;
    }

    /** Applied to the first request sent on the connection (the client wraps it in invokeWithLayer(initConnection(...))). */
    public Builder firstCallWrapper(UnaryOperator<TlMethod<?>> wrapper) {
      this.firstCallWrapper = Objects.requireNonNull(wrapper);
      return this;
    }

    /**
     * Adds handlers in front of the transport, e.g. a SOCKS5 proxy handler; returns the pipeline.
     * With a customizer, an unresolved address is handed to the pipeline as it is (for the proxy to
     * resolve); give a resolved address when the customizer is not a proxy.
     */
    public Builder pipelineCustomizer(UnaryOperator<io.netty.channel.ChannelPipeline> customizer) {
      this.pipelineCustomizer = Objects.requireNonNull(customizer);
      return this;
    }

    /**
     * How many times one message may be sent again after the server rejected it (bad_server_salt,
     * bad_msg_notification 16/17/20/32/33/48/64, msg_resend_req, new_session_created); the next
     * rejection fails its call with {@link io.telefetch.mtproto.rpc.ResendLimitException}, so a call
     * is sent at most {@code maxResends + 1} times. Default {@value ConnectionOptions#DEFAULT_MAX_RESENDS}.
     */
    public Builder maxResends(int resends) {
      this.limits = new Limits(resends, limits.maxQueuedRequests(), limits.maxQueuedBytes(), limits.maxQueuedUpdates(),
          limits.maxQueuedUpdateBytes());
      return this;
    }

    /**
     * Backpressure: the most calls accepted but not yet written to the socket (queued while the
     * channel is not writable, or still on their way to the event loop). A call beyond it fails at
     * once with {@link io.telefetch.mtproto.rpc.SendQueueFullException}. Default {@value
     * ConnectionOptions#DEFAULT_MAX_QUEUED_REQUESTS}.
     */
    public Builder maxQueuedRequests(int requests) {
      this.limits = new Limits(limits.maxResends(), requests, limits.maxQueuedBytes(), limits.maxQueuedUpdates(),
          limits.maxQueuedUpdateBytes());
      return this;
    }

    /**
     * Backpressure: the most bytes of serialized calls accepted but not yet written to the socket; a
     * call that would go past it fails at once with {@link io.telefetch.mtproto.rpc.SendQueueFullException}
     * (a single call larger than this is still accepted when nothing else is queued). Default 32 MiB.
     */
    public Builder maxQueuedBytes(long bytes) {
      this.limits = new Limits(limits.maxResends(), limits.maxQueuedRequests(), bytes, limits.maxQueuedUpdates(),
          limits.maxQueuedUpdateBytes());
      return this;
    }

    /**
     * The most updates waiting for the update listener (at least 2). Overflow policy: the oldest
     * waiting updates are dropped and a single {@code updatesTooLong} takes their place at the head
     * of the queue, which tells the listener to fetch what it missed (updates.getDifference), as
     * Telegram itself does. Default {@value ConnectionOptions#DEFAULT_MAX_QUEUED_UPDATES}.
     */
    public Builder maxQueuedUpdates(int updates) {
      this.limits = new Limits(limits.maxResends(), limits.maxQueuedRequests(), limits.maxQueuedBytes(), updates,
          limits.maxQueuedUpdateBytes());
      return this;
    }

    /**
     * The most bytes (as received) of updates waiting for the update listener; overflow as for
     * {@link #maxQueuedUpdates(int)}. Default 32 MiB.
     */
    public Builder maxQueuedUpdateBytes(long bytes) {
      this.limits = new Limits(limits.maxResends(), limits.maxQueuedRequests(), limits.maxQueuedBytes(),
          limits.maxQueuedUpdates(), bytes);
      return this;
    }

    public ConnectionOptions build() {
      if (eventLoopGroup == null) {
        throw new IllegalStateException("eventLoopGroup is required");
      }
      return new ConnectionOptions(this, new Runtime(eventLoopGroup, callbackExecutor, clock, random));
    }
  }
}
