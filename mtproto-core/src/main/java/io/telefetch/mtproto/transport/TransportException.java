package io.telefetch.mtproto.transport;

import io.telefetch.mtproto.rpc.ConnectionException;

/**
 * A failure of the transport layer: either the peer sent a transport error code ({@link
 * Kind#PEER_ERROR}, for example -404), or the byte stream broke the transport protocol (a length
 * that is too large, negative or malformed, a bad CRC or sequence number, an unknown protocol), in
 * which case the connection is unusable and the handlers close it.
 *
 * <p>Unchecked, a {@link ConnectionException}: calls waiting on the connection fail with a {@code
 * ConnectionClosedException} whose cause is this exception.
 */
public final class TransportException extends ConnectionException {

  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** The peer sent a transport error code; see {@link #code()} and {@link #codeName()}. */
    PEER_ERROR,
    /** A packet announced a length above the configured maximum. */
    FRAME_TOO_LARGE,
    /**
     * A length that is zero, negative, not a multiple of 4 where required, or otherwise invalid.
     */
    INVALID_LENGTH,
    /** A packet whose structure is invalid (for example a malformed quick ack packet). */
    MALFORMED_PACKET,
    /** A full-transport packet whose CRC32 does not match. */
    CHECKSUM_MISMATCH,
    /** A full-transport packet with an unexpected sequence number. */
    SEQUENCE_MISMATCH,
    /**
     * The first bytes of a connection match no supported transport (HTTP, TLS, wrong secret...).
     */
    UNSUPPORTED_PROTOCOL
  }

  private final Kind kind;
  private final int code;

  private TransportException(Kind kind, int code, String message) {
    super(message);
    this.kind = kind;
    this.code = code;
  }

  /** The exception for a transport error code received from the peer, for example -404. */
  public static TransportException peerError(int code) {
    String name = TransportError.nameOf(code);
    String description = code < 0 ? new TransportError(code).description() : "invalid error code";
    return new TransportException(
        Kind.PEER_ERROR, code, "transport error " + code + " (" + name + "): " + description);
  }

  static TransportException frameTooLarge(long claimed, int max) {
    return new TransportException(
        Kind.FRAME_TOO_LARGE, 0, "packet length " + claimed + " exceeds the maximum of " + max);
  }

  static TransportException invalidLength(String message) {
    return new TransportException(Kind.INVALID_LENGTH, 0, message);
  }

  static TransportException malformed(String message) {
    return new TransportException(Kind.MALFORMED_PACKET, 0, message);
  }

  static TransportException checksumMismatch(int expected, int actual) {
    return new TransportException(
        Kind.CHECKSUM_MISMATCH,
        0,
        String.format("CRC32 mismatch: packet says 0x%08x, computed 0x%08x", expected, actual));
  }

  static TransportException sequenceMismatch(int expected, int actual) {
    return new TransportException(
        Kind.SEQUENCE_MISMATCH, 0, "sequence number " + actual + ", expected " + expected);
  }

  static TransportException unsupportedProtocol(String message) {
    return new TransportException(Kind.UNSUPPORTED_PROTOCOL, 0, message);
  }

  /** What went wrong. */
  public Kind kind() {
    return kind;
  }

  /**
   * The peer's code as received (negative, for example -404) for {@link Kind#PEER_ERROR}, else 0.
   */
  public int code() {
    return code;
  }

  /**
   * A readable name: for a peer error {@code AUTH_KEY_NOT_FOUND} (-404), {@code TRANSPORT_FLOOD}
   * (-429), {@code INVALID_DC} (-444), {@code FORBIDDEN} (-403) or {@code TRANSPORT_ERROR_<n>};
   * otherwise the name of the {@link #kind()}.
   */
  public String codeName() {
    return kind == Kind.PEER_ERROR ? TransportError.nameOf(code) : kind.name();
  }

  /**
   * Whether the byte stream can no longer be trusted, so the connection must be closed; false only
   * for {@link Kind#PEER_ERROR}, after which the stream is still in sync.
   */
  public boolean isFatal() {
    return kind != Kind.PEER_ERROR;
  }
}
