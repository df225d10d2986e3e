package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Objects;

/**
 * The framing of one transport kind for one side of one connection, as pure functions over buffers:
 * {@link #encode} appends a packet's envelope to an output buffer, {@link #decode} takes the next
 * complete packet (or quick ack) off a cumulation buffer.
 *
 * <p>A codec is stateful only where the protocol is: the client's tag is written once before the
 * first packet, the full transport numbers packets per direction from 0, and a client remembers how
 * many quick acks it asked for (a length with the top bit set is a quick ack only then, and an
 * invalid length otherwise). Decoding never allocates: a claimed length is checked against {@link
 * TransportOptions#maxFrameSize()} before anything waits for it, and frames are retained slices of
 * the cumulation. One codec serves one connection on its event loop; it is not thread-safe.
 */
public abstract class TransportCodec {

  /** The smallest MTProto packet: an unencrypted message with a 4-byte body. */
  static final int MIN_MTPROTO_PACKET = 24;

  final TransportKind kind;
  final boolean client;
  final int maxFrameSize;
  final TransportOptions options;
  private boolean tagPending;
  int pendingQuickAcks;

  TransportCodec(TransportKind kind, boolean client, boolean sendTag, TransportOptions options) {
    this.kind = kind;
    this.client = client;
    this.options = options;
    this.maxFrameSize = options.maxFrameSize();
    this.tagPending = client && sendTag && kind.plainTagLength() > 0;
  }

  /**
   * A client-side codec.
   *
   * @param sendTag whether to write the plain protocol tag before the first packet; false under
   *     obfuscation, where the tag travels inside the obfuscation header
   */
  public static TransportCodec forClient(
      TransportKind kind, boolean sendTag, TransportOptions options) {
    return create(kind, true, sendTag, options);
  }

  /**
   * A server-side codec; the client's tag must already have been consumed (see {@link
   * TransportDetector}).
   */
  public static TransportCodec forServer(TransportKind kind, TransportOptions options) {
    return create(kind, false, false, options);
  }

