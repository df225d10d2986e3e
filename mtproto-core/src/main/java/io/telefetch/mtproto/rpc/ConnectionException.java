package io.telefetch.mtproto.rpc;

import io.telefetch.TelefetchException;

/**
 * A call (or a connection) failed because of the transport to the server rather than the server's
 * answer: the connection closed or could not be opened in time ({@link ConnectionClosedException}),
 * no answer came within the timeout ({@link RpcTimeoutException}), the send queue was full ({@link
 * SendQueueFullException}), the server kept rejecting the request ({@link ResendLimitException}),
 * or the byte stream broke the transport protocol ({@code transport.TransportException}).
 *
 * <p>Catch this type to treat every network-level failure alike, for example to retry later; the
 * subtypes say whether the request may have reached the server.
 */
public abstract class ConnectionException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  protected ConnectionException(String message) {
    super(message);
  }

  protected ConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
