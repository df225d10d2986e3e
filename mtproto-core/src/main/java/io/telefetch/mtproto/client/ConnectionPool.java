package io.telefetch.mtproto.client;

import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.tl.TlMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The connections of one DC for one {@link Purpose}: created lazily up to a maximum, each call
 * sent on the least busy one (the fewest calls in flight; among equals, the one that was given the
 * fewest calls, so that file parts spread evenly instead of piling onto the first connection; a new
 * one is opened while all are busy and the maximum is not reached), closed connections dropped
 * (the next call opens a replacement), idle ones closed by {@link #closeIdle}.
 */
final class ConnectionPool {
  private final String name;
  private final int max;
  private final Supplier<CompletableFuture<MtprotoConnection>> opener;
  private final Consumer<MtprotoConnection> onClosed;
  private final Predicate<MtprotoConnection> usable;
  private final List<Slot> slots = new ArrayList<>();
  private boolean closed;

  /** One connection, open or opening. Fields guarded by the pool. */
  static final class Slot {
    final CompletableFuture<MtprotoConnection> future;
    MtprotoConnection connection;
    int inFlight;
    /** Calls given to this connection so far. */
    long given;
    long lastUsedNanos = System.nanoTime();

    Slot(CompletableFuture<MtprotoConnection> future) {
      this.future = future;
    }
  }

  /**
   * @param opener opens one connection (completing on the callback executor)
   * @param onClosed told about every connection of this pool that closed, for whatever reason
   * @param usable whether an open connection may take new calls (false once its auth key was
   *     replaced); unusable ones are closed as soon as they have nothing in flight
   */
  ConnectionPool(String name, int max, Supplier<CompletableFuture<MtprotoConnection>> opener,
      Consumer<MtprotoConnection> onClosed, Predicate<MtprotoConnection> usable) {
    this.name = name;
    this.max = max;
    this.opener = opener;
    this.onClosed = onClosed;
    this.usable = usable;
  }

  /**
   * Sends {@code method} on one of the pool's connections; {@code onFailure} sees each failed
   * attempt with the connection it used. A call that a connection refused because it had just
   * closed (so it was never sent) is sent once more on another connection.
   */
  <R> CompletableFuture<R> invoke(TlMethod<R> method, CallScope scope,
      BiConsumer<MtprotoConnection, Throwable> onFailure) {
    return invoke(method, scope, onFailure, true);
  }

  private <R> CompletableFuture<R> invoke(TlMethod<R> method, CallScope scope,
      BiConsumer<MtprotoConnection, Throwable> onFailure, boolean again) {
    if (scope.cancelled()) {
      return CallScope.cancelledFuture();
    }
    Slot slot;
    try {
      slot = acquire();
    } catch (ClientClosedException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<R> result = slot.future.thenCompose(c -> scope.track(c.invoke(method)).whenComplete((r, e) -> {
      if (e != null) {
        onFailure.accept(c, e);
      }
    })).whenComplete((r, e) -> release(slot));
    if (!again) {
      return result;
    }
    return result.handle((r, e) -> e != null && neverSent(e) ? invoke(method, scope, onFailure, false) : result)
        .thenCompose(f -> f);
  }

  /** Picks (or creates) a slot under the lock; a new slot's connection is opened outside it. */
  private Slot acquire() {
    Slot slot;
    boolean fresh = false;
    synchronized (this) {
      if (closed) {
        throw new ClientClosedException();
      }
      slot = leastBusy(slots, s -> s.connection == null || (s.connection.isOpen() && usable.test(s.connection)));
      if (slot == null || (slot.inFlight > 0 && usableCount() < max)) {
        slot = new Slot(new CompletableFuture<>());
        slots.add(slot);
        fresh = true;
      }
      slot.inFlight++;
      slot.given++;
      slot.lastUsedNanos = System.nanoTime();
    }
    if (fresh) {
      open(slot);
    }
    return slot;
  }

  /**
   * The slot a new call goes to among those {@code eligible} (not closing, not on a replaced key):
   * the fewest calls in flight and, among equals, the fewest calls given so far; null if none.
   */
  static Slot leastBusy(List<Slot> slots, Predicate<Slot> eligible) {
    Slot best = null;
    for (Slot s : slots) {
      if (eligible.test(s) && (best == null || s.inFlight < best.inFlight
          || (s.inFlight == best.inFlight && s.given < best.given))) {
        best = s;
      }
    }
    return best;
  }

  private void open(Slot slot) {
    slot.future.whenComplete((c, e) -> {
      if (e != null) {
        remove(slot);
        return;
      }
      boolean keep;
      synchronized (this) {
        keep = !closed && slots.contains(slot);
        slot.connection = c;
      }
      if (!keep) {
        c.closeAsync();
      }
      c.closeFuture().whenComplete((v, x) -> {
        remove(slot);
        onClosed.accept(c);
      });
    });
    CompletableFuture<MtprotoConnection> opening;
    try {
      opening = opener.get();
    } catch (RuntimeException e) {
      opening = CompletableFuture.failedFuture(e);
    }
    opening.whenComplete((c, e) -> {
      if (e != null) {
        slot.future.completeExceptionally(e);
      } else if (!slot.future.complete(c)) {
        c.closeAsync(); // the pool was shut down while it opened
      }
    });
  }

  private int usableCount() {
    int n = 0;
    for (Slot s : slots) {
      if (s.connection == null || (s.connection.isOpen() && usable.test(s.connection))) {
        n++;
      }
    }
    return n;
  }

  private void release(Slot slot) {
    MtprotoConnection stale = null;
    synchronized (this) {
      slot.inFlight--;
      slot.lastUsedNanos = System.nanoTime();
      if (slot.inFlight == 0 && slot.connection != null && !usable.test(slot.connection)) {
        slots.remove(slot);
        stale = slot.connection;
      }
    }
    if (stale != null) {
      stale.closeAsync();
    }
  }

  /** Closes the connections on a replaced key that have nothing in flight (the others close when done). */
  void closeStale() {
    List<MtprotoConnection> stale = new ArrayList<>();
    synchronized (this) {
      for (Slot s : new ArrayList<>(slots)) {
        if (s.connection != null && s.inFlight == 0 && !usable.test(s.connection)) {
          slots.remove(s);
          stale.add(s.connection);
        }
      }
    }
    stale.forEach(MtprotoConnection::closeAsync);
  }

  private synchronized void remove(Slot slot) {
    slots.remove(slot);
  }

  /** Closes connections without a call for {@code idleNanos}, keeping at least {@code keep} open ones. */
  void closeIdle(long idleNanos, int keep) {
    List<MtprotoConnection> idle = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      int open = (int) slots.stream().filter(s -> s.connection != null && s.connection.isOpen()).count();
      for (Slot s : new ArrayList<>(slots)) {
        if (open <= keep) {
          break;
        }
        if (s.connection != null && s.inFlight == 0 && now - s.lastUsedNanos >= idleNanos) {
          slots.remove(s);
          idle.add(s.connection);
          open--;
        }
      }
    }
    idle.forEach(MtprotoConnection::closeAsync);
  }

  /**
   * Closes every open connection; connections still opening are abandoned at once (the calls
   * waiting for them fail, and each is closed if it opens later), so this never waits on a connect.
   */
  CompletableFuture<Void> closeAll() {
    List<Slot> all;
    boolean shut;
    synchronized (this) {
      shut = closed;
      all = new ArrayList<>(slots);
      slots.clear();
    }
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (Slot s : all) {
      s.future.completeExceptionally(shut ? new ClientClosedException()
          : new ConnectionClosedException(name + ": abandoned by a reconnect before it opened", null, false));
      closing.add(s.future.handle((c, e) -> c).thenCompose(c -> c == null ? CompletableFuture.completedFuture(null)
          : c.closeAsync()));
    }
    return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
  }

  /** Closes everything and refuses new calls. */
  CompletableFuture<Void> shutdown() {
    synchronized (this) {
      closed = true;
    }
    return closeAll();
  }

  /** The open connections (for salts and tests). */
  synchronized List<MtprotoConnection> openConnections() {
    List<MtprotoConnection> list = new ArrayList<>();
    for (Slot s : slots) {
      if (s.connection != null && s.connection.isOpen()) {
        list.add(s.connection);
      }
    }
    return list;
  }

  /** Connections open or opening. */
  synchronized int size() {
    return slots.size();
  }

  @Override
  public String toString() {
    return name;
  }

  static boolean neverSent(Throwable e) {
    return Failures.unwrap(e) instanceof ConnectionClosedException c && !c.requestSent();
  }
}
