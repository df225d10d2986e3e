package io.telefetch.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Builds hostile TL {@code gzip_packed} values for tests: one-level bombs, nested bombs, long
 * chains of tiny levels and streams of many concatenated gzip members. Everything returned is the
 * boxed TL encoding ({@code gzip_packed#3072cfa1 packed_data:bytes}) unless said otherwise.
 */
public final class GzipBombs {
  /** The TL constructor id of gzip_packed. */
  public static final int GZIP_PACKED_ID = 0x3072cfa1;

  private GzipBombs() {}

  /** One gzip member (RFC 1952) holding {@code data}, compressed at {@code level} (0-9). */
  public static byte[] gzip(byte[] data, int level) {
    Deflater deflater = new Deflater(level, true);
    try {
      deflater.setInput(data);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(64 + data.length / 64);
      out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}, 0, 10);
      byte[] chunk = new byte[1 << 16];
      while (!deflater.finished()) {
        int n = deflater.deflate(chunk);
        out.write(chunk, 0, n);
      }
      CRC32 crc = new CRC32();
      crc.update(data);
      ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      trailer.putInt((int) crc.getValue()).putInt(data.length);
      out.write(trailer.array(), 0, 8);
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  /** One gzip member holding {@code data}, best compression. */
  public static byte[] gzip(byte[] data) {
    return gzip(data, Deflater.BEST_COMPRESSION);
  }

  /** {@code gzip_packed} whose packed_data is exactly {@code packed} (any bytes, valid or not). */
  public static byte[] packedRaw(byte[] packed) {
    byte[] tlBytes = tlBytes(packed);
    ByteBuffer b = ByteBuffer.allocate(4 + tlBytes.length).order(ByteOrder.LITTLE_ENDIAN);
    return b.putInt(GZIP_PACKED_ID).put(tlBytes).array();
  }

  /** {@code gzip_packed} holding {@code tl} (the boxed TL value it inflates to). */
  public static byte[] packed(byte[] tl) {
    return packedRaw(gzip(tl));
  }

  /**
   * A value that inflates to {@code tl} followed by {@code zeros} zero bytes: the decoder reads
   * {@code tl} and ignores the rest, so the inflated size is whatever the sender likes.
   */
  public static byte[] bomb(byte[] tl, int zeros) {
    byte[] body = new byte[tl.length + zeros];
    System.arraycopy(tl, 0, body, 0, tl.length);
    return packed(body);
  }

  /**
   * {@code levels} gzip_packed levels around {@code tl}, each level inflating to the next one
   * followed by {@code zerosPerLevel} zero bytes: a decoder without one budget per message and
   * without a ban on gzip inside gzip inflates {@code levels * zerosPerLevel} bytes.
   */
  public static byte[] nested(byte[] tl, int levels, int zerosPerLevel) {
    byte[] value = tl;
    for (int i = 0; i < levels; i++) {
      value = bomb(value, zerosPerLevel);
    }
    return value;
  }

  /**
   * A chain of {@code levels} tiny gzip_packed levels around {@code tl}, each stored (compression
   * level 0) so that building it stays cheap: about 40 bytes per level.
   */
  public static byte[] chain(byte[] tl, int levels) {
    byte[] value = tl;
    for (int i = 0; i < levels; i++) {
      value = packedRaw(gzip(value, 0));
    }
    return value;
  }

  /**
   * packed_data made of {@code count} concatenated empty gzip members (20 bytes each), followed by
   * one member holding {@code tl}: JDK's GZIPInputStream recurses once per member.
   */
  public static byte[] concatenatedMembers(byte[] tl, int count) {
    byte[] empty = gzip(new byte[0]);
    byte[] last = gzip(tl);
    ByteBuffer b = ByteBuffer.allocate(empty.length * count + last.length);
    for (int i = 0; i < count; i++) {
      b.put(empty);
    }
    return packedRaw(b.put(last).array());
  }

  /** The TL {@code bytes} encoding of {@code data}: length prefix, data, zero padding to 4. */
  public static byte[] tlBytes(byte[] data) {
    if (data.length >= 1 << 24) {
      throw new IllegalArgumentException("TL bytes hold less than 16 MiB");
    }
    int prefix = data.length <= 253 ? 1 : 4;
    int total = (prefix + data.length + 3) & ~3;
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    if (prefix == 1) {
      b.put((byte) data.length);
    } else {
      b.putInt(254 | (data.length << 8));
    }
    return b.put(data).array();
  }
}
