package io.telefetch.mtproto.rpc;

import io.telefetch.TelefetchException;

/**
 * Something received from a peer failed a security check: a cryptographic check of the data ({@code
 * crypto.CryptoCheckException}), a check of the auth key exchange ({@code
 * exchange.KeyExchangeException}) or a check of a received message ({@code
 * session.MessageRejectedException}).
 *
 * <p>The reaction is always the same: nothing from the peer's data is used and the connection is
 * closed. Calls waiting on that connection fail with a {@link ConnectionClosedException} whose cause
 * is this exception. The message names the failed check but never holds secret material.
 */
public abstract class SecurityCheckException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  protected SecurityCheckException(String message) {
    super(message);
  }

  protected SecurityCheckException(String message, Throwable cause) {
    super(message, cause);
  }
}
