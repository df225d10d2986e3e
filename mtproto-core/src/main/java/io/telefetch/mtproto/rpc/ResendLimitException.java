package io.telefetch.mtproto.rpc;


/**
 * The server rejected the same request more often than the connection's resend limit allows
 * (bad_server_salt, bad_msg_notification, msg_resend_req or new_session_created answered again
 * and again): the call fails instead of being resent forever. The request was never executed as
 * far as the client can tell; a new attempt (on a new connection) is the caller's decision.
 */
public final class ResendLimitException extends ConnectionException {
  private static final long serialVersionUID = 1L;

  private final String method;
  private final int sends;

  public ResendLimitException(String method, int sends, String lastReason) {
    super(method + " was rejected by the server " + sends + " times (last: " + lastReason + ")");
    this.method = method;
    this.sends = sends;
  }

  /** The TL name of the rejected request. */
  public String method() {
    return method;
  }

  /** How many times the request was sent before giving up. */
  public int sends() {
    return sends;
  }
}
