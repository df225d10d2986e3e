package io.telefetch.mtproto.client;

import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client's current {@link SessionData}, written through to the {@link SessionStore} on every change. */
final class SessionKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(SessionKeeper.class);
  private final SessionStore store;
  private SessionData current;

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

  /** Applies {@code change} and saves the result if it differs; a failed save is logged, not thrown. */
  synchronized SessionData update(UnaryOperator<SessionData> change) {
    SessionData next = change.apply(current);
    if (!next.equals(current)) {
      current = next;
      try {
        store.save(next);
      } catch (RuntimeException e) {
        LOG.warn("cannot save the session to {}: {}", store, e.toString());
      }
    }
    return current;
  }
}
