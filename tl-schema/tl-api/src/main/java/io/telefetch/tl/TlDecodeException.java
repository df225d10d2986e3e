package io.telefetch.tl;

import io.telefetch.TelefetchException;

/**
 * Thrown when bytes cannot be decoded as TL: truncated input, an unknown or unexpected constructor
 * id, a length or count larger than the remaining bytes, nesting that is too deep (gzip_packed
 * levels included), or a gzip_packed value that is corrupt, not allowed (in plain messages, or
 * inside another gzip_packed) or inflates past the budget of its message ({@link InflateBudget}).
 */
public final class TlDecodeException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  private final int constructorId;
  private final int offset;

  /**
   * @param message what went wrong
   * @param constructorId the constructor being decoded when it went wrong (0 when none)
   * @param offset the reader index in the source buffer where it went wrong
   */
  public TlDecodeException(String message, int constructorId, int offset) {
    super(message + " (constructor " + hex(constructorId) + ", offset " + offset + ")");
    this.constructorId = constructorId;
    this.offset = offset;
  }

  public TlDecodeException(String message, int constructorId, int offset, Throwable cause) {
    this(message, constructorId, offset);
    initCause(cause);
  }

  /** The constructor id being decoded when the error occurred, or 0. */
  public int constructorId() {
    return constructorId;
  }

  /** The byte offset in the source buffer at which the error occurred. */
  public int offset() {
    return offset;
  }

  static String hex(int id) {
    return String.format("#%08x", id);
  }
}