  private static TransportCodec create(
      TransportKind kind, boolean client, boolean sendTag, TransportOptions options) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(options, "options");
    switch (kind) {
      case ABRIDGED:
        return new AbridgedCodec(client, sendTag, options);
      case INTERMEDIATE:
      case PADDED_INTERMEDIATE:
        return new IntermediateCodec(kind, client, sendTag, options);
      case FULL:
        return new FullCodec(client, options);
      default:
        throw new AssertionError(kind);
    }
  }

  /** The transport kind. */
  public final TransportKind kind() {
    return kind;
  }

  /** Whether this is the client side. */
  public final boolean isClient() {
    return client;
  }

  /** How many quick acks this client asked for and has not received yet. */
  public final int pendingQuickAcks() {
    return pendingQuickAcks;
  }

  /**
   * An upper bound of the bytes {@link #encode(ByteBuf, boolean, ByteBuf)} appends for a payload.
   */
  public final int maxEncodedLength(int payloadLength) {
    return payloadLength + 4 /* tag */ + 12 /* envelope */ + 15 /* padding */;
  }

  /**
   * Appends the envelope of one packet, preceded by the client's tag if it has not been sent yet.
   *
   * <p>Ownership: {@code payload} is neither released nor modified (its indexes included); {@code
   * out} stays the caller's.
   *
   * @param payload the MTProto packet: its readable bytes, a non-zero multiple of 4 no larger than
   *     the maximum frame size
   * @param quickAck ask the server for a quick ack (client side only)
   */
  public final void encode(ByteBuf payload, boolean quickAck, ByteBuf out) {
    int length = payload.readableBytes();
    if (length == 0 || length % 4 != 0) {
      throw new IllegalArgumentException(
          "an MTProto packet is a non-zero multiple of 4 bytes, not " + length);
    }
    if (length > maxPayloadLength()) {
      throw new IllegalArgumentException(
          "packet of " + length + " bytes exceeds the maximum of " + maxPayloadLength());
    }
    if (quickAck && !client) {
      throw new IllegalStateException("only a client asks for quick acks");
    }
    writeTagIfPending(out);
    writeFrame(payload, payload.readerIndex(), length, quickAck, out);
    if (quickAck) {
      pendingQuickAcks++;
    }
  }

  /**
   * Appends the encoding of {@code message}: a frame, or (server side) a quick ack token or a
   * transport error packet.
   *
   * <p>Ownership: a {@link TransportFrame} is neither released nor modified; {@code out} stays the
   * caller's.
   */
  public final void encode(TransportMessage message, ByteBuf out) {
    if (message instanceof TransportFrame frame) {
      encode(frame.content(), frame.quickAck(), out);
    } else if (message instanceof QuickAck ack) {
      encodeQuickAck(ack.token(), out);
    } else if (message instanceof TransportError error) {
      encodeError(error.code(), out);
    } else {
      throw new IllegalArgumentException("unknown message " + message);
    }
  }

  /**
   * Server side: appends a quick ack token as this transport sends it. {@code out} stays the
   * caller's.
   */
  public final void encodeQuickAck(int token, ByteBuf out) {
    if (client) {
      throw new IllegalStateException("only a server sends quick acks");
    }
    new QuickAck(token); // validates the top bit
    writeQuickAck(token, out);
  }

  /**
   * Server side: appends a transport error packet (a negative little-endian int framed as a
   * packet). {@code out} stays the caller's.
   */
  public final void encodeError(int code, ByteBuf out) {
    if (client) {
      throw new IllegalStateException("only a server sends transport errors");
    }
    if (code >= 0) {
      throw new IllegalArgumentException("transport error codes are negative: " + code);
    }
    ByteBuf payload = Unpooled.buffer(4, 4);
    try {
      payload.writeIntLE(code);
      writeFrame(payload, payload.readerIndex(), 4, false, out);
    } finally {
      payload.release();
    }
  }

  /**
   * Takes the next complete packet off the cumulation buffer {@code in}.
   *
   * <p>Returns null, consuming nothing, while the packet is incomplete. Otherwise consumes it and
   * returns either a {@link TransportFrame} whose content is a retained slice of {@code in} (the
   * caller owns and releases the frame) or, on the client, a {@link QuickAck}. {@code in} stays the
   * caller's.
   *
   * @throws TransportException of kind {@link TransportException.Kind#PEER_ERROR} when the packet
   *     was a transport error code (the packet is consumed and the stream stays in sync), or of a
   *     fatal kind when the stream breaks the protocol (the connection must be closed; what was
   *     consumed is unspecified)
   */
  public final TransportMessage decode(ByteBuf in) throws TransportException {
    return decodeFrame(in);
  }

  private void writeTagIfPending(ByteBuf out) {
    if (tagPending) {
      kind.writePlainTag(out);
      tagPending = false;
    }
  }

  /** The largest payload {@link #encode} accepts (padded intermediate keeps room for padding). */
  int maxPayloadLength() {
    return maxFrameSize;
  }

  /** Appends the envelope for {@code length} bytes of {@code src} at {@code index}. */
  abstract void writeFrame(ByteBuf src, int index, int length, boolean quickAck, ByteBuf out);

  /** Appends a quick ack token (server side). */
  abstract void writeQuickAck(int token, ByteBuf out);

  /** See {@link #decode(ByteBuf)}. */
  abstract TransportMessage decodeFrame(ByteBuf in) throws TransportException;

  /**
   * How many bytes the packet starting at the reader index of {@code in} occupies on the wire
   * (length header, payload, padding or checksum), read from its header without consuming anything;
   * -1 when the header is not complete yet, or is a quick ack, a transport error or a length that
   * {@link #decode} will refuse (decode decides those). Lets the {@link FrameDecoder} size a large
   * packet's buffer once instead of growing it read after read. {@code in} stays the caller's.
   */
  final int frameSpan(ByteBuf in) {
    return in.readableBytes() < 4 ? -1 : frameSpanOf(in, in.getIntLE(in.readerIndex()));
  }

  /** {@link #frameSpan} given the 4 bytes at the reader index as a little-endian int. */
  abstract int frameSpanOf(ByteBuf in, int firstWord);

  /**
   * A client's interpretation of a length field with the top bit set: a quick ack when one is
   * pending, otherwise an invalid (negative) length.
   */
  final QuickAck clientQuickAck(int token, String where) throws TransportException {
    if (pendingQuickAcks == 0) {
      throw TransportException.invalidLength(
          String.format(
              "negative %s 0x%08x (a quick ack token, but no quick ack was requested)",
              where, token));
    }
    pendingQuickAcks--;
    return new QuickAck(token);
  }

  /** A frame's length word: the length, and whether the sender asked for a quick ack. */
  record LengthWord(int length, boolean quickAck) {}

  /**
   * Interprets the little-endian length word at {@code in}'s reader index (at least 4 bytes must be
   * readable). With the top bit set, a client reads a quick ack token: it is consumed and returned
   * as a {@link QuickAck}; a server reads a request for a quick ack and the bit is cleared.
   * Otherwise nothing is consumed and a {@link LengthWord} is returned. {@code in} stays the
   * caller's.
   */
  final Object readLengthWord(ByteBuf in) throws TransportException {
    int raw = in.getIntLE(in.readerIndex());
    if (raw >= 0) {
      return new LengthWord(raw, false);
    }
    if (client) {
      QuickAck ack = clientQuickAck(raw, "length");
      in.skipBytes(4);
      return ack;
    }
    return new LengthWord(raw & 0x7fffffff, true);
  }

  /** Counts a quick ack received in a form that cannot be mistaken for a length. */
  final QuickAck receivedQuickAck(int token) {
    if (pendingQuickAcks > 0) {
      pendingQuickAcks--;
    }
    return new QuickAck(token);
  }

  final void checkLength(long length) throws TransportException {
    if (length > maxFrameSize) {
      throw TransportException.frameTooLarge(length, maxFrameSize);
    }
    if (length <= 0) {
      throw TransportException.invalidLength("invalid packet length " + length);
    }
  }

  /**
   * Consumes a complete packet of {@code length} bytes at the reader index of {@code in} and
   * returns a frame of its first {@code payloadLength} bytes: a retained slice of {@code in}, owned
   * (and released) by the caller; {@code in} stays the caller's.
   */
  static TransportFrame sliceFrame(ByteBuf in, int length, int payloadLength, boolean quickAck) {
    ByteBuf content = in.retainedSlice(in.readerIndex(), payloadLength);
    in.skipBytes(length);
    return TransportFrame.of(content, quickAck);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + kind + (client ? ", client" : ", server") + "]";
  }
}
