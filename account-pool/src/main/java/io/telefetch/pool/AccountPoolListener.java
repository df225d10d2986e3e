package io.telefetch.pool;

import java.time.Duration;

/**
 * What happens to the accounts of an {@link AccountPool}, with empty defaults. Called on the
 * client's threads; must not block. An exception thrown here is logged and ignored.
 */
public interface AccountPoolListener {
  /** Does nothing. */
  AccountPoolListener NONE = new AccountPoolListener() {};

  /** An account left the pool for good. */
  default void accountRemoved(AccountRemoved event) {}

  /**
   * An account got FLOOD_WAIT ({@code premium} false) or FLOOD_PREMIUM_WAIT on DC {@code dcId}:
   * its parts on that DC go to the other accounts for {@code wait}.
   */
  default void accountFlooded(String account, int dcId, Duration wait, boolean premium) {}

  /** Account {@code account} fetched a part of {@code bytes} bytes from DC {@code dcId}. */
  default void partFetched(String account, int dcId, int bytes) {}
}
