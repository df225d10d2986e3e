package io.telefetch.media;

/** Downloaded bytes did not match the SHA-256 Telegram published for their window. */
public final class HashMismatchException extends DownloadException {
  private static final long serialVersionUID = 1L;
  private final long offset;
  private final int limit;

  public HashMismatchException(long offset, int limit) {
    super("SHA-256 mismatch for bytes [" + offset + ", " + (offset + limit) + ")");
    this.offset = offset;
    this.limit = limit;
  }

  public long offset() {
    return offset;
  }

  public int limit() {
    return limit;
  }
}
