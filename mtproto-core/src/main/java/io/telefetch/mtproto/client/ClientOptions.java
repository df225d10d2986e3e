package io.telefetch.mtproto.client;

import io.telefetch.mtproto.rpc.Backoff;
import io.telefetch.mtproto.rpc.CallOptions;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.mtproto.rpc.FloodWaitInterceptor;
import io.telefetch.mtproto.rpc.LoggingInterceptor;
import io.telefetch.mtproto.rpc.RetryInterceptor;
import io.telefetch.mtproto.rpc.Interceptor;
import io.telefetch.mtproto.rpc.Scheduler;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.jspecify.annotations.Nullable;

/**
 * The immutable options of a {@link TelegramClient}. Start from {@link TelegramClient#builder()}
 * (or {@link #newBuilder()} for a variant); {@link Builder#build()} creates the client.
 */
public final class ClientOptions {
  final AppIdentity identity;
  final ConnectionTemplate connection;
  final RetryPolicy retry;
  final PoolOptions pool;
  final DcOptions dcOptions;
  final boolean testMode;
  final int mainDc;
  final ServerKeys serverKeys;
  final SessionStore sessionStore;
  /** Null: the client creates its own and closes them. */
  final @Nullable ClientResources resources;
  final Executor callbackExecutor;
  final Clock clock;
  final SecureRandom random;
  final Scheduler scheduler;
  private final @Nullable Scheduler schedulerSet;
  final @Nullable UpdateListener updateListener;
  final List<Interceptor> interceptors;
  final EventListener eventListener;
  /** {@link #eventListener} behind a guard: what the client and the downloader call. */
  final EventListener events;
  final CallOptions defaultCallOptions;
  final boolean logging;
  final Duration resolveTimeout;

  private ClientOptions(Builder b) {
    this.identity = b.identity.build();
    this.connection = b.connection.build();
    this.retry = b.retry.build();
    this.pool = b.pool.build();
    this.dcOptions = b.dcOptions;
    this.testMode = b.testMode;
    this.mainDc = b.mainDc != 0 ? b.mainDc : defaultMainDc(b.dcOptions);
    this.serverKeys = b.serverKeys != null ? b.serverKeys : (b.testMode ? ServerKeys.test() : ServerKeys.production());
    this.sessionStore = b.sessionStore != null ? b.sessionStore : SessionStore.inMemory();
    this.resources = b.resources;
    this.callbackExecutor = b.callbackExecutor;
    this.clock = b.clock;
    this.random = b.random;
    this.schedulerSet = b.scheduler;
    this.scheduler = b.scheduler != null ? b.scheduler
        : b.resources != null ? b.resources.scheduler() : Scheduler.system();
    this.updateListener = b.updateListener;
    this.interceptors = List.copyOf(b.interceptors);
    this.eventListener = b.eventListener;
    this.events = EventListener.guarded(b.eventListener);
    this.logging = b.logging;
    this.resolveTimeout = b.resolveTimeout;
    CallOptions.Builder defaults = retry.callDefaults();
    if (connection.callTimeout().compareTo(Duration.ZERO) > 0) {
      defaults.timeout(connection.callTimeout());
    }
    this.defaultCallOptions = defaults.build();
  }

  private static int defaultMainDc(DcOptions options) {
    List<Integer> ids = options.dcIds().stream().filter(id -> !options.isCdn(id)).toList();
    if (ids.isEmpty()) {
      throw new IllegalStateException("the DC list has no usable DC: " + options);
    }
    return ids.contains(2) ? 2 : ids.get(0);
  }

  /** A builder holding these options. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.identity = identity.newBuilder();
    b.connection = connection.newBuilder();
    b.retry = retry.newBuilder();
    b.pool = pool.newBuilder();
    b.dcOptions = dcOptions;
    b.testMode = testMode;
    b.mainDc = mainDc;
    b.serverKeys = serverKeys;
    b.sessionStore = sessionStore;
    b.resources = resources;
    b.callbackExecutor = callbackExecutor;
    b.clock = clock;
    b.random = random;
    b.scheduler = schedulerSet;
    b.updateListener = updateListener;
    b.interceptors.addAll(interceptors);
    b.eventListener = eventListener;
    b.logging = logging;
    b.resolveTimeout = resolveTimeout;
    return b;
  }

  /**
   * The interceptor chain, outermost first: the added interceptors, then logging (when on),
   * flood-wait sleeping and retries. The last two are always present: each call's {@link
   * CallOptions} (over {@link #defaultCallOptions()}) says whether they act.
   */
  List<Interceptor> interceptorChain() {
    List<Interceptor> chain = new ArrayList<>(interceptors);
    if (logging) {
      chain.add(new LoggingInterceptor());
    }
    chain.add(new FloodWaitInterceptor(retry.floodWaitThreshold(), retry.maxFloodWaits(), scheduler, events));
    chain.add(new RetryInterceptor(retry.maxRetries(), retry.backoff(), random, scheduler, events));
    return chain;
  }

