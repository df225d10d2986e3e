package io.telefetch.pool;

import java.util.Objects;

/**
 * An account left the pool: why, and the error that said so. Parts in flight on it move to the
 * other accounts.
 *
 * @param account the account's name in the pool
 * @param reason why it left
 * @param cause the error Telegram (or the client) answered
 */
public record AccountRemoved(String account, Reason reason, Throwable cause) {
  /** Why an account left the pool. */
  public enum Reason {
    /** The session was logged out or revoked (AUTH_KEY_UNREGISTERED, SESSION_REVOKED, SESSION_EXPIRED). */
    LOGGED_OUT,
    /** The account is banned (USER_DEACTIVATED_BAN). */
    BANNED,
    /** The account was deleted (USER_DEACTIVATED). */
    DEACTIVATED,
    /** The auth key is gone (AUTH_KEY_INVALID, AUTH_KEY_PERM_EMPTY, or the DC forgot it). */
    KEY_LOST,
    /** Removed by the pool's owner. */
    REMOVED
  }

  public AccountRemoved {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(cause, "cause");
  }
}
