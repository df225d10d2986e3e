package io.telefetch.mtproto.session;

import java.util.Arrays;

/**
 * Remembers the last {@code capacity} received message ids and rejects replays: an id equal to a
 * kept one, or, once the window is full, one not greater than the smallest kept id.
 *
 * <p>Not thread-safe.
 */
public final class ReplayWindow {
  private final long[] ids;
  private int size;

  public ReplayWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.ids = new long[capacity];
  }

  /** Records {@code msgId} and returns true, or returns false if it is a replay (nothing recorded). */
  public boolean accept(long msgId) {
    int pos = Arrays.binarySearch(ids, 0, size, msgId);
    if (pos >= 0) {
      return false;
    }
    int insert = -pos - 1;
    if (size == ids.length) {
      if (insert == 0) {
        return false; // not newer than the oldest id still remembered
      }
      // drop the smallest, shift left up to the insertion point
      System.arraycopy(ids, 1, ids, 0, insert - 1);
      ids[insert - 1] = msgId;
      return true;
    }
    System.arraycopy(ids, insert, ids, insert + 1, size - insert);
    ids[insert] = msgId;
    size++;
    return true;
  }

  /** How many ids are remembered. */
  public int size() {
    return size;
  }

  /** Whether {@code msgId} is one of the remembered ids. */
  public boolean contains(long msgId) {
    return Arrays.binarySearch(ids, 0, size, msgId) >= 0;
  }

  /**
   * Whether {@link #accept} would reject {@code msgId} as a replay: it is remembered, or the window
   * is full and it is older than every remembered id (so it may have been received and forgotten).
   * Nothing is recorded.
   */
  public boolean seen(long msgId) {
    return contains(msgId) || (size == ids.length && msgId < ids[0]);
  }

  /**
   * Whether {@code msgId} lies below what the window can vouch for: the window is full and the id
   * is older than every remembered id (the state of such a message is unknown).
   */
  public boolean belowWindow(long msgId) {
    return size == ids.length && msgId < ids[0];
  }

  /** The largest remembered id, or {@link Long#MIN_VALUE} when empty. */
  public long max() {
    return size == 0 ? Long.MIN_VALUE : ids[size - 1];
  }
}
