package io.telefetch.mtproto.crypto;

import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * MTProto 2.0 message encryption: {@code msg_key}, the derivation of the AES key and IV from it,
 * and the encryption and decryption of whole packets {@code auth_key_id (8) | msg_key (16) |
 * ciphertext}.
 *
 * <p>The plaintext given to {@code encrypt} is the complete padded message ({@code salt |
 * session_id | msg_id | seq_no | length | data | padding}, a multiple of 16 bytes), built by the
 * session layer. {@code decrypt} checks the {@code auth_key_id} and, over the whole decrypted
 * plaintext including its padding, the {@code msg_key} in constant time; the remaining checks of
 * a received message (the length field, 12..1024 bytes of padding, session_id, msg_id) belong to
 * the session layer and must run only after decryption succeeded.
 *
 * <p>All methods are thread-safe; the digests and ciphers are cached per thread.
 *
 * @see <a href="https://core.telegram.org/mtproto/description">MTProto 2.0 description</a>
 */
public final class MtprotoCrypto {

  /** Length of {@code auth_key_id | msg_key}, the unencrypted head of a packet. */
  public static final int HEADER_SIZE = 24;
  /** Length of {@code msg_key}. */
  public static final int MSG_KEY_SIZE = 16;

  /** Who sent a message: selects the {@code x} of the specification's formulas. */
  public enum Direction {
    /** A message from the client to the server: {@code x = 0}. */
    CLIENT_TO_SERVER(0),
    /** A message from the server to the client: {@code x = 8}. */
    SERVER_TO_CLIENT(8);

    private final int x;

    Direction(int x) {
      this.x = x;
    }
  }

  private MtprotoCrypto() {}

