package io.telefetch.examples.serve;

import io.telefetch.TelefetchException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A request the gateway refuses or cannot serve, with the HTTP status and a short machine-readable
 * code for the JSON body ({@code {"error": code, "message": ...}}).
 */
public final class GatewayException extends TelefetchException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;
  private final @Nullable Duration retryAfter;

  /** A refusal with {@code status} and {@code code}. */
  public GatewayException(int status, String code, String message) {
    this(status, code, message, null, null);
  }

  /** A refusal with {@code status}, {@code code}, an optional Retry-After and cause. */
  public GatewayException(int status, String code, String message, @Nullable Duration retryAfter,
      @Nullable Throwable cause) {
    super(message, cause);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The error code of the JSON body, e.g. {@code bad_link}. */
  public String code() {
    return code;
  }

  /** How long the client should wait (429, 503), or null. */
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }
}
