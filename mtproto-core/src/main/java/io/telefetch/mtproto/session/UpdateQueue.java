package io.telefetch.mtproto.session;

import io.telefetch.tl.TlObject;
import io.telefetch.tl.api.UpdatesTooLong;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Updates waiting for a listener, bounded: beyond {@code maxUpdates} updates or {@code maxBytes}
 * bytes on the wire, the oldest are dropped and one {@code updatesTooLong} stands at the head in
 * their place, telling the listener to fetch the difference. The listener gets them one at a
 * time, in order, on the given executor.
 *
 * <p>Thread-safe: {@link #offer} from the reading thread, delivery on the executor.
 */
public final class UpdateQueue {
  private static final Logger LOG = LoggerFactory.getLogger(UpdateQueue.class);

  /** An update with the bytes it took on the wire; a negative size marks the overflow marker. */
  private record Queued(TlObject update, int size) {
    boolean marker() {
      return size < 0;
    }
  }

  private final String name;
  private final int maxUpdates;
  private final long maxBytes;
  private final Executor executor;
  private final Consumer<TlObject> listener;
  private final ArrayDeque<Queued> updates = new ArrayDeque<>();
  private long bytes;
  private boolean draining;
  private int highWater;
  private long dropped;

  /** A queue for {@code listener}, run on {@code executor} (or on the offering thread if it refuses). */
  public UpdateQueue(String name, int maxUpdates, long maxBytes, Executor executor, Consumer<TlObject> listener) {
    this.name = name;
    this.maxUpdates = maxUpdates;
    this.maxBytes = maxBytes;
    this.executor = executor;
    this.listener = listener;
  }

  /** Queues {@code update}, which took {@code size} bytes on the wire, and starts delivery if idle. */
  public void offer(TlObject update, int size) {
    boolean start;
    long droppedNow;
    synchronized (updates) {
      updates.addLast(new Queued(update, size));
      bytes += size;
      while (updates.size() > maxUpdates || (bytes > maxBytes && updates.size() > 1)) {
        if (updates.peekFirst().marker()) {
          updates.pollFirst();
        }
        Queued d = updates.pollFirst();
        updates.addFirst(new Queued(new UpdatesTooLong(), -1));
        if (d == null || d.marker()) {
          break;
        }
        bytes -= d.size();
        dropped++;
      }
      highWater = Math.max(highWater, updates.size());
      start = !draining;
      draining = true;
      droppedNow = dropped;
    }
    if (droppedNow > 0 && (droppedNow & (droppedNow - 1)) == 0) {
      LOG.warn("{}: the update listener is too slow: {} updates dropped (updatesTooLong delivered instead)",
          name, droppedNow);
    }
    if (start) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        drain();
      }
    }
  }

  private void drain() {
    while (true) {
      Queued u;
      synchronized (updates) {
        u = updates.pollFirst();
        if (u == null) {
          draining = false;
          return;
        }
        if (!u.marker()) {
          bytes -= u.size();
        }
      }
      try {
        listener.accept(u.update());
      } catch (RuntimeException e) {
        LOG.warn("{}: update listener failed on {}", name, u.update().tlName(), e);
      } catch (Error e) {
        synchronized (updates) {
          draining = false;
        }
        throw e;
      }
    }
  }

  /** Updates waiting now. */
  public int size() {
    synchronized (updates) {
      return updates.size();
    }
  }

  /** The most updates that ever waited at once. */
  public int highWater() {
    synchronized (updates) {
      return highWater;
    }
  }

  /** Updates dropped because the listener was too slow. */
  public long dropped() {
    synchronized (updates) {
      return dropped;
    }
  }
}
