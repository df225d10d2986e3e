package io.telefetch.mtproto.rpc;

import io.telefetch.TelefetchException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code rpc_error} returned by the server: its code and message, with subtypes for the errors
 * a client acts on ({@link FloodWaitException}, {@link MigrateException}, {@link
 * UnauthorizedException}). Create instances with {@link #of(int, String)}.
 */
public class RpcException extends TelefetchException {
  private static final long serialVersionUID = 1L;
  private static final Pattern FLOOD = Pattern.compile("(FLOOD_WAIT|FLOOD_PREMIUM_WAIT|SLOWMODE_WAIT)_(\\d+)");
  private static final Pattern MIGRATE = Pattern.compile("(FILE|USER|PHONE|NETWORK|STATS)_MIGRATE_(\\d+)");

  private final int code;
  private final String errorMessage;

  protected RpcException(int code, String errorMessage) {
    super(code + " " + errorMessage);
    this.code = code;
    this.errorMessage = errorMessage;
  }

  /**
   * The typed exception for an rpc_error: {@link FloodWaitException} for FLOOD_WAIT_X,
   * FLOOD_PREMIUM_WAIT_X and SLOWMODE_WAIT_X (whatever the code; a number too large for an int
   * reads as {@link Integer#MAX_VALUE} seconds), {@link MigrateException} for 303 *_MIGRATE_X,
   * {@link UnauthorizedException} for 401, else a plain {@code RpcException}. Never throws.
   */
  public static RpcException of(int code, String message) {
    if (message == null) {
      message = "";
    }
    Matcher m = FLOOD.matcher(message);
    if (m.matches()) {
      return new FloodWaitException(code, message, parseOr(m.group(2), Integer.MAX_VALUE),
          m.group(1).equals("FLOOD_PREMIUM_WAIT"));
    }
    m = MIGRATE.matcher(message);
    if (code == 303 && m.matches()) {
      int dc = parseOr(m.group(2), -1);
      if (dc >= 0) {
        return new MigrateException(code, message, MigrateException.Kind.valueOf(m.group(1)), dc);
      }
    }
    if (code == 401) {
      return new UnauthorizedException(code, message);
    }
    return new RpcException(code, message);
  }

  private static int parseOr(String digits, int fallback) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** The error code (e.g. 400, 420, 303, 500, or negative). */
  public int code() {
    return code;
  }

  /** The error message, e.g. {@code FILE_REFERENCE_EXPIRED}. */
  public String errorMessage() {
    return errorMessage;
  }

  /** Whether retrying the same request later may succeed (500-class and negative codes). */
  public boolean isRetryable() {
    return code >= 500 || code < 0 || errorMessage.equals("RPC_CALL_FAIL") || errorMessage.startsWith("INTERDC_");
  }
}
