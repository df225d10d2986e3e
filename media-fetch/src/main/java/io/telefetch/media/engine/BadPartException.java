package io.telefetch.media.engine;

import io.telefetch.media.DownloadException;

/**
 * The server answered a part with more bytes than were asked for, or with fewer before the end of
 * the file: a broken or hostile server, never delivered. Retried a bounded number of times.
 */
public final class BadPartException extends DownloadException {
  private static final long serialVersionUID = 1L;
  private final long part;
  private final int received;

  public BadPartException(long part, int received, String message) {
    super("part " + part + ": " + message);
    this.part = part;
    this.received = received;
  }

  /** The part's index. */
  public long part() {
    return part;
  }

  /** How many bytes came. */
  public int received() {
    return received;
  }
}
