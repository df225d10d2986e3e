package io.telefetch.media;

/**
 * Telegram gave no usable SHA-256 for some bytes that must be verified (no hash window covers the
 * offset, or a window straddles the part): the bytes are not delivered unverified.
 */
public final class HashUnavailableException extends DownloadException {
  private static final long serialVersionUID = 1L;
  private final long offset;

  public HashUnavailableException(long offset, String message) {
    super(message);
    this.offset = offset;
  }

  /** The first byte without a hash. */
  public long offset() {
    return offset;
  }
}
