package io.telefetch.mtproto.session;

import java.time.Clock;

/**
 * Generates MTProto message ids: about {@code unixtime * 2^32} with a non-empty fraction of a
 * second in the low 32 bits, strictly increasing, with the low two bits marking the sender (0 for client messages; 1 for server replies, 3 for other server
 * messages), synchronised with the server's clock through an offset.
 *
 * <p>Not thread-safe: a session uses its generator from one thread (its event loop). Only {@link
 * #offsetMillis()} and {@link #serverTimeMillis()} may be read from other threads.
 */
public final class MsgIdGenerator {
  private final Clock clock;
  private volatile long offsetMillis;
  private long last;

  /** A generator reading {@code clock}, initially without offset. */
  public MsgIdGenerator(Clock clock) {
    this.clock = clock;
  }

  /** The server time in milliseconds as this generator believes it to be. */
  public long serverTimeMillis() {
    return clock.millis() + offsetMillis;
  }

  /** The current difference server time minus local time, in milliseconds. */
  public long offsetMillis() {
    return offsetMillis;
  }

  /** Sets the offset (e.g. from a SessionStore or the key exchange's server_time). */
  public void setOffsetMillis(long offsetMillis) {
    this.offsetMillis = offsetMillis;
  }

  /**
   * Re-synchronises with the server clock read from one of its msg_ids (bad_msg_notification 16/17
   * or any trusted server message).
   */
  public void syncWith(long serverMsgId) {
    long serverMillis = (serverMsgId >>> 32) * 1000 + ((serverMsgId & 0xFFFF_FFFFL) * 1000 >>> 32);
    offsetMillis = serverMillis - clock.millis();
  }

  /** The next client message id: divisible by 4 and greater than every id generated before. */
  public long next() {
    return nextWithLowBits(0);
  }

  /** The next server message id: {@code response} ids are 1 mod 4, others 3 mod 4. */
  public long nextServer(boolean response) {
    return nextWithLowBits(response ? 1 : 3);
  }

  private long nextWithLowBits(int lowBits) {
    long millis = serverTimeMillis();
    long seconds = Math.floorDiv(millis, 1000);
    long fraction = (Math.floorMod(millis, 1000L) << 32) / 1000;
    long id = (seconds << 32 | fraction) & ~3L | lowBits;
    if (id <= last) {
      id = (last + 4) & ~3L | lowBits;
    }
    if ((id & 0xFFFF_FFFCL) == 0) {
      id += 4; // the low 32 bits (the fraction of a second) must never be empty
    }
    last = id;
    return id;
  }

  /** The unix time in seconds encoded in a message id. */
  public static long secondsOf(long msgId) {
    return msgId >>> 32;
  }
}
