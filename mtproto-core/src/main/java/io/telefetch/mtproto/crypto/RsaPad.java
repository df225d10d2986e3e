package io.telefetch.mtproto.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * RSA_PAD, the OAEP+-like padding that encrypts {@code p_q_inner_data} for {@code req_DH_params}:
 * the client's {@link #encrypt} and the server's {@link #decrypt}.
 *
 * <p>{@code data_with_padding = data | random} (192 bytes); {@code data_with_hash =
 * reverse(data_with_padding) | SHA256(temp_key | data_with_padding)} (224 bytes); {@code
 * aes_encrypted = AES256-IGE(data_with_hash, temp_key, zero IV)}; {@code key_aes_encrypted =
 * (temp_key XOR SHA256(aes_encrypted)) | aes_encrypted} (256 bytes), retried with a new {@code
 * temp_key} until it is below the modulus; then raw RSA. All methods are thread-safe.
 *
 * @see <a href="https://core.telegram.org/mtproto/auth_key">Creating an authorization key, 4.1</a>
 */
public final class RsaPad {

  /** The longest {@code data} RSA_PAD accepts, in bytes. */
  public static final int MAX_DATA_LENGTH = 144;
  /** The length of {@code data_with_padding}: data plus random padding. */
  public static final int PADDED_LENGTH = 192;
  /** The length of the result: a 2048-bit RSA block. */
  public static final int ENCRYPTED_LENGTH = 256;

  private static final int TEMP_KEY_LENGTH = 32;
  private static final int HASHED_LENGTH = PADDED_LENGTH + Hashes.SHA256_LENGTH;

  private RsaPad() {}

  /**
   * Encrypts {@code data} (the serialised {@code p_q_inner_data...}) for the server owning {@code
   * key}.
   *
   * @param data at most 144 bytes
   * @param key a 2048-bit server key
   * @return the 256-byte {@code encrypted_data}
   */
  public static byte[] encrypt(byte[] data, RsaPublicKey key, SecureRandom random) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(random, "random");
    if (data.length > MAX_DATA_LENGTH) {
      throw new IllegalArgumentException(
          "RSA_PAD data is " + data.length + " bytes, at most 144 are allowed");
    }
    if (key.modulus().bitLength() != RsaPrivateKey.KEY_BITS) {
      throw new IllegalArgumentException("RSA_PAD needs a 2048-bit key");
    }
    byte[] dataWithPadding = Arrays.copyOf(data, PADDED_LENGTH);
    byte[] padding = new byte[PADDED_LENGTH - data.length];
    random.nextBytes(padding);
    System.arraycopy(padding, 0, dataWithPadding, data.length, padding.length);
    byte[] reversed = Bytes.reverse(dataWithPadding);
    byte[] tempKey = new byte[TEMP_KEY_LENGTH];
    while (true) {
      random.nextBytes(tempKey);
      byte[] keyAesEncrypted = new byte[ENCRYPTED_LENGTH];
      System.arraycopy(reversed, 0, keyAesEncrypted, TEMP_KEY_LENGTH, PADDED_LENGTH);
      System.arraycopy(Hashes.sha256(tempKey, dataWithPadding), 0, keyAesEncrypted,
          TEMP_KEY_LENGTH + PADDED_LENGTH, Hashes.SHA256_LENGTH);
      AesIge.encrypt(tempKey, new byte[AesIge.IV_SIZE], keyAesEncrypted, TEMP_KEY_LENGTH,
          HASHED_LENGTH);
      byte[] aesHash = Hashes.sha256(keyAesEncrypted, TEMP_KEY_LENGTH, HASHED_LENGTH);
      for (int i = 0; i < TEMP_KEY_LENGTH; i++) {
        keyAesEncrypted[i] = (byte) (tempKey[i] ^ aesHash[i]);
      }
      if (new BigInteger(1, keyAesEncrypted).compareTo(key.modulus()) < 0) {
        return key.encryptRaw(keyAesEncrypted);
      }
    }
  }

  /**
   * Decrypts and verifies {@code encrypted_data} on the server side, and returns {@code
   * data_with_padding}: the 192 bytes whose start is the serialised inner data (its TL parser stops
   * at its end; the rest is random padding).
   *
   * @throws CryptoCheckException if the ciphertext is malformed or its hash does not verify
   */
  public static byte[] decrypt(byte[] encryptedData, RsaPrivateKey key) {
    return unpad(key.decryptRaw(encryptedData));
  }

  /**
   * Undoes the padding of a raw-decrypted ({@link RsaPrivateKey#decryptRaw}) 256-byte {@code
   * key_aes_encrypted} and returns {@code data_with_padding} (192 bytes), for a server that first
   * decrypts and then tells RSA_PAD from the legacy form.
   *
   * @throws CryptoCheckException if the hash does not verify (not RSA_PAD, or tampered)
   */
  public static byte[] unpad(byte[] keyAesEncrypted) {
    if (keyAesEncrypted.length != ENCRYPTED_LENGTH) {
      throw new CryptoCheckException("RSA_PAD plaintext is not " + ENCRYPTED_LENGTH + " bytes");
    }
    byte[] aesHash = Hashes.sha256(keyAesEncrypted, TEMP_KEY_LENGTH, HASHED_LENGTH);
    byte[] tempKey = new byte[TEMP_KEY_LENGTH];
    for (int i = 0; i < TEMP_KEY_LENGTH; i++) {
      tempKey[i] = (byte) (keyAesEncrypted[i] ^ aesHash[i]);
    }
    byte[] dataWithHash =
        Arrays.copyOfRange(keyAesEncrypted, TEMP_KEY_LENGTH, ENCRYPTED_LENGTH);
    AesIge.decrypt(tempKey, new byte[AesIge.IV_SIZE], dataWithHash, 0, HASHED_LENGTH);
    byte[] dataWithPadding = Bytes.reverse(Arrays.copyOf(dataWithHash, PADDED_LENGTH));
    MessageDigest sha256 = Hashes.sha256Digest();
    sha256.update(tempKey);
    sha256.update(dataWithPadding);
    if (!ConstantTime.equals(
        sha256.digest(), 0, dataWithHash, PADDED_LENGTH, Hashes.SHA256_LENGTH)) {
      throw new CryptoCheckException("RSA_PAD hash does not verify");
    }
    return dataWithPadding;
  }
}
