package io.telefetch.mtproto.transport;

/**
 * A transport error code as sent on the wire: a negative little-endian int framed as a 4-byte
 * packet; a server writes this message, a client receives it as a {@link TransportException}.
 *
 * @param code the negative code, for example {@code -404}
 */
public record TransportError(int code) implements TransportMessage {

  /** -403: the request was forbidden (where HTTP would say 403). */
  public static final TransportError FORBIDDEN = new TransportError(-403);

  /** -404: the auth key is unknown to the DC, or a query or the framing was malformed. */
  public static final TransportError AUTH_KEY_NOT_FOUND = new TransportError(-404);

  /** -429: transport flood: too many connections, or container/ack limits exceeded. */
  public static final TransportError TRANSPORT_FLOOD = new TransportError(-429);

  /** -444: an invalid DC id (key creation, MTProxy connection). */
  public static final TransportError INVALID_DC = new TransportError(-444);

  /** Validates the code. */
  public TransportError {
    if (code >= 0) {
      throw new IllegalArgumentException("transport error codes are negative: " + code);
    }
  }

  /**
   * A readable name: {@code AUTH_KEY_NOT_FOUND} for -404, {@code TRANSPORT_ERROR_<n>} if unknown.
   */
  public String name() {
    return nameOf(code);
  }

  /** A one-line explanation of the code. */
  public String description() {
    switch (code) {
      case -403:
        return "forbidden";
      case -404:
        return "auth key not found, or a malformed query or packet";
      case -429:
        return "transport flood: too many connections or messages";
      case -444:
        return "invalid DC id";
      default:
        return "unknown transport error";
    }
  }

  static String nameOf(int code) {
    switch (code) {
      case -403:
        return "FORBIDDEN";
      case -404:
        return "AUTH_KEY_NOT_FOUND";
      case -429:
        return "TRANSPORT_FLOOD";
      case -444:
        return "INVALID_DC";
      default:
        return "TRANSPORT_ERROR_" + (code < 0 ? -(long) code : code);
    }
  }

  @Override
  public String toString() {
    return "TransportError[" + code + " " + name() + "]";
  }
}