  /**
   * Returns {@code msg_key_large = SHA256(auth_key[88+x : 120+x] | plaintext)}, 32 bytes. Its bytes
   * 8..24 are the {@code msg_key}; its first 4 give the quick-ack token.
   */
  public static byte[] msgKeyLarge(
      AuthKey authKey, Direction direction, byte[] plaintext, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, plaintext.length);
    MessageDigest sha256 = Hashes.sha256Digest();
    sha256.update(authKey.bytes(), 88 + direction.x, 32);
    sha256.update(plaintext, offset, length);
    return sha256.digest();
  }

  /** Returns {@code msg_key = msg_key_large[8:24]}, 16 bytes. */
  public static byte[] msgKey(
      AuthKey authKey, Direction direction, byte[] plaintext, int offset, int length) {
    return Arrays.copyOfRange(msgKeyLarge(authKey, direction, plaintext, offset, length), 8, 24);
  }

  /**
   * Derives the AES-256-IGE key and IV of a message from its {@code msg_key}: {@code a =
   * SHA256(msg_key | auth_key[x : x+36])}, {@code b = SHA256(auth_key[40+x : 76+x] | msg_key)},
   * {@code key = a[0:8] | b[8:24] | a[24:32]}, {@code iv = b[0:8] | a[8:24] | b[24:32]}.
   *
   * @param msgKey the 16-byte {@code msg_key}
   */
  public static AesKeyIv deriveKeys(AuthKey authKey, Direction direction, byte[] msgKey) {
    if (msgKey.length != MSG_KEY_SIZE) {
      throw new IllegalArgumentException("msg_key is 16 bytes, not " + msgKey.length);
    }
    return deriveKeys(authKey, direction, msgKey, 0);
  }

  /**
   * Encrypts a padded plaintext message into a new packet {@code auth_key_id | msg_key |
   * ciphertext}.
   *
   * @param plaintext the whole message including padding, a non-empty multiple of 16 bytes; not
   *     modified
   */
  public static byte[] encrypt(AuthKey authKey, Direction direction, byte[] plaintext) {
    int length = plaintext.length;
    checkPlaintextLength(length);
    byte[] msgKeyLarge = msgKeyLarge(authKey, direction, plaintext, 0, length);
    byte[] packet = new byte[HEADER_SIZE + length];
    Bytes.putLongLe(packet, 0, authKey.id());
    System.arraycopy(msgKeyLarge, 8, packet, 8, MSG_KEY_SIZE);
    System.arraycopy(plaintext, 0, packet, HEADER_SIZE, length);
    AesKeyIv keys = deriveKeys(authKey, direction, packet, 8);
    AesIge.encrypt(keys.keyBytes(), keys.ivBytes(), packet, HEADER_SIZE, length);
    return packet;
  }

  /**
   * Decrypts a packet {@code auth_key_id | msg_key | ciphertext} and returns the plaintext message
   * including its padding.
   *
   * @param packet the received packet; not modified
   * @throws CryptoCheckException if the packet is malformed, is for another auth key, or its
   *     {@code msg_key} does not match the decrypted plaintext
   */
  public static byte[] decrypt(AuthKey authKey, Direction direction, byte[] packet) {
    checkPacketLength(packet.length);
    checkAuthKeyId(authKey, Bytes.getLongLe(packet, 0));
    AesKeyIv keys = deriveKeys(authKey, direction, packet, 8);
    byte[] plaintext = Arrays.copyOfRange(packet, HEADER_SIZE, packet.length);
    AesIge.decrypt(keys.keyBytes(), keys.ivBytes(), plaintext, 0, plaintext.length);
    byte[] msgKeyLarge = msgKeyLarge(authKey, direction, plaintext, 0, plaintext.length);
    if (!ConstantTime.equals(msgKeyLarge, 8, packet, 8, MSG_KEY_SIZE)) {
      Arrays.fill(plaintext, (byte) 0);
      throw new CryptoCheckException("msg_key does not match the decrypted message");
    }
    return plaintext;
  }

  /**
   * Encrypts the readable bytes of {@code plaintext} (the whole padded message) and writes the
   * packet {@code auth_key_id | msg_key | ciphertext} to {@code out}. The indexes of {@code
   * plaintext} do not move; the writer index of {@code out} advances by the packet length. The
   * caller keeps ownership of both buffers: nothing is retained or released.
   *
   * @return the quick-ack token of the packet: the first 4 bytes of {@code msg_key_large} as a
   *     little-endian int, with the top bit set, as a server's quick ack would carry it
   */
  public static int encrypt(
      AuthKey authKey, Direction direction, ByteBuf plaintext, ByteBuf out) {
    int index = plaintext.readerIndex();
    int length = plaintext.readableBytes();
    checkPlaintextLength(length);
    byte[] msgKeyLarge = msgKeyLarge(authKey.bytes(), direction, plaintext, index, length);
    out.ensureWritable(HEADER_SIZE + length);
    int start = out.writerIndex();
    out.writeLongLE(authKey.id());
    out.writeBytes(msgKeyLarge, 8, MSG_KEY_SIZE);
    out.writeBytes(plaintext, index, length);
    AesKeyIv keys = deriveKeys(authKey, direction, msgKeyLarge, 8);
    AesIge.encrypt(keys.keyBytes(), keys.ivBytes(), out, start + HEADER_SIZE, length);
    return (msgKeyLarge[0] & 0xFF | (msgKeyLarge[1] & 0xFF) << 8 | (msgKeyLarge[2] & 0xFF) << 16
        | (msgKeyLarge[3] & 0xFF) << 24) | 0x8000_0000;
  }

  /**
   * Decrypts the packet in the readable bytes of {@code packet} in place. On success the reader
   * index has skipped {@code auth_key_id | msg_key}, so the readable bytes are the plaintext
   * message including its padding. On failure the ciphertext region is zeroed and the indexes do
   * not move. The caller keeps ownership of {@code packet}: nothing is retained or released.
   *
   * @throws CryptoCheckException if the packet is malformed, is for another auth key, or its
   *     {@code msg_key} does not match the decrypted plaintext
   */
  public static void decrypt(AuthKey authKey, Direction direction, ByteBuf packet) {
    int index = packet.readerIndex();
    int length = packet.readableBytes();
    checkPacketLength(length);
    checkAuthKeyId(authKey, packet.getLongLE(index));
    byte[] msgKey = new byte[MSG_KEY_SIZE];
    packet.getBytes(index + 8, msgKey);
    AesKeyIv keys = deriveKeys(authKey, direction, msgKey, 0);
    int bodyIndex = index + HEADER_SIZE;
    int bodyLength = length - HEADER_SIZE;
    AesIge.decrypt(keys.keyBytes(), keys.ivBytes(), packet, bodyIndex, bodyLength);
    byte[] msgKeyLarge = msgKeyLarge(authKey.bytes(), direction, packet, bodyIndex, bodyLength);
    if (!ConstantTime.equals(msgKeyLarge, 8, msgKey, 0, MSG_KEY_SIZE)) {
      packet.setZero(bodyIndex, bodyLength);
      throw new CryptoCheckException("msg_key does not match the decrypted message");
    }
    packet.skipBytes(HEADER_SIZE);
  }

  private static AesKeyIv deriveKeys(
      AuthKey authKey, Direction direction, byte[] msgKey, int msgKeyOffset) {
    byte[] key = authKey.bytes();
    int x = direction.x;
    MessageDigest sha256 = Hashes.sha256Digest();
    sha256.update(msgKey, msgKeyOffset, MSG_KEY_SIZE);
    sha256.update(key, x, 36);
    byte[] a = sha256.digest();
    sha256.update(key, 40 + x, 36);
    sha256.update(msgKey, msgKeyOffset, MSG_KEY_SIZE);
    byte[] b = sha256.digest();
    byte[] aesKey = new byte[32];
    System.arraycopy(a, 0, aesKey, 0, 8);
    System.arraycopy(b, 8, aesKey, 8, 16);
    System.arraycopy(a, 24, aesKey, 24, 8);
    byte[] aesIv = new byte[32];
    System.arraycopy(b, 0, aesIv, 0, 8);
    System.arraycopy(a, 8, aesIv, 8, 16);
    System.arraycopy(b, 24, aesIv, 24, 8);
    return new AesKeyIv(aesKey, aesIv);
  }

  private static byte[] msgKeyLarge(
      byte[] authKey, Direction direction, ByteBuf buf, int index, int length) {
    MessageDigest sha256 = Hashes.sha256Digest();
    sha256.update(authKey, 88 + direction.x, 32);
    if (buf.hasArray()) {
      sha256.update(buf.array(), buf.arrayOffset() + index, length);
    } else {
      sha256.update(buf.nioBuffer(index, length));
    }
    return sha256.digest();
  }

  private static void checkPlaintextLength(int length) {
    if (length == 0 || length % AesIge.BLOCK_SIZE != 0) {
      throw new IllegalArgumentException(
          "plaintext length " + length + " is not a positive multiple of 16");
    }
  }

  private static void checkPacketLength(int length) {
    if (length < HEADER_SIZE + AesIge.BLOCK_SIZE
        || (length - HEADER_SIZE) % AesIge.BLOCK_SIZE != 0) {
      throw new CryptoCheckException("encrypted packet has a bad length: " + length);
    }
  }

  private static void checkAuthKeyId(AuthKey authKey, long authKeyId) {
    if (authKeyId != authKey.id()) {
      throw new CryptoCheckException("packet is for another auth key");
    }
  }
}
