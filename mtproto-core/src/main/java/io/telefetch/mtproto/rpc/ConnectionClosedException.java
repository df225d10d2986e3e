package io.telefetch.mtproto.rpc;


/**
 * The connection closed (or failed a security check, or the peer sent a transport error) with a
 * request waiting. {@link #requestSent()} says whether the request ever left this process: when it
 * did not, the server cannot have executed it and it is always safe to send again; when it did, the
 * server may or may not have executed it, and retrying is the caller's (or a retry interceptor's)
 * decision.
 */
public final class ConnectionClosedException extends ConnectionException {
  private static final long serialVersionUID = 1L;

  private final boolean requestSent;

  /** A request that may have been sent: {@link #requestSent()} is true. */
  public ConnectionClosedException(String message, Throwable cause) {
    this(message, cause, true);
  }

  /**
   * @param requestSent whether the request was written to the network before the connection closed
   *     (true when unknown)
   */
  public ConnectionClosedException(String message, Throwable cause, boolean requestSent) {
    super(message, cause);
    this.requestSent = requestSent;
  }

  /** Whether the request was written before the connection closed; false means it never left. */
  public boolean requestSent() {
    return requestSent;
  }
}
