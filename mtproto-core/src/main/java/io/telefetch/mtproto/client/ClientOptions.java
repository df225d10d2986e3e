package io.telefetch.mtproto.client;

import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.rpc.Backoff;
import io.telefetch.mtproto.rpc.CallOptions;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.mtproto.rpc.FloodWaitInterceptor;
import io.telefetch.mtproto.rpc.LoggingInterceptor;
import io.telefetch.mtproto.rpc.RetryInterceptor;
import io.telefetch.mtproto.rpc.Interceptor;
import io.telefetch.mtproto.rpc.Scheduler;
import io.telefetch.mtproto.transport.ClientTransportConfig;
import io.telefetch.mtproto.transport.TransportKind;
import io.telefetch.tl.api.ApiSchema;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * The immutable options of a {@link TelegramClient}. Start from {@link TelegramClient#builder()}
 * (or {@link #newBuilder()} for a variant); {@link Builder#build()} creates the client.
 */
public final class ClientOptions {
  final int apiId;
  final String apiHash;
  final String deviceModel;
  final String systemVersion;
  final String appVersion;
  final String systemLangCode;
  final String langPack;
  final String langCode;
  final int layer;
  final DcOptions dcOptions;
  final boolean testMode;
  final int mainDc;
  final boolean preferIpv6;
  final ClientTransportConfig transport;
  final RsaKeys rsaKeys;
  final Proxy proxy;
  final SessionStore sessionStore;
  /** Null: the client creates its own and closes them. */
  final ClientResources resources;
  final Executor callbackExecutor;
  final Clock clock;
  final SecureRandom random;
  final Scheduler scheduler;
  private final Scheduler schedulerSet;
  final UpdateListener updateListener;
  final List<Interceptor> interceptors;
  final EventListener eventListener;
  /** {@link #eventListener} behind a guard: what the client and the downloader call. */
  final EventListener events;
  final CallOptions defaultCallOptions;
  final Duration floodWaitThreshold;
  final int maxFloodWaits;
  final int maxRetries;
  final Duration retryBaseDelay;
  final Duration retryMaxDelay;
  final boolean logging;
  final int mainConnections;
  final int downloadConnections;
  final Duration idleTimeout;
  final Duration callTimeout;
  final Duration connectTimeout;
  final Duration resolveTimeout;
  final Duration pingInterval;
  final int zeroCopyThreshold;

  private ClientOptions(Builder b) {
    this.apiId = b.apiId;
    this.apiHash = b.apiHash;
    this.deviceModel = b.deviceModel;
    this.systemVersion = b.systemVersion;
    this.appVersion = b.appVersion;
    this.systemLangCode = b.systemLangCode;
    this.langPack = b.langPack;
    this.langCode = b.langCode;
    this.layer = b.layer;
    this.dcOptions = b.dcOptions;
    this.testMode = b.testMode;
    this.mainDc = b.mainDc != 0 ? b.mainDc : defaultMainDc(b.dcOptions);
    this.preferIpv6 = b.preferIpv6;
    this.transport = b.transport;
    this.rsaKeys = b.rsaKeys != null ? b.rsaKeys : (b.testMode ? RsaKeys.test() : RsaKeys.production());
    this.proxy = b.proxy;
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
    this.floodWaitThreshold = b.floodWaitThreshold;
    this.maxFloodWaits = b.maxFloodWaits;
    this.maxRetries = b.maxRetries;
    this.retryBaseDelay = b.retryBaseDelay;
    this.retryMaxDelay = b.retryMaxDelay;
    this.logging = b.logging;
    this.mainConnections = b.mainConnections;
    this.downloadConnections = b.downloadConnections;
    this.idleTimeout = b.idleTimeout;
    this.callTimeout = b.callTimeout;
    this.connectTimeout = b.connectTimeout;
    this.resolveTimeout = b.resolveTimeout;
    this.pingInterval = b.pingInterval;
    this.zeroCopyThreshold = b.zeroCopyThreshold;
    CallOptions.Builder defaults = CallOptions.builder().floodWait(floodWaitThreshold, Math.max(0, maxFloodWaits))
        .maxRetries(Math.max(0, maxRetries));
    if (callTimeout.compareTo(Duration.ZERO) > 0) {
      defaults.timeout(callTimeout);
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
    b.apiId = apiId;
    b.apiHash = apiHash;
    b.deviceModel = deviceModel;
    b.systemVersion = systemVersion;
    b.appVersion = appVersion;
    b.systemLangCode = systemLangCode;
    b.langPack = langPack;
    b.langCode = langCode;
    b.layer = layer;
    b.dcOptions = dcOptions;
    b.testMode = testMode;
    b.mainDc = mainDc;
    b.preferIpv6 = preferIpv6;
    b.transport = transport;
    b.rsaKeys = rsaKeys;
    b.proxy = proxy;
    b.sessionStore = sessionStore;
    b.resources = resources;
    b.callbackExecutor = callbackExecutor;
    b.clock = clock;
    b.random = random;
    b.scheduler = schedulerSet;
    b.updateListener = updateListener;
    b.interceptors.addAll(interceptors);
    b.eventListener = eventListener;
    b.floodWaitThreshold = floodWaitThreshold;
    b.maxFloodWaits = maxFloodWaits;
    b.maxRetries = maxRetries;
    b.retryBaseDelay = retryBaseDelay;
    b.retryMaxDelay = retryMaxDelay;
    b.logging = logging;
    b.mainConnections = mainConnections;
    b.downloadConnections = downloadConnections;
    b.idleTimeout = idleTimeout;
    b.callTimeout = callTimeout;
    b.connectTimeout = connectTimeout;
    b.resolveTimeout = resolveTimeout;
    b.pingInterval = pingInterval;
    b.zeroCopyThreshold = zeroCopyThreshold;
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
    chain.add(new FloodWaitInterceptor(floodWaitThreshold, maxFloodWaits, scheduler, events));
    chain.add(new RetryInterceptor(Math.max(0, maxRetries), Backoff.exponential(retryBaseDelay, retryMaxDelay), random,
        scheduler, events));
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

  public int apiId() {
    return apiId;
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

  public ClientTransportConfig transport() {
    return transport;
  }

  /** The proxy, or null for direct connections. */
  public Proxy proxy() {
    return proxy;
  }

  public SessionStore sessionStore() {
    return sessionStore;
  }

  public int mainConnections() {
    return mainConnections;
  }

  public int downloadConnections() {
    return downloadConnections;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public Duration callTimeout() {
    return callTimeout;
  }

  /** How long opening one connection may take (TCP, proxy and key exchange). */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** How long the client waits for {@code help.getConfig} when it needs an address it does not have. */
  public Duration resolveTimeout() {
    return resolveTimeout;
  }

  /** The shared resources the client runs on; empty when the client creates (and closes) its own. */
  public java.util.Optional<ClientResources> resources() {
    return java.util.Optional.ofNullable(resources);
  }

  /** Never shows the api_hash. */
  @Override
  public String toString() {
    return "ClientOptions[apiId=" + apiId + ", layer=" + layer + ", " + (testMode ? "test, " : "") + "mainDc=" + mainDc
        + ", " + transport + (proxy != null ? ", " + proxy : "") + ", " + sessionStore + ", pools " + mainConnections
        + "+" + downloadConnections + "]";
  }

  /** Builds {@link ClientOptions} and the {@link TelegramClient} with them. */
  public static final class Builder {
    private int apiId;
    private String apiHash;
    private String deviceModel = System.getProperty("os.arch", "unknown") + " Java";
    private String systemVersion = System.getProperty("os.name", "unknown") + " " + System.getProperty("os.version", "");
    private String appVersion = "Telefetch 0.1.0";
    private String systemLangCode = "en";
    private String langPack = "";
    private String langCode = "en";
    private int layer = ApiSchema.LAYER;
    private DcOptions dcOptions = DcOptions.production();
    private boolean testMode;
    private int mainDc;
    private boolean preferIpv6;
    private ClientTransportConfig transport = ClientTransportConfig.of(TransportKind.INTERMEDIATE);
    private RsaKeys rsaKeys;
    private Proxy proxy;
    private SessionStore sessionStore;
    private ClientResources resources;
    private Executor callbackExecutor = ForkJoinPool.commonPool();
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();
    private Scheduler scheduler;
    private UpdateListener updateListener;
    private final List<Interceptor> interceptors = new ArrayList<>();
    private EventListener eventListener = EventListener.NONE;
    private Duration floodWaitThreshold = Duration.ofSeconds(60);
    private int maxFloodWaits = 3;
    private int maxRetries = 3;
    private Duration retryBaseDelay = Duration.ofMillis(200);
    private Duration retryMaxDelay = Duration.ofSeconds(10);
    private boolean logging = true;
    private int mainConnections = 1;
    private int downloadConnections = 4;
    private Duration idleTimeout = Duration.ofMinutes(5);
    private Duration callTimeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration resolveTimeout = Duration.ofSeconds(30);
    private Duration pingInterval = Duration.ofSeconds(60);
    private int zeroCopyThreshold = 64 << 10;

    Builder() {}

    /** The app's api_id from my.telegram.org. Required. */
    public Builder apiId(int apiId) {
      this.apiId = apiId;
      return this;
    }

    /** The app's api_hash from my.telegram.org. Required. */
    public Builder apiHash(String apiHash) {
      this.apiHash = Objects.requireNonNull(apiHash, "apiHash");
      return this;
    }

    /** Device and app information sent in initConnection. */
    public Builder deviceInfo(String deviceModel, String systemVersion, String appVersion) {
      this.deviceModel = Objects.requireNonNull(deviceModel);
      this.systemVersion = Objects.requireNonNull(systemVersion);
      this.appVersion = Objects.requireNonNull(appVersion);
      return this;
    }

    /** Language information sent in initConnection (defaults "en", "", "en"). */
    public Builder langInfo(String systemLangCode, String langPack, String langCode) {
      this.systemLangCode = Objects.requireNonNull(systemLangCode);
      this.langPack = Objects.requireNonNull(langPack);
      this.langCode = Objects.requireNonNull(langCode);
      return this;
    }

    /** The API layer sent in invokeWithLayer (default: the generated schema's). */
    public Builder layer(int layer) {
      this.layer = layer;
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
      this.preferIpv6 = preferIpv6;
      return this;
    }

    /**
     * The transport (default intermediate, not obfuscated). An obfuscated configuration gets each
     * connection's DC id in its header; one with an MTProxy secret talks to DCs that accept it.
     */
    public Builder transport(ClientTransportConfig transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** The RSA keys trusted for key creation (default: Telegram's production or test key). */
    public Builder rsaKeys(RsaKeys keys) {
      this.rsaKeys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /** A SOCKS5 proxy or MTProxy for every connection; null for direct connections. */
    public Builder proxy(Proxy proxy) {
      this.proxy = proxy;
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
    public Builder resources(ClientResources resources) {
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
    public Builder updateListener(UpdateListener listener) {
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
        floodWait(defaults.floodWaitThreshold().orElse(floodWaitThreshold), defaults.maxFloodWaits().orElse(maxFloodWaits));
      }
      defaults.maxRetries().ifPresent(n -> this.maxRetries = n);
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
      Objects.requireNonNull(threshold, "threshold");
      if (threshold.isNegative() || threshold.compareTo(FloodWaitInterceptor.MAX_THRESHOLD) > 0 || maxWaits < 0) {
        throw new IllegalArgumentException("flood wait threshold must be within 0.." + FloodWaitInterceptor.MAX_THRESHOLD
            + " and maxWaits not negative");
      }
      this.floodWaitThreshold = threshold;
      this.maxFloodWaits = maxWaits;
      return this;
    }

    /**
     * Retries of 500-class and negative errors with exponential backoff and full jitter ({@link
     * Backoff}); {@code maxRetries} 0 disables them (default 3, 200 ms to 10 s). The count is the
     * default retry budget of a call ({@link #defaultCallOptions}); a call's own {@link CallOptions}
     * may change it (the downloader sends parts with none).
     */
    public Builder retries(int maxRetries, Duration baseDelay, Duration maxDelay) {
      this.maxRetries = maxRetries;
      this.retryBaseDelay = Objects.requireNonNull(baseDelay, "baseDelay");
      this.retryMaxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
      return this;
    }

    /** Logs every call at DEBUG ({@code io.telefetch.rpc}); default on. */
    public Builder logging(boolean logging) {
      this.logging = logging;
      return this;
    }

    /** Connections per DC for ordinary calls (default 1). */
    public Builder mainConnections(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("at least one connection");
      }
      this.mainConnections = n;
      return this;
    }

    /** Connections per DC for file transfer (default 4). */
    public Builder downloadConnections(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("at least one connection");
      }
      this.downloadConnections = n;
      return this;
    }

    /** Connections without a call for this long are closed (default 5 minutes); zero keeps them. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How long a call waits for its answer (default 30 s). */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * How long opening one connection may take: TCP connect, proxy handshake and, on a DC without
     * a key yet, the key exchange (default 10 s). A connection that is not ready by then fails the
     * calls waiting for it.
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * How long the client waits for {@code help.getConfig} (sent to a DC it knows) when it needs
     * the address of a DC it does not know, e.g. after a migration to it (default 30 s). A DC still
     * unknown then fails with {@link UnknownDcException}.
     */
    public Builder resolveTimeout(Duration timeout) {
      this.resolveTimeout = positive(timeout, "resolveTimeout");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return d;
    }

    /** Keep-alive ping interval per connection (default 60 s); zero disables pings. */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * On file-transfer connections ({@link DcClient#invoke}), {@code bytes} fields at least this
     * long are decoded as zero-copy slices that the caller must release ({@link
     * io.telefetch.tl.TlObjects#releaseSlices}); default 64 KiB, {@link Integer#MAX_VALUE} for
     * always-heap copies. Ordinary calls always get heap copies.
     */
    public Builder zeroCopyThreshold(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("zeroCopyThreshold must be positive");
      }
      this.zeroCopyThreshold = bytes;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalStateException when api_id or api_hash is missing
     */
    public ClientOptions buildOptions() {
      if (apiId == 0 || apiHash == null) {
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
