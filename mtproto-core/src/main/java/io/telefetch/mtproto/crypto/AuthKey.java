package io.telefetch.mtproto.crypto;

import java.util.Objects;

/**
 * A 2048-bit MTProto authorization key with its {@code auth_key_id} and {@code
 * auth_key_aux_hash}.
 *
 * <p>Immutable. {@link #equals(Object)} compares the key material in constant time and {@link
 * #toString()} shows only the id.
 */
public final class AuthKey {

  /** The length of an auth key in bytes. */
  public static final int SIZE = 256;

  private final byte[] key;
  private final long id;
  private final long auxHash;

  private AuthKey(byte[] key) {
    this.key = key;
    byte[] sha1 = Hashes.sha1(key);
    this.id = Bytes.getLongLe(sha1, Hashes.SHA1_LENGTH - 8);
    this.auxHash = Bytes.getLongLe(sha1, 0);
  }

  /**
   * Returns the auth key whose 256 bytes are a copy of {@code key}.
   *
   * @throws IllegalArgumentException if {@code key} is not 256 bytes long
   */
  public static AuthKey of(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length != SIZE) {
      throw new IllegalArgumentException("an auth key is 256 bytes, not " + key.length);
    }
    return new AuthKey(key.clone());
  }

  /** Returns a copy of the 256 key bytes. */
  public byte[] toByteArray() {
    return key.clone();
  }

  /**
   * The {@code auth_key_id}: the 64 low-order bits of SHA1(auth_key), that is its last 8 bytes read
   * as a little-endian long (so that writing it as a TL {@code long} gives those bytes back).
   */
  public long id() {
    return id;
  }

  /**
   * The {@code auth_key_aux_hash}: the 64 high-order bits of SHA1(auth_key), that is its first 8
   * bytes read as a little-endian long. It is the {@code retry_id} after {@code dh_gen_retry} and
   * an input of {@link ExchangeCrypto#newNonceHash}.
   */
  public long auxHash() {
    return auxHash;
  }

  /** The key bytes themselves; callers must not modify or leak them. */
  byte[] bytes() {
    return key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuthKey && ConstantTime.equals(key, ((AuthKey) o).key);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(id);
  }

  @Override
  public String toString() {
    return String.format("AuthKey[id=%016x]", id);
  }
}
