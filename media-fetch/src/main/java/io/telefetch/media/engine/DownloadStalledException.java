package io.telefetch.media.engine;

import io.telefetch.media.DownloadException;

/**
 * The download made no progress for the stall timeout, again and again: parts were requested and
 * nothing came back, even after the watchdog reconnected and asked again.
 */
public final class DownloadStalledException extends DownloadException {
  private static final long serialVersionUID = 1L;
  private final int stalls;

  public DownloadStalledException(int stalls, long timeoutMillis) {
    super("no progress for " + timeoutMillis + " ms, " + stalls + " times in a row (parts requested, nothing answered)");
    this.stalls = stalls;
  }

  /** Consecutive stalls when the download gave up. */
  public int stalls() {
    return stalls;
  }
}
