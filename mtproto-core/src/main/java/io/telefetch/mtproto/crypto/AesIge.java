package io.telefetch.mtproto.crypto;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES in Infinite Garble Extension (IGE) mode, in place, as MTProto encrypts its messages.
 *
 * <p>The IV is 32 bytes laid out as in OpenSSL: {@code iv[0:16]} is the "previous ciphertext
 * block" and {@code iv[16:32]} the "previous plaintext block" of the first block. Keys of 16, 24
 * or 32 bytes select AES-128, -192 or -256 (MTProto always uses AES-256). Lengths must be a
 * multiple of 16; nothing is padded.
 *
 * <p>Both directions run on the JDK's AES, which HotSpot compiles to AES-NI instructions:
 *
 * <ul>
 *   <li>Encryption is mapped onto one CBC encryption per message: with {@code y_i = E(p_i ^
 *       c_(i-1))}, IGE gives {@code c_i = y_i ^ p_(i-1)}, and {@code y_i} is exactly the CBC
 *       encryption (IV {@code iv[0:16]}) of {@code x_i = p_i ^ p_(i-2)}, with {@code p_(-1) =
 *       iv[16:32]} and {@code p_(-2) = 0}. Each chunk therefore costs two XOR passes around a
 *       single call into the intrinsic CBC loop.
 *   <li>Decryption cannot be batched that way: the input of the block decryption of block {@code
 *       i} is {@code c_i ^ p_(i-1)}, which depends on the output for block {@code i-1}, and the JDK
 *       offers no chained mode built on the AES decryption function. It decrypts block by block
 *       through a reused {@code AES/ECB/NoPadding} cipher, so each block pays one trip through
 *       the JCE. That still runs about four times as fast as BouncyCastle's pure-Java {@code
 *       AESEngine} (see {@code CryptoBenchmark} in the benchmarks module), and it stays
 *       constant-time.
 * </ul>
 *
 * <p>Thread-safety: all methods are thread-safe. Each thread keeps its own {@link Cipher}
 * instances and scratch buffers in a {@link ThreadLocal}; the key schedule is computed per call,
 * which is what MTProto needs since every message has its own key.
 */
public final class AesIge {

  /** The AES block size in bytes. */
  public static final int BLOCK_SIZE = 16;
  /** The IGE IV size in bytes: two blocks. */
  public static final int IV_SIZE = 32;

  private static final ThreadLocal<Engine> ENGINE = ThreadLocal.withInitial(Engine::new);

  private AesIge() {}

  /**
   * Encrypts {@code data[offset, offset + length)} in place.
   *
   * @param key the AES key, 16, 24 or 32 bytes
   * @param iv the 32-byte IGE IV; not modified
   * @param length a multiple of 16
   */
  public static void encrypt(byte[] key, byte[] iv, byte[] data, int offset, int length) {
    checkArguments(key, iv, length);
    Objects.checkFromIndexSize(offset, length, data.length);
    Engine engine = ENGINE.get();
    engine.startEncryption(key, iv);
    engine.encryptBlocks(data, offset, length);
  }

  /**
   * Decrypts {@code data[offset, offset + length)} in place.
   *
   * @param key the AES key, 16, 24 or 32 bytes
   * @param iv the 32-byte IGE IV; not modified
   * @param length a multiple of 16
   */
  public static void decrypt(byte[] key, byte[] iv, byte[] data, int offset, int length) {
    checkArguments(key, iv, length);
    Objects.checkFromIndexSize(offset, length, data.length);
    Engine engine = ENGINE.get();
    engine.startDecryption(key, iv);
    engine.decryptBlocks(data, offset, length);
  }

