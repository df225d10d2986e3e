package io.telefetch.mtproto.rpc;

/**
 * The connection closed (or failed a security check, or the peer sent a transport error) while a
 * request was in flight: the request may or may not have been executed by the server. Retrying is
 * the caller's (or a retry interceptor's) decision.
 */
public final class ConnectionClosedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConnectionClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
