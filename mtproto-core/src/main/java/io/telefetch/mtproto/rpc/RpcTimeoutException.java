package io.telefetch.mtproto.rpc;

import java.time.Duration;

/** No answer arrived within the call's timeout; the request was dropped (rpc_drop_answer). */
public final class RpcTimeoutException extends ConnectionException {
  private static final long serialVersionUID = 1L;

  public RpcTimeoutException(String method, Duration timeout) {
    super(method + " got no answer within " + timeout.toMillis() + " ms");
  }
}
