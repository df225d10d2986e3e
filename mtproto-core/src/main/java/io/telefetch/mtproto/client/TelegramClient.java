package io.telefetch.mtproto.client;

import io.netty.util.concurrent.ScheduledFuture;
import io.telefetch.mtproto.rpc.CallOptions;
import io.telefetch.mtproto.rpc.CallRoute;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.mtproto.rpc.FloodWaitException;
import io.telefetch.mtproto.rpc.Interceptor;
import io.telefetch.mtproto.rpc.InterceptorChain;
import io.telefetch.mtproto.rpc.RpcTimeoutException;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.ConnectionException;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlObjects;
import io.telefetch.tl.api.InputUserSelf;
import io.telefetch.tl.api.User;
import io.telefetch.tl.api.UserType;
import io.telefetch.tl.api.users.GetUsers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
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
 * closed after {@link ClientOptions#idleTimeout()}. Calls pass one pipeline of {@link
 * io.telefetch.mtproto.rpc.Interceptor}s (those added on the builder, then logging, flood-wait
 * sleeping and retries, as the call's {@link CallOptions} over {@link
 * ClientOptions#defaultCallOptions()} say) and then follow the account: USER/PHONE/NETWORK_MIGRATE move the home DC
 * (persisted) and the call is resent, but only to a DC the DC list (refreshed from a known DC)
 * names and at most three times per call; on another DC the authorization is exported and imported
 * once per DC key; a key lost by a non-home DC is recreated and re-authorised; a key lost or
 * revoked on the home DC fails with {@link LoggedOutException}.
 *
 * <p>The builder's {@link EventListener} sees connections, new keys, logins, migrations, flood
 * waits, retries and every attempt's end, and the downloads made with this client (through {@link
 * DcClient#eventListener()}).
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
  private final List<Interceptor> chain;
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
    this.router = new Router(account, dcs, authorizations, options.events);
    this.logins = new LoginFlow(options, calls, account, router, updates, this::self);
    directory.invoker(account::mainDc, (dc, m) -> call(Route.pinned(dc), m));
    long idleMillis = options.pool.idleTimeout().toMillis();
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
   * Like {@link #invoke(TlMethod)} with per-call {@code options}: what they leave unset is taken
   * from {@link ClientOptions#defaultCallOptions()}.
   */
  public <R> CompletableFuture<R> invoke(TlMethod<R> method, CallOptions options) {
    return call(Route.HOME, method, options);
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

  /** Like {@link #invoke(int, TlMethod)} with per-call {@code options} (see {@link #invoke(TlMethod, CallOptions)}). */
  public <R> CompletableFuture<R> invoke(int dcId, TlMethod<R> method, CallOptions options) {
    if (dcId <= 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("bad DC id " + dcId));
    }
    return call(Route.of(dcId, Purpose.MAIN), method, options);
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
    return call(route, method, CallOptions.DEFAULT);
  }

  /** {@link #call(Route, TlMethod)} with per-call options over the client's defaults. */
  <R> CompletableFuture<R> call(Route route, TlMethod<R> method, CallOptions callOptions) {
    if (closing.get() != null) {
      return CompletableFuture.failedFuture(new ClientClosedException());
    }
    if (resources.isClosed()) {
      return CompletableFuture.failedFuture(
          new ConnectionClosedException("the client's shared " + resources + " are closed", null, false));
    }
    CallScope scope = new CallScope();
    CallRoute where = new CallRoute(route.dcId() == 0 ? account.mainDc() : route.dcId(),
        route.cdn() ? CallRoute.Kind.CDN : route.purpose() == Purpose.DOWNLOAD ? CallRoute.Kind.DOWNLOAD
            : CallRoute.Kind.MAIN);
    Interceptor terminal = new Interceptor() {
      @Override
      public <T> CompletableFuture<T> intercept(Chain<T> c) {
        return send(route, c, scope);
      }
    };
    CompletableFuture<R> result = closedWhenClosing(InterceptorChain.call(chain, terminal, method, where,
        callOptions.withDefaults(options.defaultCallOptions)));
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        scope.cancel();
      }
    });
    return result;
  }

  /**
   * The end of the chain: one attempt along {@code route}, failed with {@link RpcTimeoutException}
   * once the chain's timeout passes when it is shorter than the connection's own; reports flood
   * waits and the attempt's end to the listener.
   */
  private <T> CompletableFuture<T> send(Route route, Interceptor.Chain<T> c, CallScope scope) {
    EventListener events = options.events;
    String name = c.method().tlName();
    long start = System.nanoTime();
    CompletableFuture<T> sent = router.call(route, c.method(), scope);
    CompletableFuture<T> attempt = sent;
    Duration timeout = c.timeout().orElse(null);
    if (timeout != null && timeout.compareTo(options.connection.callTimeout()) < 0 && !sent.isDone()) {
      CompletableFuture<T> bounded = new CompletableFuture<>();
      sent.whenComplete((r, e) -> {
        if (e != null) {
          bounded.completeExceptionally(Failures.unwrap(e));
        } else if (!bounded.complete(r)) {
          releaseLate(r); // the caller saw the timeout: zero-copy bytes of the late answer are ours
        }
      });
      ScheduledFuture<?> timer;
      try {
        timer = resources.eventLoopGroup().next().schedule(() -> options.callbackExecutor.execute( // never complete on an I/O thread
            () -> bounded.completeExceptionally(new RpcTimeoutException(name, timeout))),
            timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException shutDown) {
        timer = null; // the client is closing: the connection's own timeout or its close ends the call
      }
      ScheduledFuture<?> t = timer;
      bounded.whenComplete((r, e) -> {
        if (t != null) {
          t.cancel(false);
        }
        if (bounded.isCancelled()) {
          sent.cancel(false);
        }
      });
      attempt = bounded;
    }
    attempt.whenComplete((r, e) -> {
      Throwable failure = e == null ? null : Failures.unwrap(e);
      if (failure instanceof FloodWaitException f) {
        events.floodWait(c.route(), name, f.waitTime());
      }
      events.callEnd(c.route(), name, Duration.ofNanos(System.nanoTime() - start), failure);
    });
    return attempt;
  }

  private static void releaseLate(Object r) {
    if (r instanceof TlObject o) {
      TlObjects.releaseSlices(o);
    } else if (r instanceof List<?> list) {
      for (Object x : list) {
        releaseLate(x);
      }
    }
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
    public <R> CompletableFuture<R> invoke(TlMethod<R> method, CallOptions callOptions) {
      return call(cdn ? Route.cdn(dcId) : Route.of(dcId, Purpose.DOWNLOAD), method, callOptions);
    }

    /** Hashes go to the DC's ordinary connection, not behind the parts (a CDN handle has none). */
    @Override
    public CompletableFuture<java.util.List<io.telefetch.tl.api.FileHashType>> getFileHashes(
        io.telefetch.tl.api.upload.GetFileHashes request) {
      return cdn ? invoke(request) : TelegramClient.this.invoke(dcId, request);
    }

    @Override
    public CompletableFuture<java.util.List<io.telefetch.tl.api.FileHashType>> getCdnFileHashes(
        io.telefetch.tl.api.upload.GetCdnFileHashes request) {
      return cdn ? invoke(request) : TelegramClient.this.invoke(dcId, request);
    }

    @Override
    public EventListener eventListener() {
      return options.events;
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
