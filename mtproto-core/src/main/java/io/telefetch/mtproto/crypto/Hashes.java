package io.telefetch.mtproto.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SHA-1, SHA-256 and PBKDF2-HMAC-SHA512 as MTProto uses them.
 *
 * <p>The digests are cached per thread, so hashing a small message allocates only the result;
 * every method is thread-safe.
 */
public final class Hashes {

  /** Length of a SHA-1 digest in bytes. */
  public static final int SHA1_LENGTH = 20;
  /** Length of a SHA-256 digest in bytes. */
  public static final int SHA256_LENGTH = 32;

  private static final ThreadLocal<MessageDigest> SHA1 =
      ThreadLocal.withInitial(() -> newDigest("SHA-1"));
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(() -> newDigest("SHA-256"));

  private Hashes() {}

  /** Returns SHA-1 of the concatenation of {@code parts}. */
  public static byte[] sha1(byte[]... parts) {
    return digest(sha1Digest(), parts);
  }

  /** Returns SHA-1 of {@code data[offset, offset + length)}. */
  public static byte[] sha1(byte[] data, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, data.length);
    MessageDigest digest = sha1Digest();
    digest.update(data, offset, length);
    return digest.digest();
  }

  /** Returns SHA-256 of the concatenation of {@code parts}. */
  public static byte[] sha256(byte[]... parts) {
    return digest(sha256Digest(), parts);
  }

  /** Returns SHA-256 of {@code data[offset, offset + length)}. */
  public static byte[] sha256(byte[] data, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, data.length);
    MessageDigest digest = sha256Digest();
    digest.update(data, offset, length);
    return digest.digest();
  }

  /**
   * PBKDF2 (RFC 8018) with HMAC-SHA512 over a binary password; the JDK's {@code
   * PBKDF2WithHmacSHA512} only accepts {@code char[]} passwords, which MTProto's 2FA cannot use.
   *
   * @param password the password bytes (any binary string)
   * @param salt the salt
   * @param iterations the iteration count, at least 1
   * @param length the length of the derived key in bytes, at least 1
   * @return the derived key
   */
  public static byte[] pbkdf2HmacSha512(byte[] password, byte[] salt, int iterations, int length) {
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(salt, "salt");
    if (iterations < 1 || length < 1) {
      throw new IllegalArgumentException("iterations and length must be positive");
    }
    Mac mac = newMac(password);
    int blockLength = mac.getMacLength();
    byte[] result = new byte[length];
    byte[] u = new byte[blockLength];
    byte[] t = new byte[blockLength];
    for (int block = 1, offset = 0; offset < length; block++, offset += blockLength) {
      mac.update(salt);
      mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8),
          (byte) block});
      macInto(mac, u);
      System.arraycopy(u, 0, t, 0, blockLength);
      for (int i = 1; i < iterations; i++) {
        mac.update(u);
        macInto(mac, u);
        for (int j = 0; j < blockLength; j++) {
          t[j] ^= u[j];
        }
      }
      System.arraycopy(t, 0, result, offset, Math.min(blockLength, length - offset));
    }
    return result;
  }

  /** The calling thread's SHA-1 digest, reset. It must not escape the calling method. */
  static MessageDigest sha1Digest() {
    MessageDigest digest = SHA1.get();
    digest.reset();
    return digest;
  }

  /** The calling thread's SHA-256 digest, reset. It must not escape the calling method. */
  static MessageDigest sha256Digest() {
    MessageDigest digest = SHA256.get();
    digest.reset();
    return digest;
  }

  private static byte[] digest(MessageDigest digest, byte[]... parts) {
    for (byte[] part : parts) {
      digest.update(part);
    }
    return digest.digest();
  }

  private static Mac newMac(byte[] password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA512");
      // An empty key is legal for HMAC but SecretKeySpec refuses it; HMAC pads keys with zeros,
      // so a single zero byte is the same key.
      mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA512"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new CryptoProviderException("HmacSHA512 is unavailable", e);
    }
  }

  private static void macInto(Mac mac, byte[] out) {
    try {
      mac.doFinal(out, 0);
    } catch (GeneralSecurityException e) {
      throw new CryptoProviderException("HMAC failed", e);
    }
  }

  private static MessageDigest newDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new CryptoProviderException(algorithm + " is unavailable", e);
    }
  }
}
