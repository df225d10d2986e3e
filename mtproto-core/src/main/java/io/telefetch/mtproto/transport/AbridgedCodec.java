package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;

/**
 * Abridged framing: {@code length/4} as one byte below 0x7f, else {@code 0x7f} and three
 * little-endian bytes; the top bit of the first byte asks for a quick ack (client to server), and
 * the server sends quick ack tokens byte-swapped, without a header (their first byte has the top
 * bit set, which a length byte never has).
 */
final class AbridgedCodec extends TransportCodec {

  AbridgedCodec(boolean client, boolean sendTag, TransportOptions options) {
    super(TransportKind.ABRIDGED, client, sendTag, options);
  }

  @Override
  void writeFrame(ByteBuf src, int index, int length, boolean quickAck, ByteBuf out) {
    int words = length >>> 2;
    int flag = quickAck ? 0x80 : 0;
    if (words < 0x7f) {
      out.writeByte(words | flag);
    } else {
      out.writeByte(0x7f | flag);
      out.writeMediumLE(words);
    }
    out.writeBytes(src, index, length);
  }

  @Override
  void writeQuickAck(int token, ByteBuf out) {
    out.writeInt(token); // big-endian: the little-endian token byte-swapped
  }

  @Override
  int frameSpanOf(ByteBuf in, int firstWord) {
    int first = firstWord & 0xff;
    if ((first & 0x80) != 0 && client) {
      return -1; // a quick ack
    }
    int words = first & 0x7f;
    int header = 1;
    if (words == 0x7f) {
      words = firstWord >>> 8;
      header = 4;
    }
    long length = words * 4L;
    return length <= 0 || length > maxFrameSize ? -1 : (int) (header + length);
  }

  @Override
  TransportMessage decodeFrame(ByteBuf in) throws TransportException {
    int readable = in.readableBytes();
    if (readable < 1) {
      return null;
    }
    int ri = in.readerIndex();
    int first = in.getUnsignedByte(ri);
    boolean quickAck = (first & 0x80) != 0;
    if (quickAck && client) {
      if (pendingQuickAcks == 0) {
        throw TransportException.invalidLength(
            String.format(
                "invalid length byte 0x%02x (a quick ack, but no quick ack was requested)", first));
      }
      if (readable < 4) {
        return null;
      }
      int token = in.getInt(ri);
      in.skipBytes(4);
      return clientQuickAck(token, "length");
    }
    int words = first & 0x7f;
    int header = 1;
    if (words == 0x7f) {
      if (readable < 4) {
        return null;
      }
      words = in.getUnsignedMediumLE(ri + 1);
      header = 4;
    }
    long length = words * 4L;
    checkLength(length);
    if (readable < header + length) {
      return null;
    }
    in.skipBytes(header);
    int len = (int) length;
    if (len == 4 && in.getIntLE(in.readerIndex()) < 0) {
      int code = in.readIntLE();
      throw TransportException.peerError(code);
    }
    return sliceFrame(in, len, len, quickAck);
  }
}
