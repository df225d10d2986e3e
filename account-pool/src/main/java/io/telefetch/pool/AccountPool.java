package io.telefetch.pool;

import io.telefetch.link.LinkResolver;
import io.telefetch.link.ResolvedLink;
import io.telefetch.media.DownloadRequest;
import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.media.NoMediaException;
import io.telefetch.mtproto.client.LoggedOutException;
import io.telefetch.mtproto.rpc.UnauthorizedException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several accounts as one downloader: the parts of one download are spread across the accounts
 * that can see the file, each part sent by one account with its own file reference.
 *
 * <pre>{@code
 * AccountPool pool = AccountPool.builder()
 *     .account(PoolAccount.of("a", clientA, AccountLimits.free()))
 *     .account(PoolAccount.of("b", clientB, AccountLimits.premium()))
 *     .build();
 * pool.download("https://t.me/somechannel/123", FetchOptions.defaults())
 *     .thenCompose(d -> d.toPath(Path.of("video.mp4"))).join();
 * }</pre>
 *
 * <p>Scheduling: each part goes to the account with the most free room on the file's DC (parts in
 * flight against {@link AccountLimits#maxInFlightPerDc()}); a part waits when every account is
 * full. An account answered with FLOOD_WAIT or FLOOD_PREMIUM_WAIT is recorded in the {@link
 * FloodRegistry} for that DC and its part goes at once to another account; only when every account
 * is flooded on the DC does the part fail with the shortest flood wait, for the downloader's retry
 * policy. An account that is logged out, banned, deactivated or lost its key leaves the pool
 * ({@link AccountPoolListener#accountRemoved}) and its part goes to another account.
 *
 * <p>A pool may start empty (a node of a group that holds no account's lease yet) and gain
 * accounts with {@link #add}; a download finds no account until then ({@link NoAccountLeftException}).
 *
 * <p>The pool plugs into media-fetch as the {@link io.telefetch.mtproto.client.DcClient} a
 * {@link MediaFetcher} downloads through, so the downloader (window, verification, resume,
 * streaming) is the same. CDN redirects are followed by the account that received them. The pool
 * closes no client: whoever created the clients closes them.
 */
public final class AccountPool {
  private static final Logger log = LoggerFactory.getLogger(AccountPool.class);

  /** Every account ever added, in order (copy-on-write: read without the lock). */
  private final List<PoolAccount> accounts = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final FloodRegistry floods;
  private final AccountPoolListener listener;
  private final Clock clock;
  /** Guarded by {@code this}: parts in flight per account and DC. */
  private final Map<String, Map<Integer, Integer>> inFlight = new HashMap<>();
  /** Guarded by {@code this}: parts fetched per account. */
  private final Map<String, Long> fetched = new HashMap<>();
  /** Guarded by {@code this}: accounts that left and why. */
  private final Map<String, AccountRemoved.Reason> removed = new LinkedHashMap<>();
  /** Guarded by {@code this}: parts waiting for room on some account (bounded by the downloads' windows). */
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

  private AccountPool(Builder b) {
    this.accounts.addAll(b.accounts.values());
    this.floods = b.floods;
    this.listener = b.listener;
    this.clock = b.clock;
    for (PoolAccount a : accounts) {
      inFlight.put(a.name(), new HashMap<>());
      fetched.put(a.name(), 0L);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every account the pool has had, in order (those that left included). */
  public List<PoolAccount> accounts() {
    return List.copyOf(accounts);
  }

  /**
   * Adds an account (for example one taken over from a node that died); downloads in progress use
   * it from their next part. A name that left the pool may come back with a new client.
   */
  public synchronized void add(PoolAccount account) {
    Objects.requireNonNull(account, "account");
    if (inFlight.containsKey(account.name()) && !removed.containsKey(account.name())) {
      throw new IllegalArgumentException("already in the pool: " + account.name());
    }
    accounts.removeIf(a -> a.name().equals(account.name()));
    accounts.add(account);
    removed.remove(account.name());
    inFlight.putIfAbsent(account.name(), new HashMap<>());
    fetched.putIfAbsent(account.name(), 0L);
    log.info("account {} joined the pool", account.name());
  }

  /** The accounts still in the pool. */
  public synchronized List<PoolAccount> activeAccounts() {
    List<PoolAccount> out = new ArrayList<>();
    for (PoolAccount a : accounts) {
      if (!removed.containsKey(a.name())) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * Each account's state, in order, with its flood waits as the {@link FloodRegistry} knows them
   * (read outside the pool's lock: a shared registry may ask its backend).
   */
  public List<AccountStatus> status() {
    record Snapshot(String name, Optional<AccountRemoved.Reason> removed, int inFlight, long fetched) {}
    List<Snapshot> snapshot = new ArrayList<>();
    synchronized (this) {
      for (PoolAccount a : accounts) {
        int n = inFlight.get(a.name()).values().stream().mapToInt(Integer::intValue).sum();
        snapshot.add(new Snapshot(a.name(), Optional.ofNullable(removed.get(a.name())), n, fetched.get(a.name())));
      }
    }
    java.time.Instant now = clock.instant();
    List<AccountStatus> out = new ArrayList<>();
    for (Snapshot s : snapshot) {
      out.add(new AccountStatus(s.name(), s.removed(), s.inFlight(), s.fetched(), floods.floods(s.name(), now)));
    }
    return out;
  }

  public FloodRegistry floodRegistry() {
    return floods;
  }

  public Clock clock() {
    return clock;
  }

  /** Takes {@code name} out of the pool (its parts in flight finish; no new ones go to it). */
  public void remove(String name) {
    removeAccount(name, AccountRemoved.Reason.REMOVED, new IllegalStateException("removed by the owner"));
  }

  /**
   * A download of the file {@code locator} finds, its parts spread over the pool: the first active
   * account that can see the file describes it (size, DC, refresh); every other account locates
   * it again the first time a part goes to it.
   */
  public CompletableFuture<DownloadRequest> download(FileLocator locator, FetchOptions options) {
    Objects.requireNonNull(locator, "locator");
    Objects.requireNonNull(options, "options");
    PooledDownload pooled = new PooledDownload(this, locator);
    return pooled.primaryFile().thenApply(file -> MediaFetcher.create(pooled.client(file.dcId()), options)
        .download(file));
  }

  /**
   * A download of the first media of {@code link}: each account resolves the link with its own
   * {@link LinkResolver}.
   */
  public CompletableFuture<DownloadRequest> download(String link, FetchOptions options) {
    Objects.requireNonNull(link, "link");
    Map<PoolAccount, LinkResolver> resolvers = new java.util.concurrent.ConcurrentHashMap<>();
    return download(account -> resolvers.computeIfAbsent(account, a -> LinkResolver.create(a.client()))
        .resolve(link).thenApply(r -> firstMedia(r, link)), options);
  }

  private static MediaFile firstMedia(ResolvedLink r, String link) {
    if (r.media().isEmpty()) {
      throw new CompletionException(new NoMediaException("no media behind " + link));
    }
    return r.media().get(0);
  }

  // ------------------------------------------------------------------ scheduling (package-private)

  /**
   * Picks the account for one part on DC {@code dcId}: active, not in {@code exclude}, not flooded
   * there, with room; the one with the most room relative to its limit. Reserves the slot.
   */
  synchronized Pick pick(int dcId, java.util.Set<String> exclude) {
    PoolAccount best = null;
    double bestLoad = Double.MAX_VALUE;
    boolean anyActive = false;
    boolean anyUnflooded = false;
    java.time.Instant soonest = null;
    java.time.Instant now = clock.instant();
    for (PoolAccount a : accounts) {
      if (removed.containsKey(a.name()) || exclude.contains(a.name())) {
        continue;
      }
      anyActive = true;
      Optional<java.time.Instant> until = floods.floodedUntil(a.name(), dcId, now);
      if (until.isPresent()) {
        if (soonest == null || until.get().isBefore(soonest)) {
          soonest = until.get();
        }
        continue;
      }
      anyUnflooded = true;
      int n = inFlight.get(a.name()).getOrDefault(dcId, 0);
      int max = a.limits().maxInFlightPerDc();
      if (n >= max) {
        continue;
      }
      double load = (double) n / max;
      if (load < bestLoad) {
        best = a;
        bestLoad = load;
      }
    }
    if (best != null) {
      inFlight.get(best.name()).merge(dcId, 1, Integer::sum);
      return new Pick(best, null, 0);
    }
    if (!anyActive) {
      return new Pick(null, Pick.Kind.NONE_LEFT, 0);
    }
    if (!anyUnflooded) {
      long seconds = Math.max(1, (java.time.Duration.between(now, soonest).toMillis() + 999) / 1000);
      return new Pick(null, Pick.Kind.ALL_FLOODED, seconds);
    }
    return new Pick(null, Pick.Kind.FULL, 0);
  }

  /** The outcome of {@link #pick}: an account (slot reserved), or why there is none. */
  record Pick(@Nullable PoolAccount account, Pick.@Nullable Kind kind, long floodSeconds) {
    enum Kind { NONE_LEFT, ALL_FLOODED, FULL }
  }

  /** Runs {@code retry} when a slot frees (or now, if one freed in between). */
  void await(Runnable retry) {
    synchronized (this) {
      waiting.add(retry);
    }
  }

  /** Frees the slot {@link #pick} reserved; wakes the waiting parts. */
  void release(PoolAccount account, int dcId, boolean partFetched) {
    List<Runnable> wake;
    synchronized (this) {
      inFlight.get(account.name()).merge(dcId, -1, (a, b) -> a + b <= 0 ? null : a + b);
      if (partFetched) {
        fetched.merge(account.name(), 1L, Long::sum);
      }
      wake = new ArrayList<>(waiting);
      waiting.clear();
    }
    for (Runnable r : wake) {
      r.run();
    }
  }

  synchronized boolean isActive(PoolAccount account) {
    return !removed.containsKey(account.name());
  }

  void flooded(PoolAccount account, int dcId, java.time.Duration wait, boolean premium) {
    floods.flooded(account.name(), dcId, clock.instant().plus(wait));
    log.info("account {} flooded on DC {} for {} s: its parts go to the other accounts", account.name(), dcId,
        wait.toSeconds());
    try {
      listener.accountFlooded(account.name(), dcId, wait, premium);
    } catch (RuntimeException e) {
      log.warn("pool listener failed", e);
    }
  }

  void partFetched(PoolAccount account, int dcId, int bytes) {
    try {
      listener.partFetched(account.name(), dcId, bytes);
    } catch (RuntimeException e) {
      log.warn("pool listener failed", e);
    }
  }

  void removeAccount(String name, AccountRemoved.Reason reason, Throwable cause) {
    List<Runnable> wake;
    synchronized (this) {
      if (removed.containsKey(name) || !inFlight.containsKey(name)) {
        return;
      }
      removed.put(name, reason);
      wake = new ArrayList<>(waiting);
      waiting.clear();
    }
    log.warn("account {} left the pool: {} ({})", name, reason, cause.toString());
    try {
      listener.accountRemoved(new AccountRemoved(name, reason, cause));
    } catch (RuntimeException e) {
      log.warn("pool listener failed", e);
    }
    for (Runnable r : wake) {
      r.run();
    }
  }

  /**
   * Why {@code error} means the account is gone for good, or null when it does not: 401s
   * (AUTH_KEY_UNREGISTERED, SESSION_REVOKED, USER_DEACTIVATED, USER_DEACTIVATED_BAN...) and the
   * client's {@link LoggedOutException}.
   */
  static AccountRemoved.@Nullable Reason removalReason(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof LoggedOutException) {
      return AccountRemoved.Reason.LOGGED_OUT;
    }
    if (e instanceof UnauthorizedException u) {
      String m = u.errorMessage();
      if (m.equals("USER_DEACTIVATED_BAN")) {
        return AccountRemoved.Reason.BANNED;
      }
      if (m.equals("USER_DEACTIVATED")) {
        return AccountRemoved.Reason.DEACTIVATED;
      }
      if (m.equals("AUTH_KEY_INVALID") || m.equals("AUTH_KEY_PERM_EMPTY")) {
        return AccountRemoved.Reason.KEY_LOST;
      }
      if (m.equals("AUTH_KEY_UNREGISTERED") || m.equals("SESSION_REVOKED") || m.equals("SESSION_EXPIRED")) {
        return AccountRemoved.Reason.LOGGED_OUT;
      }
    }
    return null;
  }

  static Throwable unwrap(Throwable e) {
    Throwable c = e;
    for (int i = 0; i < 8 && (c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null; i++) {
      c = c.getCause();
    }
    return c;
  }

  @Override
  public synchronized String toString() {
    return "AccountPool[" + accounts.size() + " accounts, " + removed.size() + " removed]";
  }

  /** Options of a pool. */
  public static final class Builder {
    private final Map<String, PoolAccount> accounts = new LinkedHashMap<>();
    private FloodRegistry floods = FloodRegistry.local();
    private AccountPoolListener listener = AccountPoolListener.NONE;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Adds an account (names are unique). */
    public Builder account(PoolAccount account) {
      Objects.requireNonNull(account, "account");
      if (accounts.putIfAbsent(account.name(), account) != null) {
        throw new IllegalArgumentException("two accounts named " + account.name());
      }
      return this;
    }

    /** Where flood state lives (in memory by default; shared on Redis by telefetch-redis). */
    public Builder floodRegistry(FloodRegistry floods) {
      this.floods = Objects.requireNonNull(floods, "floods");
      return this;
    }

    public Builder listener(AccountPoolListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The clock flood waits are measured on. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public AccountPool build() {
      return new AccountPool(this);
    }
  }
}
