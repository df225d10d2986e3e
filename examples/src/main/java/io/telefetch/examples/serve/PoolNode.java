package io.telefetch.examples.serve;

import io.telefetch.link.LinkResolver;
import io.telefetch.link.MetadataCache;
import io.telefetch.link.ResolvedLink;
import io.telefetch.link.TelegramLink;
import io.telefetch.media.DownloadRequest;
import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFile;
import io.telefetch.media.NoMediaException;
import io.telefetch.mtproto.client.ClientClosedException;
import io.telefetch.mtproto.client.LoggedOutException;
import io.telefetch.mtproto.client.SessionStore;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.ConnectionException;
import io.telefetch.mtproto.rpc.FloodWaitException;
import io.telefetch.mtproto.rpc.UnauthorizedException;
import io.telefetch.pool.AccountLimits;
import io.telefetch.pool.AccountPool;
import io.telefetch.pool.AccountPoolListener;
import io.telefetch.pool.AccountRemoved;
import io.telefetch.pool.AccountStatus;
import io.telefetch.pool.FileLocator;
import io.telefetch.pool.PoolAccount;
import io.telefetch.redis.LeasedAccounts;
import io.telefetch.redis.RedisFloodRegistry;
import io.telefetch.redis.RedisLeases;
import io.telefetch.redis.RedisMetadataCache;
import io.telefetch.redis.RedisPoolEvents;
import io.telefetch.redis.RedisSessionStore;
import io.telefetch.redis.RedisShared;
import io.telefetch.redis.SessionKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's accounts as one {@link AccountPool}: {@code telefetch serve --accounts a,b,c}. Alone,
 * every account is opened at start and the pool's state lives in this process. With Redis
 * ({@code --redis}) the node joins a group: it serves only the accounts whose leases it holds
 * ({@link LeasedAccounts}, ticked every third of the lease TTL), takes over a dead node's accounts
 * once their leases ended, shares flood waits ({@link RedisFloodRegistry}), each account's link cache
 * ({@link RedisMetadataCache} under {@code <prefix>acct:<name>:}) and why accounts left ({@link
 * RedisPoolEvents}); with a {@link SessionKey} the accounts' sessions live in Redis too, encrypted
 * ({@link RedisSessionStore}), so the node taking an account over reuses its login.
 *
 * <p>While Redis is away the node keeps serving with what it holds (leases stay valid until their
 * end on this node's clock, floods and cache entries it saw are kept locally); Redis's absence and
 * return are each logged once ({@link RedisShared}), and the next tick rejoins.
 *
 * <p>Clients: {@link Opener} builds each account's logged-in client; this node closes them (an
 * account dropped because another node took its lease is closed after a grace, once its parts in
 * flight are done). {@link #close} releases the leases held (a clean stop hands the accounts over at
 * once); a node that dies holds them until their TTL.
 */
