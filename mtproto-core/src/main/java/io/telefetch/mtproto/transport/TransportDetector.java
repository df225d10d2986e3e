package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Recognizes, like a Telegram server, the transport a new inbound connection speaks from its first
 * bytes: {@code 0xef} abridged, {@code 0xeeeeeeee} intermediate, {@code 0xdddddddd} padded
 * intermediate, a sane full-transport length followed by sequence number 0 the full transport, and
 * otherwise, once 64 bytes have arrived, an obfuscated2 header; HTTP requests and TLS records are
 * refused.
 */
public final class TransportDetector {

  private final ServerTransportConfig config;

  /** A detector for a server configured by {@code config}. */
  public TransportDetector(ServerTransportConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Looks at the first bytes of a connection.
   *
   * <p>Returns null, consuming nothing, while they are not enough to decide. Otherwise consumes the
   * plain tag or the obfuscation header (a full-transport start is left in place: it is the first
   * packet) and returns what was found. {@code in} stays the caller's; nothing is retained.
   *
   * @throws TransportException ({@link TransportException.Kind#UNSUPPORTED_PROTOCOL}) for an HTTP
   *     or TLS start, a full-transport start with an invalid length, a plain transport when
   *     obfuscation is required, or an obfuscation header that does not decrypt to a known tag with
   *     the configured MTProxy secret
   */
  public Detection detect(ByteBuf in) throws TransportException {
    int readable = in.readableBytes();
    if (readable == 0) {
      return null;
    }
    int ri = in.readerIndex();
    if (in.getUnsignedByte(ri) == 0xef) {
      return plain(in, TransportKind.ABRIDGED, 1);
    }
    if (readable < 4) {
      return null;
    }
    int first = in.getIntLE(ri);
    if (first == TransportKind.INTERMEDIATE.protocolTag()) {
      return plain(in, TransportKind.INTERMEDIATE, 4);
    }
    if (first == TransportKind.PADDED_INTERMEDIATE.protocolTag()) {
      return plain(in, TransportKind.PADDED_INTERMEDIATE, 4);
    }
    if (Obfuscation.isForbiddenFirstInt(first)) {
      throw TransportException.unsupportedProtocol(
          first == 0x02010316
              ? "the connection starts with a TLS handshake; only MTProto transports are served"
              : "the connection starts with an HTTP request; only MTProto TCP transports are"
                  + " served");
    }
    if (readable < 8) {
      return null;
    }
    if (in.getIntLE(ri + 4) == 0) {
      int length = first & 0x7fffffff;
      if (length < 16 || length % 4 != 0 || length - 12 > config.options().maxFrameSize()) {
        throw TransportException.unsupportedProtocol(
            "the connection starts like the full transport (sequence number 0) but with length "
                + length);
      }
      return plain(in, TransportKind.FULL, 0);
    }
    if (readable < Obfuscation.HEADER_LENGTH) {
      return null;
    }
    byte[] header = new byte[Obfuscation.HEADER_LENGTH];
    in.getBytes(ri, header);
    Obfuscation.ServerHandshake handshake = Obfuscation.server(header, config.mtProxySecret());
    in.skipBytes(Obfuscation.HEADER_LENGTH);
    return new Detection(handshake.kind(), handshake);
  }

  private Detection plain(ByteBuf in, TransportKind kind, int tagLength) throws TransportException {
    if (config.obfuscationRequired()) {
      throw TransportException.unsupportedProtocol(
          "plain " + kind + " connection refused: this server requires obfuscation");
    }
    in.skipBytes(tagLength);
    return new Detection(kind, null);
  }

  /**
   * What was detected.
   *
   * @param kind the framing the client speaks
   * @param obfuscation the obfuscation state, or null for a plain connection
   */
  public record Detection(TransportKind kind, Obfuscation.ServerHandshake obfuscation) {

    /** Validates. */
    public Detection {
      Objects.requireNonNull(kind, "kind");
    }

    /** Whether the connection is obfuscated. */
    public boolean obfuscated() {
      return obfuscation != null;
    }

    /** The event a server pipeline fires for this detection. */
    public TransportDetected toEvent() {
      return new TransportDetected(
          kind, obfuscated(), obfuscation != null ? obfuscation.dcId() : 0);
    }
  }
}
