package io.telefetch.mtproto.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The symmetric steps of auth key creation: the temporary AES key from the nonces, the {@code
 * SHA1 | data | padding} envelopes of {@code server_DH_inner_data} and {@code
 * client_DH_inner_data}, the Diffie-Hellman powers, {@code new_nonce_hash} and the first server
 * salt.
 *
 * <p>Used by both sides: the client flow and the in-process test server. All methods are
 * thread-safe.
 *
 * @see <a href="https://core.telegram.org/mtproto/auth_key">Creating an authorization key</a>
 */
public final class ExchangeCrypto {

  /** Length of {@code nonce} and {@code server_nonce} ({@code int128}). */
  public static final int NONCE_SIZE = 16;
  /** Length of {@code new_nonce} ({@code int256}). */
  public static final int NEW_NONCE_SIZE = 32;
  /** Length of the Diffie-Hellman values {@code dh_prime}, {@code g_a}, {@code g_b}. */
  public static final int DH_SIZE = 256;

  private ExchangeCrypto() {}

  /**
   * Derives the temporary key that protects the DH parameters: {@code tmp_aes_key =
   * SHA1(new_nonce | server_nonce) | SHA1(server_nonce | new_nonce)[0:12]} and {@code tmp_aes_iv =
   * SHA1(server_nonce | new_nonce)[12:20] | SHA1(new_nonce | new_nonce) | new_nonce[0:4]}.
   */
  public static AesKeyIv tmpAesKeyIv(byte[] newNonce, byte[] serverNonce) {
    checkLength(newNonce, NEW_NONCE_SIZE, "new_nonce");
    checkLength(serverNonce, NONCE_SIZE, "server_nonce");
    byte[] newServer = Hashes.sha1(newNonce, serverNonce);
    byte[] serverNew = Hashes.sha1(serverNonce, newNonce);
    byte[] newNew = Hashes.sha1(newNonce, newNonce);
    byte[] key = new byte[32];
    System.arraycopy(newServer, 0, key, 0, 20);
    System.arraycopy(serverNew, 0, key, 20, 12);
    byte[] iv = new byte[32];
    System.arraycopy(serverNew, 12, iv, 0, 8);
    System.arraycopy(newNew, 0, iv, 8, 20);
    System.arraycopy(newNonce, 0, iv, 28, 4);
    return new AesKeyIv(key, iv);
  }

  /**
   * Wraps TL-serialised {@code data} as {@code SHA1(data) | data | 0..15 random bytes} (to a
   * multiple of 16) and encrypts it with AES-256-IGE: the {@code encrypted_answer} of {@code
   * server_DH_params_ok} and the {@code encrypted_data} of {@code set_client_DH_params}.
   */
  public static byte[] encryptInnerData(byte[] data, AesKeyIv tmpKey, SecureRandom random) {
    int unpadded = Hashes.SHA1_LENGTH + data.length;
    byte[] padding = new byte[(16 - unpadded % 16) % 16];
    random.nextBytes(padding);
    byte[] result = new byte[unpadded + padding.length];
    System.arraycopy(Hashes.sha1(data), 0, result, 0, Hashes.SHA1_LENGTH);
    System.arraycopy(data, 0, result, Hashes.SHA1_LENGTH, data.length);
    System.arraycopy(padding, 0, result, unpadded, padding.length);
    tmpKey.encrypt(result, 0, result.length);
    return result;
  }

  /**
   * Decrypts an envelope made by {@link #encryptInnerData} and returns the data without hash and
   * padding. The padding length is not transmitted: each of the 16 possible lengths is tried and
   * the one whose SHA-1 matches is taken.
   *
   * @throws CryptoCheckException if the length is not a multiple of 16 or no SHA-1 matches
   */
  public static byte[] decryptInnerData(byte[] encrypted, AesKeyIv tmpKey) {
    if (encrypted.length < 32 || encrypted.length % 16 != 0) {
      throw new CryptoCheckException("encrypted inner data has a bad length: " + encrypted.length);
    }
    byte[] plain = encrypted.clone();
    tmpKey.decrypt(plain, 0, plain.length);
    MessageDigest sha1 = Hashes.sha1Digest();
    int maxLength = plain.length - Hashes.SHA1_LENGTH;
    for (int padding = 0; padding < 16 && padding <= maxLength; padding++) {
      int length = maxLength - padding;
      sha1.update(plain, Hashes.SHA1_LENGTH, length);
      if (ConstantTime.equals(sha1.digest(), 0, plain, 0, Hashes.SHA1_LENGTH)) {
        return Arrays.copyOfRange(plain, Hashes.SHA1_LENGTH, Hashes.SHA1_LENGTH + length);
      }
    }
    throw new CryptoCheckException("SHA1 of the decrypted inner data does not match");
  }

  /**
   * Returns {@code base^exponent mod modulus} as 256 big-endian bytes: {@code g_a}, {@code g_b} or
   * the auth key itself ({@code g_a^b mod dh_prime}, see {@link AuthKey#of}).
   *
   * @param modulus the 2048-bit {@code dh_prime}
   */
  public static byte[] powMod(BigInteger base, BigInteger exponent, BigInteger modulus) {
    if (modulus.signum() <= 0 || modulus.bitLength() > 8 * DH_SIZE) {
      throw new IllegalArgumentException("modulus must be positive and at most 2048 bits");
    }
    return Bytes.toFixedBigEndian(base.modPow(exponent, modulus), DH_SIZE);
  }

  /**
   * Returns a random 2048-bit Diffie-Hellman exponent ({@code a} or {@code b}), non-negative with
   * 256 random bytes of entropy.
   */
  public static BigInteger randomExponent(SecureRandom random) {
    byte[] bytes = new byte[DH_SIZE];
    random.nextBytes(bytes);
    return new BigInteger(1, bytes);
  }

  /**
   * Returns {@code new_nonce_hashN}: the last 16 bytes of {@code SHA1(new_nonce | N |
   * auth_key_aux_hash)}, where {@code number} N is 1 for {@code dh_gen_ok}, 2 for {@code
   * dh_gen_retry} and 3 for {@code dh_gen_fail}.
   */
  public static byte[] newNonceHash(byte[] newNonce, int number, AuthKey authKey) {
    checkLength(newNonce, NEW_NONCE_SIZE, "new_nonce");
    if (number < 1 || number > 3) {
      throw new IllegalArgumentException("new_nonce_hash number is 1, 2 or 3, not " + number);
    }
    byte[] auxHash = new byte[8];
    Bytes.putLongLe(auxHash, 0, authKey.auxHash());
    byte[] sha1 = Hashes.sha1(newNonce, new byte[] {(byte) number}, auxHash);
    return Arrays.copyOfRange(sha1, Hashes.SHA1_LENGTH - 16, Hashes.SHA1_LENGTH);
  }

  /**
   * Returns the first server salt, {@code new_nonce[0:8] XOR server_nonce[0:8]}, as the
   * little-endian long whose TL serialisation gives those bytes.
   */
  public static long initialServerSalt(byte[] newNonce, byte[] serverNonce) {
    checkLength(newNonce, NEW_NONCE_SIZE, "new_nonce");
    checkLength(serverNonce, NONCE_SIZE, "server_nonce");
    return Bytes.getLongLe(newNonce, 0) ^ Bytes.getLongLe(serverNonce, 0);
  }

  private static void checkLength(byte[] value, int length, String name) {
    Objects.requireNonNull(value, name);
    if (value.length != length) {
      throw new IllegalArgumentException(name + " must be " + length + " bytes");
    }
  }
}