public final class PoolNode implements GatewayUpstream, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PoolNode.class);

  /** Opens one account's logged-in client. */
  @FunctionalInterface
  public interface Opener {
    /**
     * The logged-in client of account {@code name}.
     *
     * @param store the session store to use (Redis), or null for the account's own (its session file)
     */
    TelegramClient open(String name, @Nullable SessionStore store) throws Exception;
  }

  private final Builder options;
  private final AccountPool pool;
  private final @Nullable RedisShared redis;
  private final @Nullable RedisLeases leases;
  private final @Nullable LeasedAccounts leased;
  private final @Nullable RedisPoolEvents events;
  private final ScheduledExecutorService scheduler;
  /** Each account's current client (replaced when it is opened again). */
  private final Map<String, TelegramClient> clients = new ConcurrentHashMap<>();
  private final Map<String, Long> userIds = new ConcurrentHashMap<>();
  /** Why an account could not be opened (the last time it was tried). */
  private final Map<String, String> problems = new ConcurrentHashMap<>();
  private final Map<PoolAccount, LinkResolver> resolvers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private PoolNode(Builder b) {
    this.options = b;
    this.scheduler = Executors.newScheduledThreadPool(1, r -> {
      Thread t = new Thread(r, "telefetch-pool-node");
      t.setDaemon(true);
      return t;
    });
    AccountPoolListener listener = new AccountPoolListener() {
      @Override
      public void accountFlooded(String account, int dcId, Duration wait, boolean premium) {
        if (b.metrics != null) {
          b.metrics.floodWaits.inc();
        }
      }

      @Override
      public void accountRemoved(AccountRemoved event) {
        RedisPoolEvents e = events;
        if (e != null) {
          e.accountRemoved(event);
        }
      }
    };
    AccountPool.Builder pb = AccountPool.builder().clock(b.clock).listener(listener);
    if (b.redisUri != null) {
      redis = RedisShared.connect(b.redisUri);
      pb.floodRegistry(new RedisFloodRegistry(redis, b.prefix, b.clock));
      events = new RedisPoolEvents(redis, b.prefix, b.node, b.clock);
      leases = new RedisLeases(redis, b.prefix, b.node, b.leaseTtl, b.clock);
      pool = pb.build();
      leased = new LeasedAccounts(leases, pool, b.names, this::openLeased).standby(b.standby).onDropped(this::retire);
    } else {
      redis = null;
      events = null;
      leases = null;
      leased = null;
      pool = pb.build();
    }
  }

  /** A node opening accounts with {@code opener}. */
  public static Builder builder(Opener opener) {
    return new Builder(opener);
  }

  /**
   * Opens the accounts (alone) or takes the free leases (in a group) and starts ticking.
   *
   * @throws Exception alone: the first account's failure when none could be opened
   */
  private PoolNode start() throws Exception {
    if (leased == null) {
      Exception first = null;
      for (String name : options.names) {
        try {
          pool.add(account(name, options.opener.open(name, null)));
        } catch (Exception e) {
          problems.put(name, oneLine(e));
          log.warn("account {} cannot be opened: {}", name, oneLine(e));
          first = first == null ? e : first;
        }
      }
      if (pool.activeAccounts().isEmpty() && first != null) {
        close();
        throw first;
      }
      return this;
    }
    java.util.SortedSet<String> held = leased.tick();
    log.info("node {} joined the group on {} holding {}", options.node, redis, held);
    long every = Math.max(50, options.leaseTtl.toMillis() / 3);
    scheduler.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    return this;
  }

  private void tick() {
    if (closed || leased == null) {
      return;
    }
    try {
      leased.tick();
    } catch (RuntimeException e) {
      log.warn("lease tick failed: {}", e.toString());
    }
  }

  private PoolAccount openLeased(String name) {
    SessionStore store = options.sessionKey == null || redis == null ? null
        : new RedisSessionStore(redis, options.prefix, name, options.sessionKey, new SecureRandom());
    TelegramClient client;
    try {
      client = options.opener.open(name, store);
    } catch (Exception e) {
      problems.put(name, oneLine(e));
      throw new CompletionException(e);
    }
    if (events != null) {
      events.rejoined(name);
    }
    return account(name, client);
  }

  private PoolAccount account(String name, TelegramClient client) {
    TelegramClient before = clients.put(name, client);
    if (before != null && before != client) {
      retireLater(before);
    }
    problems.remove(name);
    if (client.isLoggedIn()) {
      userIds.put(name, client.session().userId());
    }
    return PoolAccount.of(name, client, options.limits);
  }

  /** An account another node took: its resolver goes, its client closes after the grace. */
  private void retire(PoolAccount account) {
    resolvers.remove(account);
    clients.remove(account.name(), account.client());
    retireLater(account.client());
  }

  private void retireLater(TelegramClient client) {
    try {
      scheduler.schedule(client::close, options.closeGrace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      client.close();
    }
  }

  /** The pool (for tests and the status page). */
  public AccountPool pool() {
    return pool;
  }

  /** This node's id. */
  public String node() {
    return options.node;
  }

  /** Runs one lease tick now (tests drive takeovers with it; it also runs on its own schedule). */
  public java.util.SortedSet<String> tickNow() {
    return leased == null ? new java.util.TreeSet<>(pool.activeAccounts().stream().map(PoolAccount::name).toList())
        : leased.tick();
  }

  private LinkResolver resolver(PoolAccount account) {
    return resolvers.computeIfAbsent(account, a -> {
      LinkResolver.Builder b = LinkResolver.builder(a.client());
      b.cache(redis == null ? MetadataCache.inMemory()
          : new RedisMetadataCache(redis, options.prefix + "acct:" + a.name() + ":"));
      return b.build();
    });
  }

  // ------------------------------------------------------------------ GatewayUpstream

  /**
   * Resolves {@code link} with the first active account; an account that cannot answer now (logged
   * out, flood-waiting, unreachable, closed) passes the link to the next one.
   */
  @Override
  public CompletableFuture<ResolvedLink> resolve(TelegramLink link) {
    List<PoolAccount> active = pool.activeAccounts();
    if (active.isEmpty()) {
      return CompletableFuture.failedFuture(new GatewayException(503, "no_account",
          "no account of this node can serve now", options.leaseTtl, null));
    }
    return resolveFrom(active, 0, link);
  }

  private CompletableFuture<ResolvedLink> resolveFrom(List<PoolAccount> accounts, int i, TelegramLink link) {
    CompletableFuture<ResolvedLink> attempt;
    try {
      attempt = resolver(accounts.get(i)).resolve(link);
    } catch (RuntimeException e) {
      attempt = CompletableFuture.failedFuture(e);
    }
    return attempt.handle((r, e) -> {
      if (e == null) {
        return CompletableFuture.completedFuture(r);
      }
      if (i + 1 < accounts.size() && accountTrouble(e)) {
        return resolveFrom(accounts, i + 1, link);
      }
      return CompletableFuture.<ResolvedLink>failedFuture(e);
    }).thenCompose(Function.identity());
  }

  private static boolean accountTrouble(Throwable error) {
    Throwable e = error;
    for (int i = 0; i < 8 && (e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null; i++) {
      e = e.getCause();
    }
    return e instanceof LoggedOutException || e instanceof UnauthorizedException || e instanceof ClientClosedException
        || e instanceof FloodWaitException || e instanceof ConnectionException || e instanceof TimeoutException;
  }

  /** The file's parts spread over the pool; each account locates the file through its own resolver. */
  @Override
  public CompletableFuture<DownloadRequest> download(TelegramLink link, ResolvedLink resolved, int index) {
    FileLocator locator = account -> resolver(account).resolve(link).thenApply(r -> media(r, index));
    return pool.download(locator, options.fetchOptions);
  }

  private static MediaFile media(ResolvedLink r, int index) {
    if (index >= r.media().size()) {
      throw new CompletionException(new NoMediaException("no media " + index + " behind the link"));
    }
    return r.media().get(index);
  }

  @Override
  public Accounts accounts() {
    Map<String, AccountStatus> status = new java.util.HashMap<>();
    for (AccountStatus s : pool.status()) {
      status.put(s.name(), s);
    }
    Instant now = options.clock.instant();
    List<String> names = new ArrayList<>(options.names);
    status.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
    List<AccountState> out = new ArrayList<>();
    for (String name : names) {
      AccountStatus s = status.get(name);
      Optional<RedisLeases.Holding> lease = leases == null ? Optional.empty() : leases.holding(name);
      Optional<RedisPoolEvents.Left> left = events == null ? Optional.empty() : events.left(name);
      Map<Integer, Instant> floods = s != null ? s.floodedUntil() : pool.floodRegistry().floods(name, now);
      AccountRemoved.Reason removed = s != null && s.removed().isPresent()
          && s.removed().get() != AccountRemoved.Reason.REMOVED ? s.removed().get()
          : left.map(RedisPoolEvents.Left::reason).orElse(null);
      String state;
      if (s != null && s.active()) {
        state = floods.isEmpty() ? "active" : "flood_wait";
      } else if (lease.isPresent() && !lease.get().node().equals(options.node)) {
        state = "elsewhere";
      } else if (removed != null) {
        state = "removed";
      } else if (problems.containsKey(name)) {
        state = "unavailable";
      } else if (options.standby.contains(name)) {
        state = "standby";
      } else {
        state = "free";
      }
      Long id = userIds.get(name);
      out.add(new AccountState(name, state, id == null || id == 0 ? null : AccountState.maskId(id), floods, removed,
          lease.map(RedisLeases.Holding::node).orElse(null), lease.map(RedisLeases.Holding::end).orElse(null),
          s == null ? 0 : s.partsFetched(), s == null ? 0 : s.inFlight(), problems.get(name)));
    }
    String redisState = redis == null ? null : redis.available() ? "up" : "down";
    return new Accounts(redis == null ? null : options.node, redisState, out);
  }

  /** Stops ticking, releases the leases held (handing the accounts over at once), closes the clients and Redis. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdownNow();
    try {
      if (leased != null) {
        leased.releaseAll();
      }
    } finally {
      clients.values().forEach(TelegramClient::close);
      clients.clear();
      if (redis != null) {
        redis.close();
      }
    }
  }

  @Override
  public String toString() {
    return "PoolNode[" + options.node + ", " + pool + (redis == null ? "" : ", " + redis) + "]";
  }

  private static String oneLine(Throwable e) {
    Throwable c = e;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return m == null ? c.getClass().getSimpleName() : m.lines().findFirst().orElse("");
  }

  /** A node's options. */
  public static final class Builder {
    private final Opener opener;
    private List<String> names = List.of();
    private java.util.Set<String> standby = java.util.Set.of();
    private @Nullable String redisUri;
    private String prefix = "telefetch:";
    private String node = defaultNodeId();
    private Duration leaseTtl = Duration.ofSeconds(30);
    private @Nullable SessionKey sessionKey;
    private Clock clock = Clock.systemUTC();
    private FetchOptions fetchOptions = FetchOptions.defaults();
    private AccountLimits limits = AccountLimits.free();
    private Duration closeGrace = Duration.ofSeconds(30);
    private @Nullable GatewayMetrics metrics;

    private Builder(Opener opener) {
      this.opener = Objects.requireNonNull(opener, "opener");
    }

    /** The accounts this node may serve (in a group: those it should serve and those it should take over). */
    public Builder accounts(List<String> names) {
      LinkedHashSet<String> unique = new LinkedHashSet<>(names);
      if (unique.isEmpty()) {
        throw new IllegalArgumentException("a pool needs at least one account");
      }
      this.names = List.copyOf(unique);
      return this;
    }

    /** Accounts of {@link #accounts} that are another node's: taken only when still free a lease TTL after start. */
    public Builder standby(List<String> names) {
      this.standby = java.util.Set.copyOf(names);
      return this;
    }

    /** Joins the group on Redis at {@code uri} ({@code redis://host:port}); null: alone. */
    public Builder redis(@Nullable String uri) {
      this.redisUri = uri;
      return this;
    }

    /** The Redis key prefix of the group (default {@code telefetch:}). */
    public Builder prefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /** This node's id in the group (letters, digits, {@code _.:-}; default: host name and process id). */
    public Builder node(String node) {
      if (!node.matches("[A-Za-z0-9_.:-]{1,64}")) {
        throw new IllegalArgumentException("a node id has 1 to 64 letters, digits or _.:-: " + node);
      }
      this.node = node;
      return this;
    }

    /** How long a lease lives unless renewed: a dead node's accounts are taken over after it (default 30 s). */
    public Builder leaseTtl(Duration ttl) {
      if (ttl.toMillis() < 300) {
        throw new IllegalArgumentException("the lease TTL must be at least 300 ms");
      }
      this.leaseTtl = ttl;
      return this;
    }

    /** Keeps the accounts' sessions in Redis encrypted with {@code key} (null: each account's own store). */
    public Builder sessionKey(@Nullable SessionKey key) {
      this.sessionKey = key;
      return this;
    }

    /** The clock of leases and floods (nodes' clocks must agree to well within the lease TTL). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How each download runs (part size, window). */
    public Builder fetchOptions(FetchOptions options) {
      this.fetchOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Each account's parts in flight per DC (default: a free account's). */
    public Builder limits(AccountLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** How long a dropped account's client stays open for its parts in flight (default 30 s). */
    public Builder closeGrace(Duration grace) {
      this.closeGrace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /** Counts the pool's flood waits in these metrics. */
    public Builder metrics(@Nullable GatewayMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /**
     * Opens the accounts (alone) or joins the group (with Redis): when this returns, the node holds
     * the leases it could take.
     *
     * @throws Exception alone: the first failure when no account could be opened
     */
    public PoolNode start() throws Exception {
      if (names.isEmpty()) {
        throw new IllegalArgumentException("a pool needs at least one account");
      }
      for (String s : standby) {
        if (!names.contains(s)) {
          throw new IllegalArgumentException("--standby " + s + " is not one of --accounts");
        }
      }
      if (sessionKey != null && redisUri == null) {
        throw new IllegalArgumentException("sessions in Redis need --redis");
      }
      return new PoolNode(this).start();
    }

    private static String defaultNodeId() {
      String host;
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        host = "node";
      }
      String id = host.replaceAll("[^A-Za-z0-9_.:-]", "_") + "-" + ProcessHandle.current().pid();
      return id.length() > 64 ? id.substring(id.length() - 64) : id;
    }
  }
}
