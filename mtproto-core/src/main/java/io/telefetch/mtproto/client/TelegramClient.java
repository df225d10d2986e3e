package io.telefetch.mtproto.client;

import io.netty.util.concurrent.ScheduledFuture;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.ConnectionException;
import io.telefetch.mtproto.rpc.RpcCaller;
import io.telefetch.mtproto.rpc.RpcInterceptor;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.InputUserSelf;
import io.telefetch.tl.api.User;
import io.telefetch.tl.api.UserType;
import io.telefetch.tl.api.users.GetUsers;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Telegram client over all data centers: the object every Telefetch program starts with.
 *
 * <pre>{@code
 * try (TelegramClient client = TelegramClient.builder()
 *     .apiId(id).apiHash(hash)
 *     .sessionStore(SessionStore.file(Path.of("me.session")))
 *     .build()) {
 *   client.login(Login.botToken(token)).join();
 *   Config config = (Config) client.invoke(new GetConfig()).join();
 * }
 * }</pre>
 *
 * <p>Per DC it keeps one auth key (created on first use and stored), one pool of connections for
 * ordinary calls and one for file transfer, all sharing that key and opened lazily; idle ones are
 * closed after {@link ClientOptions#idleTimeout()}. Calls pass the configured interceptors (flood
 * wait, retries, logging) and then follow the account: USER/PHONE/NETWORK_MIGRATE move the home DC
 * (persisted) and the call is resent, but only to a DC the DC list (refreshed from a known DC)
 * names and at most three times per call; on another DC the authorization is exported and imported
 * once per DC key; a key lost by a non-home DC is recreated and re-authorised; a key lost or
 * revoked on the home DC fails with {@link LoggedOutException}.
 *
 * <p>Thread-safe. Result futures complete on the callback executor, never on an I/O thread.
 * Close the client when done; it closes its {@link ClientResources} only if it created them.
 */
public final class TelegramClient implements AutoCloseable {
  /** How long {@link #closeAsync()} waits for connections to close before it shuts down anyway. */
  static final long CLOSE_GRACE_MILLIS = 3_000;

  private final ClientOptions options;
  private final ClientResources resources;
  private final boolean ownResources;
  private final SessionKeeper session;
  private final Dcs dcs;
  private final Account account;
  private final Router router;
  private final LoginFlow logins;
  private final UpdateDispatcher updates;
  private final List<RpcInterceptor> chain;
  private final ScheduledFuture<?> reaper;
  private final AtomicReference<CompletableFuture<Void>> closing = new AtomicReference<>();

  private TelegramClient(ClientOptions options) {
    this.options = options;
    this.session = new SessionKeeper(options.sessionStore);
    this.chain = options.interceptorChain();
    this.updates = new UpdateDispatcher(options.updateListener);
    this.ownResources = options.resources == null;
    if (!ownResources && options.resources.isClosed()) {
      throw new IllegalArgumentException("the shared " + options.resources + " are closed");
    }
    this.resources = ownResources ? ClientResources.create() : options.resources;
    DcDirectory directory = new DcDirectory(options, session);
    this.dcs = new Dcs(options, new Connector(options, resources.eventLoopGroup(), updates), directory, session);
    this.account = new Account(session, dcs, options.mainDc);
    Calls calls = this::call;
    Authorizations authorizations = new Authorizations(account, calls);
    this.router = new Router(account, dcs, authorizations);
    this.logins = new LoginFlow(options, calls, account, router, updates, this::self);
    directory.invoker(account::mainDc, (dc, m) -> call(Route.pinned(dc), m));
    long idleMillis = options.idleTimeout.toMillis();
    if (idleMillis > 0) {
      long period = Math.max(50, Math.min(idleMillis / 2, 30_000));
      long idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
      this.reaper = resources.eventLoopGroup().next().scheduleAtFixedRate(() -> closeIdle(idleNanos), period, period, TimeUnit.MILLISECONDS);
    } else {
      this.reaper = null;
    }
  }

  /** A builder of client options; {@code build()} creates the client. */
  public static ClientOptions.Builder builder() {
    return new ClientOptions.Builder();
  }

  /**
   * A client with {@code options}. Nothing connects until the first call.
   *
   * @throws SessionStoreException when the session store holds unusable data
   */
  public static TelegramClient create(ClientOptions options) {
    return new TelegramClient(options);
  }

