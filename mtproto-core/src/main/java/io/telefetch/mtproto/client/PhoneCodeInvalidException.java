package io.telefetch.mtproto.client;

import io.telefetch.mtproto.rpc.RpcException;

/** PHONE_CODE_INVALID: the login code was wrong (after the last attempt the authenticator was given). */
public final class PhoneCodeInvalidException extends RpcException {
  private static final long serialVersionUID = 1L;

  PhoneCodeInvalidException(RpcException cause) {
    super(cause.code(), cause.errorMessage());
    initCause(cause);
  }
}
