package io.telefetch.pool;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One account as {@code telefetch accounts} shows it.
 *
 * @param name the account's name in the pool
 * @param removed why it left the pool, or empty while it is in it
 * @param inFlight parts in flight on it now, over every DC
 * @param partsFetched parts it fetched since the pool was built
 * @param floodedUntil per DC id, until when it is flood-waiting there (only waits still running)
 */
public record AccountStatus(String name, Optional<AccountRemoved.Reason> removed, int inFlight, long partsFetched,
    Map<Integer, Instant> floodedUntil) {
  public AccountStatus {
    floodedUntil = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(floodedUntil)); // by DC id
  }

  /** Whether the account is still in the pool. */
  public boolean active() {
    return removed.isEmpty();
  }
}
