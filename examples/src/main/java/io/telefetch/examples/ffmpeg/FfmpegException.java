package io.telefetch.examples.ffmpeg;

import io.telefetch.TelefetchException;
import java.util.Objects;

/**
 * FFmpeg could not do its part: it is missing or does not start ({@link Reason#UNAVAILABLE}), it
 * rejected the input or exited with an error ({@link Reason#FAILED}, the message carries FFmpeg's own
 * first lines of standard error), or the consumer of its output failed ({@link Reason#OUTPUT}, the
 * cause is the consumer's exception). The message is one line.
 */
public final class FfmpegException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  /** Why FFmpeg could not do its part. */
  public enum Reason {
    /** No executable, not executable, or it does not start. */
    UNAVAILABLE,
    /** FFmpeg ran and failed (bad input, unsupported codec for the container...). */
    FAILED,
    /** Writing FFmpeg's output to the consumer failed (a closed socket, a full disk). */
    OUTPUT
  }

  private final Reason reason;
  private final String stderr;

  FfmpegException(Reason reason, String message, String stderr, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.stderr = stderr == null ? "" : stderr;
  }

  FfmpegException(Reason reason, String message) {
    this(reason, message, "", null);
  }

  /** Why FFmpeg could not do its part. */
  public Reason reason() {
    return reason;
  }

  /** FFmpeg's standard error as captured (bounded; empty when it did not run). */
  public String stderr() {
    return stderr;
  }
}