  /**
   * Encrypts the readable bytes of {@code buf} in place; the reader and writer indexes do not move.
   * The caller keeps ownership of {@code buf}: nothing is retained or released.
   *
   * @param key the AES key, 16, 24 or 32 bytes
   * @param iv the 32-byte IGE IV; not modified
   * @param buf a buffer whose readable length is a multiple of 16
   */
  public static void encrypt(byte[] key, byte[] iv, ByteBuf buf) {
    encrypt(key, iv, buf, buf.readerIndex(), buf.readableBytes());
  }

  /**
   * Decrypts the readable bytes of {@code buf} in place; the reader and writer indexes do not move.
   * The caller keeps ownership of {@code buf}: nothing is retained or released.
   *
   * @param key the AES key, 16, 24 or 32 bytes
   * @param iv the 32-byte IGE IV; not modified
   * @param buf a buffer whose readable length is a multiple of 16
   */
  public static void decrypt(byte[] key, byte[] iv, ByteBuf buf) {
    decrypt(key, iv, buf, buf.readerIndex(), buf.readableBytes());
  }

  /** Encrypts {@code buf[index, index + length)} in place; the caller keeps ownership. */
  static void encrypt(byte[] key, byte[] iv, ByteBuf buf, int index, int length) {
    checkArguments(key, iv, length);
    Objects.checkFromIndexSize(index, length, buf.capacity());
    Engine engine = ENGINE.get();
    engine.startEncryption(key, iv);
    if (buf.hasArray()) {
      engine.encryptBlocks(buf.array(), buf.arrayOffset() + index, length);
      return;
    }
    byte[] staging = engine.staging;
    for (int done = 0; done < length; ) {
      int n = Math.min(staging.length, length - done);
      buf.getBytes(index + done, staging, 0, n);
      engine.encryptBlocks(staging, 0, n);
      buf.setBytes(index + done, staging, 0, n);
      done += n;
    }
  }

  /** Decrypts {@code buf[index, index + length)} in place; the caller keeps ownership. */
  static void decrypt(byte[] key, byte[] iv, ByteBuf buf, int index, int length) {
    checkArguments(key, iv, length);
    Objects.checkFromIndexSize(index, length, buf.capacity());
    Engine engine = ENGINE.get();
    engine.startDecryption(key, iv);
    if (buf.hasArray()) {
      engine.decryptBlocks(buf.array(), buf.arrayOffset() + index, length);
      return;
    }
    byte[] staging = engine.staging;
    for (int done = 0; done < length; ) {
      int n = Math.min(staging.length, length - done);
      buf.getBytes(index + done, staging, 0, n);
      engine.decryptBlocks(staging, 0, n);
      buf.setBytes(index + done, staging, 0, n);
      done += n;
    }
  }

