package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;

/**
 * Intermediate and padded intermediate framing: a 4-byte little-endian length (its top bit asks for
 * a quick ack, client to server), then the packet, then for padded intermediate 0..15 random bytes
 * counted in the length.
 *
 * <p>Server to client, a quick ack is a bare little-endian token for intermediate and, for padded
 * intermediate, an 8..16-byte packet {@code 0xffffffff | token | 0..8 random bytes} (a client also
 * accepts the bare form there when it asked for a quick ack). Inbound padded packets are trimmed to
 * the MTProto packet they carry: an encrypted packet is {@code 24 + 16k} bytes, an unencrypted one
 * {@code 20 + message_data_length}; a packet that matches neither is delivered untrimmed.
 */
final class IntermediateCodec extends TransportCodec {

  private final boolean padded;

  IntermediateCodec(TransportKind kind, boolean client, boolean sendTag, TransportOptions options) {
    super(kind, client, sendTag, options);
    this.padded = kind == TransportKind.PADDED_INTERMEDIATE;
  }

  @Override
  int maxPayloadLength() {
    return padded ? maxFrameSize - 15 : maxFrameSize;
  }

  @Override
  void writeFrame(ByteBuf src, int index, int length, boolean quickAck, ByteBuf out) {
    int padding = padded ? options.random().nextInt(16) : 0;
    int total = length + padding;
    out.writeIntLE(quickAck ? total | 0x80000000 : total);
    out.writeBytes(src, index, length);
    Bufs.writeRandom(options.random(), padding, out);
  }

  @Override
  void writeQuickAck(int token, ByteBuf out) {
    if (padded) {
      int padding = options.random().nextInt(9);
      out.writeIntLE(8 + padding);
      out.writeIntLE(0xffffffff);
      out.writeIntLE(token);
      Bufs.writeRandom(options.random(), padding, out);
    } else {
      out.writeIntLE(token);
    }
  }

  @Override
  int frameSpanOf(ByteBuf in, int firstWord) {
    if (firstWord < 0 && client) {
      return -1; // a quick ack token
    }
    int length = firstWord & 0x7fffffff;
    return length <= 0 || length > maxFrameSize ? -1 : 4 + length;
  }

  @Override
  TransportMessage decodeFrame(ByteBuf in) throws TransportException {
    if (in.readableBytes() < 4) {
      return null;
    }
    Object word = readLengthWord(in);
    if (word instanceof QuickAck ack) {
      return ack;
    }
    int length = ((LengthWord) word).length();
    boolean quickAck = ((LengthWord) word).quickAck();
    checkLength(length);
    if (padded ? length < 4 : length % 4 != 0) {
      throw TransportException.invalidLength(
          padded
              ? "padded packet of " + length + " bytes is shorter than 4"
              : "packet length " + length + " is not a multiple of 4");
    }
    if (in.readableBytes() - 4 < length) {
      return null;
    }
    in.skipBytes(4);
    int p = in.readerIndex();
    int first = in.getIntLE(p);
    if (!padded) {
      if (length == 4 && first < 0) {
        in.skipBytes(4);
        throw TransportException.peerError(first);
      }
      return sliceFrame(in, length, length, quickAck);
    }
    if (client && first == 0xffffffff && length >= 8 && length <= 16) {
      int token = in.getIntLE(p + 4);
      in.skipBytes(length);
      if (token >= 0) {
        throw TransportException.malformed(
            String.format("quick ack packet with token 0x%08x (top bit not set)", token));
      }
      return receivedQuickAck(token);
    }
    if (length < MIN_MTPROTO_PACKET && first < 0) {
      in.skipBytes(length);
      throw TransportException.peerError(first);
    }
    return sliceFrame(in, length, mtprotoLength(in, p, length), quickAck);
  }

  /**
   * The length of the MTProto packet inside a padded packet of {@code length} bytes at {@code p};
   * {@code in} is only read (no index or reference count changes).
   */
  static int mtprotoLength(ByteBuf in, int p, int length) {
    if (length < MIN_MTPROTO_PACKET) {
      return length;
    }
    long authKeyId = in.getLongLE(p);
    if (authKeyId == 0) {
      long exact = 20L + in.getIntLE(p + 16);
      return exact >= 20 && exact <= length && length - exact <= 15 ? (int) exact : length;
    }
    return length - ((length - 8) & 15);
  }
}
