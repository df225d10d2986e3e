package io.telefetch.testkit.server;

/** Thrown by an {@link ApiHandler} to answer a call with {@code rpc_error}. */
public final class RpcError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int code;
  private final String errorMessage;

  public RpcError(int code, String errorMessage) {
    super(code + " " + errorMessage, null, false, false);
    this.code = code;
    this.errorMessage = errorMessage;
  }

  public int code() {
    return code;
  }

  public String errorMessage() {
    return errorMessage;
  }

  public static RpcError badRequest(String message) {
    return new RpcError(400, message);
  }
}