  /**
   * The settings of a call that sets none of its own ({@link TelegramClient#invoke(io.telefetch.tl.TlMethod)}):
   * the call timeout, the flood-wait threshold and count, the retry budget, all from this builder.
   */
  public CallOptions defaultCallOptions() {
    return defaultCallOptions;
  }

  /** The event listener given to the builder ({@link EventListener#NONE} when none was). */
  public EventListener eventListener() {
    return eventListener;
  }

  /** Who the client says it is (api_id, api_hash, device, languages, layer). */
  public AppIdentity identity() {
    return identity;
  }

  /** What every connection shares: transport, proxy, timeouts, pings. */
  public ConnectionTemplate connection() {
    return connection;
  }

  /** Flood-wait sleeping and retries. */
  public RetryPolicy retryPolicy() {
    return retry;
  }

  /** Connections per DC and purpose, idle closing. */
  public PoolOptions pool() {
    return pool;
  }

  public int apiId() {
    return identity.apiId();
  }

  /** The server keys trusted for key creation. */
  public ServerKeys serverKeys() {
    return serverKeys;
  }

  public DcOptions dcOptions() {
    return dcOptions;
  }

  public boolean testMode() {
    return testMode;
  }

  /** The home DC used until the session store or a migration says otherwise. */
  public int mainDc() {
    return mainDc;
  }

  /** The framing and obfuscation of every connection. */
  public Transport transport() {
    return connection.transport();
  }

  /** The proxy, or null for direct connections. */
  public @Nullable Proxy proxy() {
    return connection.proxy();
  }

  public SessionStore sessionStore() {
    return sessionStore;
  }

  public int mainConnections() {
    return pool.mainConnections();
  }

  public int downloadConnections() {
    return pool.downloadConnections();
  }

  public Duration idleTimeout() {
    return pool.idleTimeout();
  }

  public Duration callTimeout() {
    return connection.callTimeout();
  }

  /** How long opening one connection may take (TCP, proxy and key exchange). */
  public Duration connectTimeout() {
    return connection.connectTimeout();
  }

  /** How long the client waits for {@code help.getConfig} when it needs an address it does not have. */
  public Duration resolveTimeout() {
    return resolveTimeout;
  }

  /** The shared resources the client runs on; empty when the client creates (and closes) its own. */
  public java.util.Optional<ClientResources> resources() {
    return java.util.Optional.ofNullable(resources);
  }

  /** Never shows the api_hash or a proxy password. */
  @Override
  public String toString() {
    return "ClientOptions[" + identity + ", " + (testMode ? "test, " : "") + "mainDc=" + mainDc + ", " + connection
        + ", " + retry + ", " + pool + ", " + sessionStore + "]";
  }

  /**
   * Builds {@link ClientOptions} and the {@link TelegramClient} with them. The options are made of
   * values ({@link AppIdentity}, {@link ConnectionTemplate}, {@link RetryPolicy}, {@link
   * PoolOptions}) set whole or through the convenience setters, which change one field of one.
   */
  public static final class Builder {
    private AppIdentity.Builder identity = AppIdentity.builder();
    private ConnectionTemplate.Builder connection = ConnectionTemplate.builder();
    private RetryPolicy.Builder retry = RetryPolicy.builder();
    private PoolOptions.Builder pool = PoolOptions.builder();
    private DcOptions dcOptions = DcOptions.production();
    private boolean testMode;
    private int mainDc;
    private @Nullable ServerKeys serverKeys;
    private @Nullable SessionStore sessionStore;
    private @Nullable ClientResources resources;
    private Executor callbackExecutor = ForkJoinPool.commonPool();
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();
    private @Nullable Scheduler scheduler;
    private @Nullable UpdateListener updateListener;
    private final List<Interceptor> interceptors = new ArrayList<>();
    private EventListener eventListener = EventListener.NONE;
    private boolean logging = true;
    private Duration resolveTimeout = Duration.ofSeconds(30);

    Builder() {}

    /** The whole app identity (replaces api_id, api_hash, device and language information, layer). */
    public Builder identity(AppIdentity identity) {
      this.identity = Objects.requireNonNull(identity, "identity").newBuilder();
      return this;
    }

    /** The whole connection template (replaces transport, proxy, IPv6 preference, timeouts, pings). */
    public Builder connection(ConnectionTemplate connection) {
      this.connection = Objects.requireNonNull(connection, "connection").newBuilder();
      return this;
    }

