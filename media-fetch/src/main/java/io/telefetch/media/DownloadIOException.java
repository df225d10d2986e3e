package io.telefetch.media;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A download to a path failed on the local disk: a file the downloader would write is a link or
 * not a regular file, or reading, writing, syncing or renaming failed (disk full...). {@link
 * #path()} names the file; the cause is the first error (an {@link java.io.IOException}) and later
 * ones (cleanup) are suppressed. Unchecked, a {@link DownloadException}: it reaches users as the
 * failure of a download's future.
 */
public final class DownloadIOException extends DownloadException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** The path is a symbolic link: the downloader never follows one. */
    LINK,
    /** The path exists and is a directory, a FIFO, a device... */
    NOT_A_REGULAR_FILE,
    /** A partial or state file left by another user (someone could read or steer the download). */
    NOT_OWNED,
    /** Reading, writing, syncing, renaming or deleting failed. */
    IO
  }

  private final transient Path path;
  private final Kind kind;

  public DownloadIOException(Kind kind, Path path, String message, Throwable cause) {
    super(message + ": " + path, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.path = Objects.requireNonNull(path, "path");
  }

  /** The file the failure concerns. */
  public Path path() {
    return path;
  }

  /** What went wrong. */
  public Kind kind() {
    return kind;
  }
}
