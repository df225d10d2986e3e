package io.telefetch.mtproto.transport;

/**
 * A quick ack token: written by a server to acknowledge a received packet, read by a client as an
 * event distinct from frames.
 *
 * <p>The token is {@code msg_key_large[0:4]} read little-endian with the top bit set, so it is
 * always negative; the transport encodes it as the chosen protocol requires (byte-swapped for
 * abridged, wrapped in a {@code 0xffffffff}-marked packet for padded intermediate).
 *
 * @param token the token, top bit set
 */
public record QuickAck(int token) implements TransportMessage {

  /** Validates the token. */
  public QuickAck {
    if (token >= 0) {
      throw new IllegalArgumentException(
          "a quick ack token has its top bit set: " + Integer.toHexString(token));
    }
  }

  /**
   * The token for a packet whose {@code msg_key_large} (the SHA-256 that {@code msg_key} is the
   * middle of) is given: its first 4 bytes read little-endian, with the top bit set.
   */
  public static int tokenOf(byte[] msgKeyLarge) {
    if (msgKeyLarge.length < 4) {
      throw new IllegalArgumentException("msg_key_large has 32 bytes");
    }
    return (msgKeyLarge[0] & 0xff)
        | (msgKeyLarge[1] & 0xff) << 8
        | (msgKeyLarge[2] & 0xff) << 16
        | (msgKeyLarge[3] & 0xff) << 24
        | 0x80000000;
  }

  @Override
  public String toString() {
    return "QuickAck[" + String.format("0x%08x", token) + "]";
  }
}
