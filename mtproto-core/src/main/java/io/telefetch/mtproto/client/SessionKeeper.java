package io.telefetch.mtproto.client;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's current {@link SessionData}, written through to the {@link SessionStore} on every
 * change.
 *
 * <p>The store's save (a file store fsyncs) never runs under this keeper's lock: a change is
 * applied under the lock, then saved outside it by one caller at a time. While one caller saves,
 * the others return at once and that caller saves the latest data again before it returns
 * (changes coalesce, the store always ends with the newest). So a caller on a shared pool (a
 * migration, a login completing) never waits on another's disk write.
 */
final class SessionKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(SessionKeeper.class);
  private final SessionStore store;
  // guarded by this
  private SessionData current;
  private long version;
  /** Save requests not yet served; the caller that moves it from 0 saves until it drops back to 0. */
  private final AtomicInteger saveRequests = new AtomicInteger();
  /** The version last saved; touched only by the one saving caller. */
  private long savedVersion;

  /**
   * @throws SessionStoreException when the store holds unusable data (the client refuses to start
   *     rather than overwrite it)
   */
  SessionKeeper(SessionStore store) {
    this.store = store;
    this.current = store.load().orElse(SessionData.empty());
  }

  synchronized SessionData current() {
    return current;
  }

  /**
   * Applies {@code change} and saves the result if it differs (outside the lock; see the class
   * comment); a failed save is logged, not thrown.
   */
  SessionData update(UnaryOperator<SessionData> change) {
    SessionData next;
    synchronized (this) {
      next = change.apply(current);
      if (next.equals(current)) {
        return current;
      }
      current = next;
      version++;
    }
    save();
    return next;
  }

  private void save() {
    if (saveRequests.getAndIncrement() != 0) {
      return; // the caller saving now saves this change too before it returns
    }
    int missed = 1;
    do {
      SessionData latest;
      long v;
      synchronized (this) {
        latest = current;
        v = version;
      }
      if (v != savedVersion) {
        try {
          store.save(latest);
        } catch (RuntimeException e) {
          LOG.warn("cannot save the session to {}: {}", store, e.toString());
        }
        savedVersion = v;
      }
      missed = saveRequests.addAndGet(-missed);
    } while (missed != 0);
  }
}