    /** The whole retry policy (replaces the flood-wait and retry settings). */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retry = Objects.requireNonNull(policy, "policy").newBuilder();
      return this;
    }

    /** The whole pool options (replaces the connection counts and idle timeout). */
    public Builder pool(PoolOptions pool) {
      this.pool = Objects.requireNonNull(pool, "pool").newBuilder();
      return this;
    }

    /** The app's api_id from my.telegram.org. Required. */
    public Builder apiId(int apiId) {
      identity.apiId(apiId);
      return this;
    }

    /** The app's api_hash from my.telegram.org. Required. */
    public Builder apiHash(String apiHash) {
      identity.apiHash(apiHash);
      return this;
    }

    /** Device and app information sent in initConnection. */
    public Builder deviceInfo(String deviceModel, String systemVersion, String appVersion) {
      identity.deviceInfo(deviceModel, systemVersion, appVersion);
      return this;
    }

    /** Language information sent in initConnection (defaults "en", "", "en"). */
    public Builder langInfo(String systemLangCode, String langPack, String langCode) {
      identity.langInfo(systemLangCode, langPack, langCode);
      return this;
    }

    /** The API layer sent in invokeWithLayer (default: the generated schema's). */
    public Builder layer(int layer) {
      identity.layer(layer);
      return this;
    }

    /** Telegram's production DCs and RSA key (the default). */
    public Builder production() {
      this.dcOptions = DcOptions.production();
      this.testMode = false;
      return this;
    }

    /** Telegram's test DCs: the test DC list and RSA key, key exchange with dc + 10000. */
    public Builder testServers() {
      this.dcOptions = DcOptions.test();
      this.testMode = true;
      return this;
    }

    /**
     * An explicit DC list (for example a test cluster's loopback addresses): the bootstrap list,
     * refreshed from help.getConfig. Keys are created with the plain DC id.
     */
    public Builder dcOptions(DcOptions options) {
      this.dcOptions = Objects.requireNonNull(options, "options");
      this.testMode = false;
      return this;
    }

    /** The home DC to start from when the session store has none (default: 2 if listed, else the lowest id). */
    public Builder mainDc(int dc) {
      this.mainDc = dc;
      return this;
    }

    /** Prefer IPv6 addresses when the DC list has them (default false). */
    public Builder preferIpv6(boolean preferIpv6) {
      connection.preferIpv6(preferIpv6);
      return this;
    }

    /**
     * The transport (default intermediate, not obfuscated). An obfuscated configuration gets each
     * connection's DC id in its header; one with an MTProxy secret talks to DCs that accept it ({@link Transport#withMtProxySecret}).
     */
    public Builder transport(Transport transport) {
      connection.transport(transport);
      return this;
    }

