package io.telefetch.mtproto.session;

import io.telefetch.TelefetchException;

/**
 * The server reported a client bug (bad_msg_notification 18, 19, 34, 35...), or an answer could
 * not be decoded in a way that leaves the stream in doubt: the call fails with it, and in the
 * second case the connection closes.
 */
public final class ProtocolViolationException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public ProtocolViolationException(String message) {
    super(message);
  }

  /** Creates the exception with its cause. */
  public ProtocolViolationException(String message, Throwable cause) {
    super(message, cause);
  }
}
