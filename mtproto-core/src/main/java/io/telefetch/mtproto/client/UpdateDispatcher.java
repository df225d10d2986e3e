package io.telefetch.mtproto.client;

import io.telefetch.tl.TlObject;
import io.telefetch.tl.api.UpdatesType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes pushed updates: drops those from CDN DCs, then hands them to the client's own watchers
 * (QR login) and to the user's {@link UpdateListener}. A failing listener is logged, never fatal.
 *
 * <p>Called synchronously by each connection's bounded update queue (one update at a time per
 * connection, see {@link io.telefetch.mtproto.connection.ConnectionOptions.Builder#maxQueuedUpdates}),
 * so it holds no queue of its own: a slow listener makes the connection drop its oldest updates
 * and deliver {@code updatesTooLong} instead, never grow memory.
 */
final class UpdateDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(UpdateDispatcher.class);
  private final UpdateListener listener;
  private final List<Consumer<UpdatesType>> watchers = new CopyOnWriteArrayList<>();

  UpdateDispatcher(UpdateListener listener) {
    this.listener = listener;
  }

  void dispatch(int dcId, boolean cdn, TlObject update) {
    if (cdn) {
      LOG.debug("ignoring {} from CDN DC {}", update.tlName(), dcId);
      return;
    }
    if (!(update instanceof UpdatesType u)) {
      return;
    }
    for (Consumer<UpdatesType> w : watchers) {
      try {
        w.accept(u);
      } catch (RuntimeException e) {
        LOG.warn("update watcher failed", e);
      }
    }
    if (listener != null) {
      try {
        listener.onUpdate(dcId, u);
      } catch (RuntimeException e) {
        LOG.warn("update listener failed on {}", u.tlName(), e);
      }
    }
  }

  /** Adds an internal watcher; run the returned action to remove it. */
  Runnable watch(Consumer<UpdatesType> watcher) {
    watchers.add(watcher);
    return () -> watchers.remove(watcher);
  }

  boolean hasListener() {
    return listener != null;
  }
}
