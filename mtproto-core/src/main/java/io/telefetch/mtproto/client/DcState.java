package io.telefetch.mtproto.client;

import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.tl.TlMethod;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the client holds for one DC: its auth key (created once, by the first connection,
 * then shared by every other connection of both pools), whether the account's authorization was
 * imported onto that key, and its two connection pools.
 */
final class DcState {
  private static final Logger LOG = LoggerFactory.getLogger(DcState.class);

  final int id;
  final boolean cdn;
  private final ClientOptions options;
  private final Connector connector;
  private final DcDirectory directory;
  private final SessionKeeper session;
  private final Map<Purpose, ConnectionPool> pools = new EnumMap<>(Purpose.class);

  // written under this; read without it only by isCurrentKey (called under pool locks)
  private volatile SessionData.DcKey key;
  // guarded by this
  private CompletableFuture<Void> keyCreation;
  private CompletableFuture<Void> authorization;
  private long authorizationGeneration;
  private boolean closed;

  DcState(int id, boolean cdn, ClientOptions options, Connector connector, DcDirectory directory, SessionKeeper session) {
    this.id = id;
    this.cdn = cdn;
    this.options = options;
    this.connector = connector;
    this.directory = directory;
    this.session = session;
    this.key = session.current().key(id).orElse(null);
  }

  /** Sends {@code method} on this DC's {@code purpose} pool. */
  <R> CompletableFuture<R> invoke(Purpose purpose, TlMethod<R> method, CallScope scope) {
    return pool(purpose).invoke(method, scope, (c, e) -> {
      if (Failures.keyNotFound(e)) {
        onKeyLost(c.authKey());
      }
    });
  }

  synchronized ConnectionPool pool(Purpose purpose) {
    return pools.computeIfAbsent(purpose, p -> new ConnectionPool("DC " + id + (cdn ? " (CDN) " : " ") + p,
        p == Purpose.MAIN ? options.pool.mainConnections() : options.pool.downloadConnections(),
        () -> connect(p), this::onConnectionClosed, c -> isCurrentKey(c.authKey())));
  }

