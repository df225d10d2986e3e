package io.telefetch.mtproto.rpc;

/** A 401 error: AUTH_KEY_UNREGISTERED, AUTH_KEY_INVALID, SESSION_REVOKED, SESSION_PASSWORD_NEEDED... */
public final class UnauthorizedException extends RpcException {
  private static final long serialVersionUID = 1L;

  UnauthorizedException(int code, String message) {
    super(code, message);
  }

  /** The key is not (or no longer) bound to an authorization: log in or import one. */
  public boolean keyUnregistered() {
    return errorMessage().equals("AUTH_KEY_UNREGISTERED") || errorMessage().equals("AUTH_KEY_INVALID")
        || errorMessage().equals("SESSION_REVOKED") || errorMessage().equals("USER_DEACTIVATED");
  }
}
