package io.telefetch.media;

import io.telefetch.TelefetchException;

/**
 * A download (or the step before it, finding the file) failed for a reason of its own, not because a
 * call failed: the bytes did not verify ({@link HashMismatchException}, {@link
 * HashUnavailableException}), there is nothing to download ({@link NoMediaException}, {@link
 * MessageNotFoundException}), the local disk failed ({@link DownloadIOException}), the server sent
 * broken parts or nothing at all ({@code engine.BadPartException}, {@code
 * engine.DownloadStalledException}), or a file reference expired with no way to refresh it.
 *
 * <p>A call that failed on the way (an rpc error, a closed connection, a closed client) fails the
 * download with that call's own {@link TelefetchException}.
 */
public class DownloadException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception that says why the download failed. */
  public DownloadException(String message) {
    super(message);
  }

  /** Creates an exception that says why the download failed, caused by {@code cause}. */
  public DownloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
