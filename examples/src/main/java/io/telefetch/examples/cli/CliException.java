package io.telefetch.examples.cli;

import io.telefetch.TelefetchException;
import java.util.Objects;

/**
 * An error the command line reports as it is: a one-line message, a hint saying what to do, and
 * the exit status ({@link #USAGE} for a wrong option or a missing setting, {@link #FAILED} otherwise).
 */
public final class CliException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  /** Exit status of a failed command. */
  public static final int FAILED = 1;
  /** Exit status of a usage error: a wrong option, a missing setting. */
  public static final int USAGE = 2;

  private final String hint;
  private final int status;

  /** A failure ({@link #FAILED}) with {@code hint}. */
  public CliException(String message, String hint) {
    this(message, hint, FAILED, null);
  }

  /** A failure with {@code hint}, exit {@code status}, caused by {@code cause} (shown with --debug). */
  public CliException(String message, String hint, int status, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.hint = Objects.requireNonNull(hint, "hint");
    this.status = status;
  }

  /** What to do about it (one line). */
  public String hint() {
    return hint;
  }

  /** The process's exit status. */
  public int status() {
    return status;
  }
}
