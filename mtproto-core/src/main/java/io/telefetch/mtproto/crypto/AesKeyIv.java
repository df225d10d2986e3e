package io.telefetch.mtproto.crypto;

/**
 * An AES-256 key with its 32-byte IGE IV, as derived for one message or for the temporary key of
 * an auth key exchange.
 *
 * <p>Immutable: the accessors return copies. {@link #toString()} does not show the secret.
 */
public final class AesKeyIv {

  private final byte[] key;
  private final byte[] iv;

  /** Takes ownership of the arrays: the caller must not touch them again. */
  AesKeyIv(byte[] key, byte[] iv) {
    this.key = key;
    this.iv = iv;
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
