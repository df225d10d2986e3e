package io.telefetch.mtproto.crypto;

import io.telefetch.mtproto.rpc.SecurityCheckException;

/**
 * Thrown when data received from a peer fails a cryptographic check: a wrong message key, a bad
 * hash, an unsafe Diffie-Hellman prime or value, tampered RSA_PAD data, an unfactorable pq.
 *
 * <p>The message names the check that failed but never contains secret material. The usual
 * reaction is to drop what was received, use nothing from it and close the connection.
 */
public final class CryptoCheckException extends SecurityCheckException {

  private static final long serialVersionUID = 1L;

  /** Creates an exception that names the failed check. */
  public CryptoCheckException(String message) {
    super(message);
  }
}
