package io.telefetch.pool;

import java.util.Optional;

/**
 * One account as {@code telefetch accounts} shows it.
 *
 * @param name the account's name in the pool
 * @param removed why it left the pool, or empty while it is in it
 * @param inFlight parts in flight on it now, over every DC
 * @param partsFetched parts it fetched since the pool was built
 */
public record AccountStatus(String name, Optional<AccountRemoved.Reason> removed, int inFlight, long partsFetched) {
  /** Whether the account is still in the pool. */
  public boolean active() {
    return removed.isEmpty();
  }
}