  /**
   * Opens a connection for {@code purpose}: creates the DC's key if it has none, else reuses it.
   * Bounded: resolving the address, waiting for another connection's key exchange and connecting
   * together take at most resolveTimeout + 2 * connectTimeout, after which the future fails with
   * {@link ConnectionClosedException} (a connection that opens later is closed).
   */
  private CompletableFuture<MtprotoConnection> connect(Purpose purpose) {
    CompletableFuture<DcOption> address = directory.resolve(id, purpose, cdn);
    CompletableFuture<io.telefetch.mtproto.crypto.RsaKeys> keys = cdn ? directory.cdnKeys(id)
        : CompletableFuture.completedFuture(options.serverKeys.registry());
    CompletableFuture<MtprotoConnection> opening = address.thenCombine(keys, (a, k) -> new Object[] {a, k})
        .thenCompose(ak -> connectWithKey(purpose, (DcOption) ak[0], (io.telefetch.mtproto.crypto.RsaKeys) ak[1]));
    long millis = options.resolveTimeout.plus(options.connection.connectTimeout()).plus(options.connection.connectTimeout()).toMillis();
    CompletableFuture<MtprotoConnection> result = new CompletableFuture<>();
    opening.whenComplete((c, e) -> {
      if (e != null) {
        result.completeExceptionally(Failures.unwrap(e));
      } else if (!result.complete(c)) {
        c.closeAsync(); // too late
      }
    });
    CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS).execute(() -> result.completeExceptionally(
        new ConnectionClosedException(this + ": no connection within " + millis + " ms", null)));
    return result;
  }

  private CompletableFuture<MtprotoConnection> connectWithKey(Purpose purpose, DcOption address,
      io.telefetch.mtproto.crypto.RsaKeys rsa) {
    CompletableFuture<Void> creation;
    SessionData.DcKey existing;
    boolean create = false;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new ClientClosedException());
      }
      existing = key;
      creation = keyCreation;
      if (existing == null && creation == null) {
        keyCreation = creation = new CompletableFuture<>();
        create = true;
      }
    }
    if (existing != null) {
      return connector.connect(id, purpose, address, cdn, rsa, existing);
    }
    if (!create) {
      return creation.thenCompose(v -> connectWithKey(purpose, address, rsa));
    }
    return createKey(purpose, address, rsa, creation);
  }

  /** Opens the connection that creates the DC's key; {@code creation} completes when it exists. */
  private CompletableFuture<MtprotoConnection> createKey(Purpose purpose, DcOption address,
      io.telefetch.mtproto.crypto.RsaKeys rsa, CompletableFuture<Void> creation) {
    LOG.debug("DC {}: creating an auth key via {}", id, address);
    return connector.connect(id, purpose, address, cdn, rsa, null).whenComplete((c, e) -> {
      SessionData.DcKey created = e == null
          ? new SessionData.DcKey(id, c.authKey(), c.serverSalt(), c.timeOffsetMillis(), false) : null;
      synchronized (this) {
        if (keyCreation == creation) {
          keyCreation = null;
        }
        if (created != null) {
          // a new key carries no authorization; an import already in flight (it is what needed this
          // key) stays the one every caller waits for
          key = created;
        }
      }
      if (e != null) {
        creation.completeExceptionally(e);
      } else {
        session.update(s -> s.withKey(created));
        LOG.debug("DC {}: auth key {} created", id, created.authKey());
        options.events.keyCreated(id, cdn);
        creation.complete(null);
      }
    });
  }

  /** The DC no longer knows {@code lost}: forget it (and its authorization) so the next connection creates a new one. */
  void onKeyLost(AuthKey lost) {
    List<ConnectionPool> toClose;
    synchronized (this) {
      if (key == null || !key.authKey().equals(lost)) {
        return; // already replaced
      }
      LOG.info("DC {}: auth key {} unknown to the server (-404); a new key will be created", id, lost);
      key = null;
      authorization = null;
      toClose = new ArrayList<>(pools.values());
    }
    session.update(s -> s.withoutKey(id));
    toClose.forEach(ConnectionPool::closeStale);
  }

  private void onConnectionClosed(MtprotoConnection c) {
    synchronized (this) {
      if (key != null && key.authKey().equals(c.authKey())) {
        key = new SessionData.DcKey(id, key.authKey(), c.serverSalt(), c.timeOffsetMillis(), key.authorized());
      }
    }
  }

  /** Lock-free: pools call it while holding their own lock. */
  private boolean isCurrentKey(AuthKey k) {
    SessionData.DcKey current = key;
    return current != null && current.authKey().equals(k);
  }

  synchronized SessionData.DcKey currentKey() {
    return key;
  }

  /** The key with the salt and clock offset of a live connection, for saving. */
  SessionData.DcKey keyForSaving() {
    List<ConnectionPool> all;
    synchronized (this) {
      if (key == null) {
        return null;
      }
      all = new ArrayList<>(pools.values());
    }
    List<MtprotoConnection> open = new ArrayList<>();
    all.forEach(p -> open.addAll(p.openConnections()));
    for (MtprotoConnection c : open) {
      onConnectionClosed(c);
    }
    return currentKey();
  }

  // ---- authorization (see Authorizations)

  synchronized CompletableFuture<Void> authorization() {
    return authorization;
  }

  synchronized void authorization(CompletableFuture<Void> f) {
    authorization = f;
  }

  synchronized boolean keyAuthorized() {
    return key != null && key.authorized();
  }

  /** The account's authorization is now on this key (imported, or the key logged in before a migration). */
  void markAuthorized(AuthKey onKey) {
    SessionData.DcKey updated;
    synchronized (this) {
      if (key == null || !key.authKey().equals(onKey)) {
        return;
      }
      key = key.withAuthorized(true);
      authorizationGeneration++;
      updated = key;
    }
    session.update(s -> s.withKey(updated));
  }

  /**
   * How many times an authorization was put on this DC's key; a call captures it before it is
   * sent, so that an AUTH_KEY_UNREGISTERED answer can tell whether it predates the latest import.
   */
  synchronized long authorizationGeneration() {
    return authorizationGeneration;
  }

  /**
   * An AUTH_KEY_UNREGISTERED answer to a call sent at {@code generationSeen}: resets the
   * authorization unless an import is in flight or finished after that call was sent (the call
   * raced a key replacement: retrying it is enough, and a second export would be wasted).
   */
  void resetAuthorizationAfter(long generationSeen) {
    synchronized (this) {
      if (authorizationGeneration != generationSeen
          || authorization != null && !authorization.isDone()) {
        return;
      }
    }
    resetAuthorization();
  }

  /** The key is no longer authorised (other account, logout, AUTH_KEY_UNREGISTERED). */
  void resetAuthorization() {
    SessionData.DcKey updated = null;
    synchronized (this) {
      authorization = null;
      if (key != null && key.authorized()) {
        key = key.withAuthorized(false);
        updated = key;
      }
    }
    if (updated != null) {
      SessionData.DcKey u = updated;
      session.update(s -> s.withKey(u));
    }
  }

  // ---- lifecycle

  void closeIdle(long idleNanos, boolean keepOneMain) {
    List<Map.Entry<Purpose, ConnectionPool>> all;
    synchronized (this) {
      all = new ArrayList<>(pools.entrySet());
    }
    for (Map.Entry<Purpose, ConnectionPool> e : all) {
      e.getValue().closeIdle(idleNanos, keepOneMain && e.getKey() == Purpose.MAIN ? 1 : 0);
    }
  }

  CompletableFuture<Void> shutdown() {
    List<ConnectionPool> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(pools.values());
    }
    return CompletableFuture.allOf(all.stream().map(ConnectionPool::shutdown).toArray(CompletableFuture[]::new));
  }


  @Override
  public String toString() {
    return "DC " + id + (cdn ? " (CDN)" : "");
  }
}
