package io.telefetch.mtproto.client;

import io.telefetch.TelefetchException;

/**
 * The client is not (or no longer) logged in: it never logged in, or the home DC lost the auth key
 * (transport error -404) or reports it unauthorised (AUTH_KEY_UNREGISTERED, SESSION_REVOKED...).
 * The stored login is cleared; log in again with {@link TelegramClient#login(Login)}.
 */
public final class LoggedOutException extends TelefetchException {
  private static final long serialVersionUID = 1L;
  private final int dcId;

  LoggedOutException(int dcId, String message, Throwable cause) {
    super(message, cause);
    this.dcId = dcId;
  }

  /** The home DC that reported it. */
  public int dcId() {
    return dcId;
  }
}
