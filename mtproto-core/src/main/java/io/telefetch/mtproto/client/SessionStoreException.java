package io.telefetch.mtproto.client;

import io.telefetch.TelefetchException;

/**
 * A {@link SessionStore} could not load or save the session: the data is corrupt, belongs to
 * something else, was written by a newer version, or the file system failed.
 */
public final class SessionStoreException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** Truncated, or a checksum or field is wrong: the data was damaged. */
    CORRUPT,
    /** Not a Telefetch session at all (another program's file, another library's session string). */
    FOREIGN,
    /** A Telefetch session of a format version this build does not read. */
    UNSUPPORTED_VERSION,
    /** Reading or writing failed. */
    IO
  }

  private final Kind kind;

  SessionStoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  SessionStoreException(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }
}
