package io.telefetch.pool;

import io.telefetch.TelefetchException;

/** Every account of the pool left it (logged out, banned...): nothing can fetch the part. */
public final class NoAccountLeftException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  NoAccountLeftException(String message, Throwable cause) {
    super(message, cause);
  }
}
