package io.telefetch.mtproto.crypto;

import io.telefetch.TelefetchException;

/**
 * The Java runtime's cryptography failed Telefetch: an algorithm it needs (AES/CTR, HmacSHA512...)
 * is not installed, a cipher refused a key or buffer it must accept, or the random source yields no
 * usable value. It says the runtime is broken or restricted, never that a peer misbehaved.
 */
public final class CryptoProviderException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception naming what failed. */
  public CryptoProviderException(String message) {
    super(message);
  }

  /** Creates an exception naming what failed, caused by the provider's {@code cause}. */
  public CryptoProviderException(String message, Throwable cause) {
    super(message, cause);
  }
}
