package io.telefetch.redis;

import io.telefetch.TelefetchException;

/** The session encryption key is missing or malformed. */
public final class InvalidSessionKeyException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  InvalidSessionKeyException(String message) {
    super(message);
  }
}
