package io.telefetch.mtproto.rpc;

import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Forwards to a user's listener; what it throws is logged and dropped (see {@link EventListener#guarded}). */
final class GuardedEventListener implements EventListener {
  private static final Logger LOG = LoggerFactory.getLogger("io.telefetch.events");
  private final EventListener delegate;

  GuardedEventListener(EventListener delegate) {
    this.delegate = Objects.requireNonNull(delegate, "listener");
  }

  private void run(String event, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("event listener {} failed on {}", delegate.getClass().getName(), event, e);
    }
  }

  @Override
  public void connected(CallRoute route) {
    run("connected", () -> delegate.connected(route));
  }

  @Override
  public void connectFailed(CallRoute route, Throwable cause) {
    run("connectFailed", () -> delegate.connectFailed(route, cause));
  }

  @Override
  public void keyCreated(int dcId, boolean cdn) {
    run("keyCreated", () -> delegate.keyCreated(dcId, cdn));
  }

  @Override
  public void loggedIn(long userId, boolean bot) {
    run("loggedIn", () -> delegate.loggedIn(userId, bot));
  }

  @Override
  public void migrated(int fromDc, int toDc, String reason) {
    run("migrated", () -> delegate.migrated(fromDc, toDc, reason));
  }

  @Override
  public void floodWait(CallRoute route, String method, Duration wait) {
    run("floodWait", () -> delegate.floodWait(route, method, wait));
  }

  @Override
  public void retry(String method, int attempt, Duration delay, Throwable cause) {
    run("retry", () -> delegate.retry(method, attempt, delay, cause));
  }

  @Override
  public void callEnd(CallRoute route, String method, Duration elapsed, Throwable failure) {
    run("callEnd", () -> delegate.callEnd(route, method, elapsed, failure));
  }

  @Override
  public void partFetched(int dcId, long offset, int length) {
    run("partFetched", () -> delegate.partFetched(dcId, offset, length));
  }

  @Override
  public void hashMismatch(long offset, int length) {
    run("hashMismatch", () -> delegate.hashMismatch(offset, length));
  }

  @Override
  public void downloadFinished(long bytes, Duration elapsed, Throwable failure) {
    run("downloadFinished", () -> delegate.downloadFinished(bytes, elapsed, failure));
  }

  @Override
  public String toString() {
    return "guarded " + delegate;
  }
}
