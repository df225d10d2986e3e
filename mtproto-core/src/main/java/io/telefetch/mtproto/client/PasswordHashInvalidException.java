package io.telefetch.mtproto.client;

import io.telefetch.mtproto.rpc.RpcException;

/** PASSWORD_HASH_INVALID: the 2FA password was wrong (after the last attempt the callback was given). */
public final class PasswordHashInvalidException extends RpcException {
  private static final long serialVersionUID = 1L;

  PasswordHashInvalidException(RpcException cause) {
    super(cause.code(), cause.errorMessage());
    initCause(cause);
  }
}
