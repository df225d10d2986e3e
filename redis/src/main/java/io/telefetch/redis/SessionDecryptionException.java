package io.telefetch.redis;

import io.telefetch.TelefetchException;

/**
 * A session stored in Redis cannot be decrypted: the node's key is not the one it was encrypted
 * with, or the stored value was altered (AES-GCM authentication failed), or it is not ours.
 */
public final class SessionDecryptionException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  SessionDecryptionException(String message, Throwable cause) {
    super(message, cause);
  }

  SessionDecryptionException(String message) {
    super(message);
  }
}
