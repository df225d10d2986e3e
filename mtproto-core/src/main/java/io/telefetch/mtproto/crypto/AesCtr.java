package io.telefetch.mtproto.crypto;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES-256-CTR key stream applied in place, as used by transport obfuscation (one stream per
 * direction for the whole connection) and by CDN file decryption.
 *
 * <p>The stream continues across calls: processing 5 bytes and then 11 gives the same result as
 * processing 16 at once. Encryption and decryption are the same operation.
 *
 * <p>Not thread-safe: an instance is one position in one key stream; use it from one thread at a
 * time (a Netty channel's event loop, for example).
 */
public final class AesCtr {

  /** The key size in bytes. */
  public static final int KEY_SIZE = 32;
  /** The IV (initial counter block) size in bytes. */
  public static final int IV_SIZE = 16;

  private static final int STAGING_SIZE = 16 * 1024;

  private final Cipher cipher;
  /** Copies of non-array buffers, allocated on first use. */
  private byte[] staging;

  /**
   * Starts a key stream at counter block {@code iv}.
   *
   * @param key the 32-byte AES-256 key; copied
   * @param iv the 16-byte initial counter block, incremented as a 128-bit big-endian integer;
   *     copied
   */
  public AesCtr(byte[] key, byte[] iv) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(iv, "iv");
    if (key.length != KEY_SIZE || iv.length != IV_SIZE) {
      throw new IllegalArgumentException("AES-256-CTR needs a 32-byte key and a 16-byte IV");
    }
    try {
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    } catch (GeneralSecurityException e) {
      throw new CryptoProviderException("AES/CTR is unavailable", e);
    }
  }

  /**
   * Starts the key stream of a CDN file part: the IV is {@code iv} with its last 4 bytes replaced by
   * {@code offset / 16} as a big-endian int, as {@code upload.getCdnFile} requires.
   *
   * @param key the file's {@code encryption_key}, 32 bytes
   * @param iv the file's {@code encryption_iv}, 16 bytes; not modified
   * @param offset the offset of the part in the file, a non-negative multiple of 16
   */
  public static AesCtr forCdnPart(byte[] key, byte[] iv, long offset) {
    Objects.requireNonNull(iv, "iv");
    if (iv.length != IV_SIZE) {
      throw new IllegalArgumentException("CDN IV must be 16 bytes");
    }
    if (offset < 0 || offset % 16 != 0 || offset / 16 > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("bad CDN offset " + offset);
    }
    byte[] partIv = iv.clone();
    int counter = (int) (offset >>> 4);
    partIv[12] = (byte) (counter >>> 24);
    partIv[13] = (byte) (counter >>> 16);
    partIv[14] = (byte) (counter >>> 8);
    partIv[15] = (byte) counter;
    return new AesCtr(key, partIv);
  }

  /** Applies the next {@code length} bytes of the key stream to {@code data[offset, ...)}. */
  public void apply(byte[] data, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, data.length);
    try {
      cipher.update(data, offset, length, data, offset);
    } catch (GeneralSecurityException e) {
      throw new CryptoProviderException("AES/CTR update failed", e);
    }
  }

  /**
   * Applies the key stream to the readable bytes of {@code buf} in place; the reader and writer
   * indexes do not move. The caller keeps ownership of {@code buf}: nothing is retained or
   * released.
   */
  public void apply(ByteBuf buf) {
    int index = buf.readerIndex();
    int length = buf.readableBytes();
    if (buf.hasArray()) {
      apply(buf.array(), buf.arrayOffset() + index, length);
      return;
    }
    if (staging == null) {
      staging = new byte[STAGING_SIZE];
    }
    for (int done = 0; done < length; ) {
      int n = Math.min(staging.length, length - done);
      buf.getBytes(index + done, staging, 0, n);
      apply(staging, 0, n);
      buf.setBytes(index + done, staging, 0, n);
      done += n;
    }
  }

  /** Returns the next {@code data.length} bytes of the stream applied to a copy of {@code data}. */
  public byte[] apply(byte[] data) {
    byte[] copy = data.clone();
    apply(copy, 0, copy.length);
    return copy;
  }

  /**
   * Applies the key stream to all readable bytes of {@code src} (advancing its reader index) and
   * appends the result to {@code dst}. Works for heap, direct and composite buffers. Ownership:
   * neither buffer is released; both stay the caller's.
   */
  public void apply(ByteBuf src, ByteBuf dst) {
    int len = src.readableBytes();
    if (len == 0) {
      return;
    }
    dst.ensureWritable(len);
    int wi = dst.writerIndex();
    try {
      if (src.hasArray() && dst.hasArray()) {
        check(cipher.update(src.array(), src.arrayOffset() + src.readerIndex(), len, dst.array(),
            dst.arrayOffset() + wi), len);
      } else if (dst.nioBufferCount() == 1 && src.nioBufferCount() > 0) {
        ByteBuffer out = dst.nioBuffer(wi, len);
        for (ByteBuffer in : src.nioBuffers(src.readerIndex(), len)) {
          cipher.update(in, out);
        }
        check(out.position(), len);
      } else {
        if (staging == null) {
          staging = new byte[STAGING_SIZE];
        }
        for (int done = 0; done < len; ) {
          int n = Math.min(staging.length, len - done);
          src.getBytes(src.readerIndex() + done, staging, 0, n);
          apply(staging, 0, n);
          dst.setBytes(wi + done, staging, 0, n);
          done += n;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new CryptoProviderException("AES/CTR update failed", e);
    }
    dst.writerIndex(wi + len);
    src.skipBytes(len);
  }

  private static void check(int produced, int expected) {
    if (produced != expected) {
      throw new CryptoProviderException("CTR produced " + produced + " of " + expected + " bytes");
    }
  }
}
