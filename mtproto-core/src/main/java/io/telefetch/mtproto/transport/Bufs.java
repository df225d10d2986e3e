package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.zip.CRC32;

/** Small buffer helpers; none of them changes reference counts. */
final class Bufs {

  private Bufs() {}

  /** CRC32 of {@code length} bytes of {@code buf} at {@code index}; indexes are not changed. */
  static int crc32(ByteBuf buf, int index, int length) {
    CRC32 crc = new CRC32();
    if (buf.hasArray()) {
      crc.update(buf.array(), buf.arrayOffset() + index, length);
    } else if (buf.nioBufferCount() > 0) {
      for (ByteBuffer b : buf.nioBuffers(index, length)) {
        crc.update(b);
      }
    } else {
      byte[] chunk = new byte[Math.min(length, 8192)];
      int done = 0;
      while (done < length) {
        int n = Math.min(chunk.length, length - done);
        buf.getBytes(index + done, chunk, 0, n);
        crc.update(chunk, 0, n);
        done += n;
      }
    }
    return (int) crc.getValue();
  }

  /** Appends {@code count} random bytes to {@code out}. */
  static void writeRandom(SecureRandom random, int count, ByteBuf out) {
    if (count == 0) {
      return;
    }
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    out.writeBytes(bytes);
  }
}
