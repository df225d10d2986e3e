package io.telefetch.pool;

import java.time.Instant;
import java.util.Optional;

/**
 * Flood state per (account, DC): until when an account must not send file requests to a DC. The
 * pool consults it before each part; a shared implementation (on Redis) lets several nodes respect
 * one account's flood wait. Implementations are thread-safe and never throw for a lost backend
 * (they fall back to what they know locally).
 */
public interface FloodRegistry {
  /** Records that {@code account} may not use DC {@code dcId} before {@code until} (a later until wins). */
  void flooded(String account, int dcId, Instant until);

  /** Until when {@code account} is flooded on DC {@code dcId}, if that is still in the future of {@code now}. */
  Optional<Instant> floodedUntil(String account, int dcId, Instant now);

  /**
   * Every DC {@code account} is flooded on at {@code now}, with until when (for a status page; the
   * default knows none).
   */
  default java.util.Map<Integer, Instant> floods(String account, Instant now) {
    return java.util.Map.of();
  }

  /** A registry in this process's memory. */
  static FloodRegistry local() {
    return new LocalFloodRegistry();
  }
}