  private static void checkArguments(byte[] key, byte[] iv, int length) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(iv, "iv");
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException("AES key must be 16, 24 or 32 bytes, not " + key.length);
    }
    if (iv.length != IV_SIZE) {
      throw new IllegalArgumentException("IGE IV must be 32 bytes, not " + iv.length);
    }
    if (length % BLOCK_SIZE != 0) {
      throw new IllegalArgumentException("length " + length + " is not a multiple of 16");
    }
  }

  /** One thread's ciphers, scratch buffers and the chaining state of the message in progress. */
  private static final class Engine {

    private static final VarHandle LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Bytes per CBC call: large enough to amortise the call, small enough to stay in L1/L2. */
    private static final int CHUNK = 16 * 1024;

    private final Cipher cbcEncryptor = newCipher("AES/CBC/NoPadding");
    private final Cipher ecbDecryptor = newCipher("AES/ECB/NoPadding");
    /**
     * Encryption: {@code window[0:32]} holds the two plaintext blocks before the current chunk and
     * {@code window[32:]} a copy of the chunk's plaintext.
     */
    private final byte[] window = new byte[CHUNK + 2 * BLOCK_SIZE];
    /** Copies of non-array buffers, processed a chunk at a time. */
    final byte[] staging = new byte[CHUNK];
    final byte[] scratch = new byte[BLOCK_SIZE];
    /** Decryption: the previous ciphertext block (c0, c1) and plaintext block (p0, p1). */
    private long c0;
    private long c1;
    private long p0;
    private long p1;

    void startEncryption(byte[] key, byte[] iv) {
      try {
        cbcEncryptor.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"),
            new IvParameterSpec(iv, 0, BLOCK_SIZE));
      } catch (GeneralSecurityException e) {
        throw new CryptoProviderException("cannot initialise AES/CBC", e);
      }
      LONGS.set(window, 0, 0L);
      LONGS.set(window, 8, 0L);
      System.arraycopy(iv, BLOCK_SIZE, window, BLOCK_SIZE, BLOCK_SIZE);
    }

    void encryptBlocks(byte[] data, int offset, int length) {
      byte[] window = this.window;
      for (int done = 0; done < length; ) {
        int n = Math.min(CHUNK, length - done);
        int start = offset + done;
        System.arraycopy(data, start, window, 2 * BLOCK_SIZE, n);
        // x_i = p_i ^ p_(i-2)
        for (int k = 0; k < n; k += 8) {
          LONGS.set(data, start + k, (long) LONGS.get(data, start + k) ^ (long) LONGS.get(window, k));
        }
        try {
          cbcEncryptor.update(data, start, n, data, start);
        } catch (GeneralSecurityException e) {
          throw new CryptoProviderException("AES/CBC update failed", e);
        }
        // c_i = y_i ^ p_(i-1)
        for (int k = 0; k < n; k += 8) {
          LONGS.set(data, start + k,
              (long) LONGS.get(data, start + k) ^ (long) LONGS.get(window, BLOCK_SIZE + k));
        }
        System.arraycopy(window, n, window, 0, 2 * BLOCK_SIZE);
        done += n;
      }
    }

    void startDecryption(byte[] key, byte[] iv) {
      try {
        ecbDecryptor.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"));
      } catch (GeneralSecurityException e) {
        throw new CryptoProviderException("cannot initialise AES/ECB", e);
      }
      c0 = (long) LONGS.get(iv, 0);
      c1 = (long) LONGS.get(iv, 8);
      p0 = (long) LONGS.get(iv, 16);
      p1 = (long) LONGS.get(iv, 24);
    }

    void decryptBlocks(byte[] data, int offset, int length) {
      long c0 = this.c0;
      long c1 = this.c1;
      long p0 = this.p0;
      long p1 = this.p1;
      Cipher cipher = ecbDecryptor;
      // The block goes through a separate scratch array: an in-place update (same input and output
      // array) makes the JDK copy every block defensively, 2 bytes of garbage per byte decrypted.
      byte[] block = scratch;
      try {
        for (int i = offset, end = offset + length; i < end; i += BLOCK_SIZE) {
          long x0 = (long) LONGS.get(data, i);
          long x1 = (long) LONGS.get(data, i + 8);
          // p_i = D(c_i ^ p_(i-1)) ^ c_(i-1)
          LONGS.set(block, 0, x0 ^ p0);
          LONGS.set(block, 8, x1 ^ p1);
          cipher.update(block, 0, BLOCK_SIZE, data, i);
          p0 = (long) LONGS.get(data, i) ^ c0;
          p1 = (long) LONGS.get(data, i + 8) ^ c1;
          LONGS.set(data, i, p0);
          LONGS.set(data, i + 8, p1);
          c0 = x0;
          c1 = x1;
        }
      } catch (GeneralSecurityException e) {
        throw new CryptoProviderException("AES/ECB update failed", e);
      }
      this.c0 = c0;
      this.c1 = c1;
      this.p0 = p0;
      this.p1 = p1;
    }

    private static Cipher newCipher(String transformation) {
      try {
        return Cipher.getInstance(transformation);
      } catch (GeneralSecurityException e) {
        throw new CryptoProviderException(transformation + " is unavailable", e);
      }
    }
  }
}
