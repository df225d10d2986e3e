package io.telefetch.mtproto.crypto;

import java.util.Objects;

/**
 * An AES-256 key with its 32-byte IGE IV, as derived for one message or for the temporary key of
 * an auth key exchange.
 *
 * <p>Immutable: the arrays are copied in and out. {@link #toString()} does not show the secret.
 */
public final class AesKeyIv {

  private final byte[] key;
  private final byte[] iv;

  private AesKeyIv(byte[] key, byte[] iv) {
    this.key = key;
    this.iv = iv;
  }

  /**
   * Returns a key and IV holding copies of {@code key} (32 bytes) and {@code iv} (32 bytes).
   *
   * @throws IllegalArgumentException if a length is wrong
   */
  public static AesKeyIv of(byte[] key, byte[] iv) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(iv, "iv");
    if (key.length != 32 || iv.length != AesIge.IV_SIZE) {
      throw new IllegalArgumentException("an AES-256-IGE key and IV are 32 bytes each");
    }
    return new AesKeyIv(key.clone(), iv.clone());
  }

  /** Wraps arrays that the caller will not touch again. */
  static AesKeyIv wrap(byte[] key, byte[] iv) {
    return new AesKeyIv(key, iv);
  }

  /** Returns a copy of the 32-byte key. */
  public byte[] key() {
    return key.clone();
  }

  /** Returns a copy of the 32-byte IV. */
  public byte[] iv() {
    return iv.clone();
  }

  /** Encrypts {@code data[offset, offset + length)} in place with AES-256-IGE. */
  public void encrypt(byte[] data, int offset, int length) {
    AesIge.encrypt(key, iv, data, offset, length);
  }

  /** Decrypts {@code data[offset, offset + length)} in place with AES-256-IGE. */
  public void decrypt(byte[] data, int offset, int length) {
    AesIge.decrypt(key, iv, data, offset, length);
  }

  byte[] keyBytes() {
    return key;
  }

  byte[] ivBytes() {
    return iv;
  }

  @Override
  public String toString() {
    return "AesKeyIv[secret]";
  }
}