    /** The server keys trusted for key creation (default: Telegram's production key, or its test key with {@link #testServers()}). */
    public Builder serverKeys(ServerKeys keys) {
      this.serverKeys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /** A SOCKS5 proxy or MTProxy for every connection; null for direct connections. */
    public Builder proxy(@Nullable Proxy proxy) {
      connection.proxy(proxy);
      return this;
    }

    /** Where keys and the login are kept (default: in memory). */
    public Builder sessionStore(SessionStore store) {
      this.sessionStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Shared {@link ClientResources} (I/O threads and scheduler); the client never closes them. Without
     * them (or with null) the client creates its own ({@link ClientResources#create()}) and closes
     * them when it closes.
     */
    public Builder resources(@Nullable ClientResources resources) {
      this.resources = resources;
      return this;
    }

    /** Where result futures and listeners run (default: the common ForkJoinPool), never on an I/O thread. */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Randomness for keys, nonces, padding, SRP and retry jitter. */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Delays (flood waits, retry backoff, QR polling) of this client; tests inject one that does not
     * really wait. Default: the scheduler of the {@link #resources(ClientResources) resources}.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Receives pushed updates; null ignores them. */
    public Builder updateListener(@Nullable UpdateListener listener) {
      this.updateListener = listener;
      return this;
    }

    /** Adds an interceptor; added ones run outermost, in the order added, before the built-in ones. */
    public Builder addInterceptor(Interceptor interceptor) {
      this.interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Receives the client's events (connections, keys, login, migrations, flood waits, retries,
     * calls) and those of downloads made with this client; default {@link EventListener#NONE}.
     */
    public Builder eventListener(EventListener listener) {
      this.eventListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The settings of calls that set none of their own: sets what {@code defaults} sets (its
     * timeout as {@link #callTimeout}, its flood-wait settings as {@link #floodWait}, its retry
     * budget as {@link #retries}'s count) and leaves the rest as it is.
     */
    public Builder defaultCallOptions(CallOptions defaults) {
      Objects.requireNonNull(defaults, "defaults");
      defaults.timeout().ifPresent(this::callTimeout);
      if (defaults.floodWaitThreshold().isPresent() || defaults.maxFloodWaits().isPresent()) {
        RetryPolicy now = retry.build();
        retry.floodWait(defaults.floodWaitThreshold().orElse(now.floodWaitThreshold()),
            defaults.maxFloodWaits().orElse(now.maxFloodWaits()));
      }
      defaults.maxRetries().ifPresent(retry::maxRetries);
      return this;
    }

    /**
     * FLOOD_WAIT_X up to {@code threshold} is slept through and the call repeated, at most {@code
     * maxWaits} times per call; zero disables it (default 60 s, 3 waits). These are the defaults of
     * {@link #defaultCallOptions}: a call's own {@link CallOptions} may change them (the downloader
     * turns sleeping off for its parts). Longer waits fail at once
     * with {@link io.telefetch.mtproto.rpc.FloodWaitException}; the threshold is at most {@link
     * FloodWaitInterceptor#MAX_THRESHOLD}.
     */
    public Builder floodWait(Duration threshold, int maxWaits) {
      retry.floodWait(threshold, maxWaits);
      return this;
    }

    /**
     * Retries of 500-class and negative errors with exponential backoff and full jitter ({@link
     * Backoff}); {@code maxRetries} 0 (or less) disables them (default 3, 200 ms to 10 s). The count
     * is the default retry budget of a call ({@link #defaultCallOptions}); a call's own {@link
     * CallOptions} may change it (the downloader sends parts with none).
     */
    public Builder retries(int maxRetries, Duration baseDelay, Duration maxDelay) {
      Objects.requireNonNull(baseDelay, "baseDelay");
      Objects.requireNonNull(maxDelay, "maxDelay");
      retry.maxRetries(Math.max(0, maxRetries)).backoff(Backoff.exponential(baseDelay, maxDelay));
      return this;
    }

    /** Logs every call at DEBUG ({@code io.telefetch.rpc}); default on. */
    public Builder logging(boolean logging) {
      this.logging = logging;
      return this;
    }

    /** Connections per DC for ordinary calls (default 1). */
    public Builder mainConnections(int n) {
      pool.mainConnections(n);
      return this;
    }

    /** Connections per DC for file transfer (default 4). */
    public Builder downloadConnections(int n) {
      pool.downloadConnections(n);
      return this;
    }

    /** Connections without a call for this long are closed (default 5 minutes); zero keeps them. */
    public Builder idleTimeout(Duration timeout) {
      pool.idleTimeout(timeout);
      return this;
    }

    /** How long a call waits for its answer (default 30 s). */
    public Builder callTimeout(Duration timeout) {
      connection.callTimeout(timeout);
      return this;
    }

    /**
     * How long opening one connection may take: TCP connect, proxy handshake and, on a DC without
     * a key yet, the key exchange (default 10 s). A connection that is not ready by then fails the
     * calls waiting for it.
     */
    public Builder connectTimeout(Duration timeout) {
      connection.connectTimeout(timeout);
      return this;
    }

    /**
     * How long the client waits for {@code help.getConfig} (sent to a DC it knows) when it needs
     * the address of a DC it does not know, e.g. after a migration to it (default 30 s). A DC still
     * unknown then fails with {@link UnknownDcException}.
     */
    public Builder resolveTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "resolveTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("resolveTimeout must be positive");
      }
      this.resolveTimeout = timeout;
      return this;
    }

    /** Keep-alive ping interval per connection (default 60 s); zero disables pings. */
    public Builder pingInterval(Duration interval) {
      connection.pingInterval(interval);
      return this;
    }

    /**
     * On file-transfer connections ({@link DcClient#invoke}), {@code bytes} fields at least this
     * long are decoded as zero-copy slices that the caller must release ({@link
     * io.telefetch.tl.TlObjects#releaseSlices}); default 64 KiB, {@link Integer#MAX_VALUE} for
     * always-heap copies. Ordinary calls always get heap copies.
     */
    public Builder zeroCopyThreshold(int bytes) {
      connection.zeroCopyThreshold(bytes);
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalStateException when api_id or api_hash is missing
     * @throws IllegalArgumentException when the identity is invalid (naming the field)
     */
    public ClientOptions buildOptions() {
      if (!identity.complete()) {
        throw new IllegalStateException("apiId and apiHash are required");
      }
      return new ClientOptions(this);
    }

    /** A new client with these options; it connects lazily, on the first call. */
    public TelegramClient build() {
      return TelegramClient.create(buildOptions());
    }
  }
}
