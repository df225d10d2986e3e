package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;

/**
 * Full framing: {@code len | seq | payload | crc32}, where {@code len} counts all four fields,
 * {@code seq} numbers the packets of each direction of the connection from 0 and the CRC32 covers
 * {@code len}, {@code seq} and the payload; both are verified on receive. The top bit of {@code
 * len} asks for a quick ack (client to server); the server sends a quick ack as a bare
 * little-endian token, as with intermediate.
 */
final class FullCodec extends TransportCodec {

  private static final int ENVELOPE = 12;

  private int sendSeq;
  private int receiveSeq;

  FullCodec(boolean client, TransportOptions options) {
    super(TransportKind.FULL, client, false, options);
  }

  @Override
  void writeFrame(ByteBuf src, int index, int length, boolean quickAck, ByteBuf out) {
    int total = length + ENVELOPE;
    int start = out.writerIndex();
    out.writeIntLE(quickAck ? total | 0x80000000 : total);
    out.writeIntLE(sendSeq++);
    out.writeBytes(src, index, length);
    out.writeIntLE(Bufs.crc32(out, start, total - 4));
  }

  @Override
  void writeQuickAck(int token, ByteBuf out) {
    out.writeIntLE(token);
  }

  @Override
  int frameSpanOf(ByteBuf in, int firstWord) {
    if (firstWord < 0 && client) {
      return -1; // a quick ack token
    }
    int length = firstWord & 0x7fffffff;
    return length < ENVELOPE + 4 || length - ENVELOPE > maxFrameSize ? -1 : length;
  }

  @Override
  TransportMessage decodeFrame(ByteBuf in) throws TransportException {
    if (in.readableBytes() < 4) {
      return null;
    }
    int ri = in.readerIndex();
    Object word = readLengthWord(in);
    if (word instanceof QuickAck ack) {
      return ack;
    }
    int length = ((LengthWord) word).length();
    boolean quickAck = ((LengthWord) word).quickAck();
    if (length - ENVELOPE > maxFrameSize) {
      throw TransportException.frameTooLarge(length - ENVELOPE, maxFrameSize);
    }
    if (length < ENVELOPE + 4 || length % 4 != 0) {
      throw TransportException.invalidLength(
          "full transport length " + length + " is not a multiple of 4 of at least 16");
    }
    if (in.readableBytes() < length) {
      return null;
    }
    int expectedCrc = in.getIntLE(ri + length - 4);
    int actualCrc = Bufs.crc32(in, ri, length - 4);
    if (expectedCrc != actualCrc) {
      throw TransportException.checksumMismatch(expectedCrc, actualCrc);
    }
    int seq = in.getIntLE(ri + 4);
    if (seq != receiveSeq) {
      throw TransportException.sequenceMismatch(receiveSeq, seq);
    }
    receiveSeq++;
    int payloadLength = length - ENVELOPE;
    if (payloadLength == 4 && in.getIntLE(ri + 8) < 0) {
      int code = in.getIntLE(ri + 8);
      in.skipBytes(length);
      throw TransportException.peerError(code);
    }
    ByteBuf content = in.retainedSlice(ri + 8, payloadLength);
    in.skipBytes(length);
    return TransportFrame.of(content, quickAck);
  }
}