  public ClientOptions options() {
    return options;
  }

  /**
   * Calls {@code method} on the home DC. The future fails with an {@link
   * io.telefetch.mtproto.rpc.RpcException} (typed subclasses for flood waits, migrations and 401s)
   * for an rpc_error, {@link io.telefetch.mtproto.rpc.RpcTimeoutException}, {@link
   * io.telefetch.mtproto.rpc.ConnectionClosedException} when the connection broke with the call in
   * flight (it is not resent: it may have been executed) or none could be opened in time, {@link
   * LoggedOutException}, {@link UnknownDcException} when a server moved the account to a DC that
   * no DC list names (the home DC then stays), or {@link MigrationLoopException}.
   * Cancelling the future cancels the request (the answer is dropped) and any retry.
   */
  public <R> CompletableFuture<R> invoke(TlMethod<R> method) {
    return call(Route.HOME, method);
  }

  /**
   * Calls {@code method} on DC {@code dcId} over its ordinary connection; on a DC other than the
   * home DC the account's authorization is imported first (once per DC).
   */
  public <R> CompletableFuture<R> invoke(int dcId, TlMethod<R> method) {
    if (dcId <= 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("bad DC id " + dcId));
    }
    return call(Route.of(dcId, Purpose.MAIN), method);
  }

  /**
   * An authorised handle on DC {@code dcId} for file transfer: the downloader's view of this
   * client. The authorization is exported and imported on first use, once for all callers.
   */
  public DcClient dc(int dcId) {
    if (dcId <= 0) {
      throw new IllegalArgumentException("bad DC id " + dcId);
    }
    return new Handle(dcId, false);
  }

  /**
   * Logs in. When the session store already holds a login that the server still accepts, no login
   * call is made and the current user is returned.
   */
  public CompletableFuture<User> login(Login login) {
    if (closing.get() != null) {
      return CompletableFuture.failedFuture(new ClientClosedException());
    }
    return logins.login(login);
  }

  /** The logged-in user ({@code users.getUsers([inputUserSelf])}, cached); {@link LoggedOutException} when not logged in. */
  public CompletableFuture<User> self() {
    if (closing.get() != null) {
      return CompletableFuture.failedFuture(new ClientClosedException());
    }
    CompletableFuture<User> cached = account.cachedSelf();
    if (cached != null && !cached.isCompletedExceptionally()) {
      return cached;
    }
    if (!account.loggedIn()) {
      return CompletableFuture.failedFuture(new LoggedOutException(account.mainDc(), "not logged in", null));
    }
    CompletableFuture<User> f = invoke(new GetUsers(List.of(new InputUserSelf()))).thenApply(list -> {
      UserType u = list.isEmpty() ? null : list.get(0);
      if (!(u instanceof User user)) {
        throw new io.telefetch.mtproto.rpc.ProtocolViolationException("users.getUsers returned no user for inputUserSelf");
      }
      return user;
    });
    account.cacheSelf(f);
    return f;
  }

  /** Whether the session holds a login (it may still turn out revoked on the next call). */
  public boolean isLoggedIn() {
    return account.loggedIn();
  }

  /** The account's home DC. */
  public int mainDc() {
    return account.mainDc();
  }

  /**
   * The session as a portable string ({@link SessionData#toSessionString()}); start another client
   * from it with {@link SessionStore#ofString(String)}. It is the login: keep it secret.
   */
  public String exportSession() {
    saveKeys();
    return session.current().toSessionString();
  }

  /** The current session state (keys, home DC, login). */
  public SessionData session() {
    saveKeys();
    return session.current();
  }

  /**
   * Closes every connection, saves salts and clock offsets to the session store, and shuts down the
   * {@link ClientResources} if the client created them. Calls in flight and later calls fail with
   * {@link ClientClosedException}.
   * Completes within a few seconds whatever the peers do: connections still opening are abandoned
   * and closing ones get {@value #CLOSE_GRACE_MILLIS} ms.
   */
  public CompletableFuture<Void> closeAsync() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!closing.compareAndSet(null, done)) {
      return closing.get();
    }
    if (reaper != null) {
      reaper.cancel(false);
    }
    saveKeys();
    CompletableFuture.allOf(dcs.all().stream().map(DcState::shutdown).toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS) // never wait on a peer
        .whenComplete((v, e) -> {
          if (!ownResources) {
            options.callbackExecutor.execute(() -> done.complete(null));
            return;
          }
          resources.closeAsync().whenComplete((x, y) -> options.callbackExecutor.execute(() -> done.complete(null)));
        });
    return done;
  }

  /** The resources the client runs on: its own or the shared ones (tests). */
  ClientResources resources() {
    return resources;
  }

  /** {@link #closeAsync()} and waits for it. */
  @Override
  public void close() {
    closeAsync().join();
  }

  @Override
  public String toString() {
    return "TelegramClient[home DC " + account.mainDc() + (account.loggedIn() ? ", user " + account.userId() : "")
        + (closing.get() != null ? ", closed" : "") + "]";
  }

  // ------------------------------------------------------------------ internals

  /**
   * Sends along {@code route} through the interceptor chain; cancelling the returned future cancels
   * the request in flight and any further attempt.
   */
  <R> CompletableFuture<R> call(Route route, TlMethod<R> method) {
    if (closing.get() != null) {
      return CompletableFuture.failedFuture(new ClientClosedException());
    }
    if (resources.isClosed()) {
      return CompletableFuture.failedFuture(
          new ConnectionClosedException("the client's shared " + resources + " are closed", null, false));
    }
    CallScope scope = new CallScope();
    RpcCaller caller = RpcCaller.intercepted(new RpcCaller() {
      @Override
      public <T> CompletableFuture<T> call(TlMethod<T> m) {
        return router.call(route, m, scope);
      }
    }, chain);
    CompletableFuture<R> result = closedWhenClosing(caller.call(method));
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        scope.cancel();
      }
    });
    return result;
  }

  /**
   * {@code call}, except that a connection failure after {@link #closeAsync()} started (the close
   * broke the connection or abandoned the call) becomes a {@link ClientClosedException} with that
   * failure as its cause, so a closed client reports one type and one message whatever the timing.
   * Cancelling the returned future cancels {@code call}.
   */
  private <R> CompletableFuture<R> closedWhenClosing(CompletableFuture<R> call) {
    CompletableFuture<R> result = new CompletableFuture<>();
    call.whenComplete((r, e) -> {
      if (e == null) {
        result.complete(r);
        return;
      }
      Throwable cause = Failures.unwrap(e);
      result.completeExceptionally(closing.get() != null && cause instanceof ConnectionException
          ? new ClientClosedException(cause) : e);
    });
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        call.cancel(false);
      }
    });
    return result;
  }

  private void saveKeys() {
    for (DcState dc : dcs.all()) {
      SessionData.DcKey key = dc.keyForSaving();
      if (key != null) {
        session.update(s -> s.key(dc.id).isPresent() ? s.withKey(key) : s);
      }
    }
  }

  private void closeIdle(long idleNanos) {
    int home = account.mainDc();
    for (DcState dc : dcs.all()) {
      dc.closeIdle(idleNanos, dc.id == home && updates.hasListener());
    }
  }

  /** A {@link DcClient} on one DC. */
  private final class Handle implements DcClient {
    private final int dcId;
    private final boolean cdn;

    Handle(int dcId, boolean cdn) {
      this.dcId = dcId;
      this.cdn = cdn;
    }

    @Override
    public int dcId() {
      return dcId;
    }

    @Override
    public <R> CompletableFuture<R> invoke(TlMethod<R> method) {
      return call(cdn ? Route.cdn(dcId) : Route.of(dcId, Purpose.DOWNLOAD), method);
    }

    @Override
    public <R> CompletableFuture<R> invokeMain(TlMethod<R> method) {
      return TelegramClient.this.invoke(method);
    }

    @Override
    public DcClient dc(int dcId) {
      return TelegramClient.this.dc(dcId);
    }

    @Override
    public DcClient cdn(int dcId) {
      if (dcId <= 0) {
        throw new IllegalArgumentException("bad DC id " + dcId);
      }
      return new Handle(dcId, true);
    }

    @Override
    public CompletableFuture<Void> reconnect() {
      DcState state = dcs.peek(dcId);
      if (state == null || state.cdn != cdn) {
        return CompletableFuture.completedFuture(null);
      }
      return state.pool(Purpose.DOWNLOAD).closeAll();
    }

    @Override
    public String toString() {
      return "DcClient[" + (cdn ? "CDN " : "") + "DC " + dcId + "]";
    }
  }
}
