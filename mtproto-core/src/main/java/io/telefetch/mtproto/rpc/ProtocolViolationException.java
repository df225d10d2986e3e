package io.telefetch.mtproto.rpc;

import io.telefetch.TelefetchException;

/**
 * The server answered something the protocol does not allow where it was sent: an answer of the
 * wrong type or one that does not decode, a login answer the client cannot use, a
 * bad_msg_notification that reports a client bug. Retrying the same request usually fails the same
 * way.
 */
public class ProtocolViolationException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception that says what the server sent. */
  public ProtocolViolationException(String message) {
    super(message);
  }

  /** Creates an exception that says what the server sent, caused by {@code cause}. */
  public ProtocolViolationException(String message, Throwable cause) {
    super(message, cause);
  }
}
