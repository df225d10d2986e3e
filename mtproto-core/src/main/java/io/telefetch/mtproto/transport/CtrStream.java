package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction of an obfuscated connection: an AES-256-CTR key stream that continues across calls
 * for the whole life of the connection (encryption and decryption are the same operation).
 *
 * <p>Package-private on purpose: {@code io.telefetch.mtproto.crypto.AesCtr} is the SDK's public
 * AES-CTR; this small copy keeps the transport independent of it while both are being written.
 */
final class CtrStream {

  private final Cipher cipher;

  /**
   * A stream at counter {@code iv}.
   *
   * @param key 32 bytes
   * @param iv 16 bytes
   */
  CtrStream(byte[] key, byte[] iv) {
    if (key.length != 32 || iv.length != 16) {
      throw new IllegalArgumentException("AES-256-CTR takes a 32-byte key and a 16-byte IV");
    }
    try {
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR/NoPadding is not available", e);
    }
  }

  /** Transforms {@code len} bytes of {@code data} at {@code off} in place. */
  void apply(byte[] data, int off, int len) {
    try {
      int n = cipher.update(data, off, len, data, off);
      if (n != len) {
        throw new IllegalStateException("CTR produced " + n + " of " + len + " bytes");
      }
    } catch (ShortBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Returns the transformation of {@code data} (a new array; {@code data} is not changed). */
  byte[] apply(byte[] data) {
    byte[] copy = data.clone();
    apply(copy, 0, copy.length);
    return copy;
  }

  /**
   * Transforms all readable bytes of {@code src} (advancing its reader index) and appends the
   * result to {@code dst}. Ownership: neither buffer is released; both stay the caller's.
   */
  void apply(ByteBuf src, ByteBuf dst) {
    int len = src.readableBytes();
    if (len == 0) {
      return;
    }
    dst.ensureWritable(len);
    int wi = dst.writerIndex();
    try {
      if (src.hasArray() && dst.hasArray()) {
        int n =
            cipher.update(
                src.array(),
                src.arrayOffset() + src.readerIndex(),
                len,
                dst.array(),
                dst.arrayOffset() + wi);
        check(n, len);
      } else if (dst.nioBufferCount() == 1 && src.nioBufferCount() > 0) {
        ByteBuffer out = dst.nioBuffer(wi, len);
        for (ByteBuffer in : src.nioBuffers(src.readerIndex(), len)) {
          cipher.update(in, out);
        }
        check(out.position(), len);
      } else {
        byte[] chunk = new byte[Math.min(len, 16384)];
        int done = 0;
        while (done < len) {
          int n = Math.min(chunk.length, len - done);
          src.getBytes(src.readerIndex() + done, chunk, 0, n);
          apply(chunk, 0, n);
          dst.setBytes(wi + done, chunk, 0, n);
          done += n;
        }
      }
    } catch (ShortBufferException e) {
      throw new IllegalStateException(e);
    }
    dst.writerIndex(wi + len);
    src.skipBytes(len);
  }

  private static void check(int n, int len) {
    if (n != len) {
      throw new IllegalStateException("CTR produced " + n + " of " + len + " bytes");
    }
  }
}
