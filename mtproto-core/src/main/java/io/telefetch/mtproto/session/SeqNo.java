package io.telefetch.mtproto.session;

/**
 * The seqno counter of one session: a content-related message (a query, or anything that requires
 * an acknowledgment) gets {@code 2n + 1} and increments {@code n}; any other message (acks,
 * containers, msgs_state_info...) gets {@code 2n}.
 *
 * <p>Not thread-safe: a session uses it from its event loop.
 */
public final class SeqNo {
  private int contentMessages;

  /** The seqno of the next message. */
  public int next(boolean contentRelated) {
    return contentRelated ? contentMessages++ * 2 + 1 : contentMessages * 2;
  }

  /** How many content-related messages have been numbered (the {@code n} of the rules). */
  public int contentMessages() {
    return contentMessages;
  }

  /** Starts over (a new session). */
  public void reset() {
    contentMessages = 0;
  }

  /**
   * Moves the counter by {@code delta} content-related messages, never below zero: the reaction to
   * bad_msg_notification 32 (seqno too low: jump ahead) and 33 (seqno too high: step back).
   */
  public void adjust(int delta) {
    contentMessages = Math.max(0, contentMessages + delta);
  }
}
