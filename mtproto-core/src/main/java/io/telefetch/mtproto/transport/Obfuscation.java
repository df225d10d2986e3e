package io.telefetch.mtproto.transport;

import io.telefetch.mtproto.crypto.AesCtr;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The obfuscated2 layer as pure functions: generating a client's 64-byte initialization header and
 * its AES-256-CTR streams, and, on the server, reading such a header back into the mirrored
 * streams, the transport kind and the DC id.
 *
 * <p>The client picks 64 random bytes whose first byte is not {@code 0xef}, whose first int is no
 * HTTP method, TLS record or plain transport tag, and whose second int is not zero; it puts the
 * protocol tag at offset 56 and, for an MTProxy, the DC id (int16 little-endian) at 60. The
 * encryption key and IV are {@code init[8:40]} and {@code init[40:56]}, the decryption ones the
 * same ranges of the reversed header; with an MTProxy secret each key becomes {@code SHA256(key |
 * secret)}. The header itself is encrypted first and the client sends {@code init[0:56] |
 * encrypted[56:64]}. The full transport has no protocol tag; it is sent without one (random bytes
 * at 56..60) and only without an MTProxy secret.
 */
public final class Obfuscation {

  /** Length of the initialization header. */
  public static final int HEADER_LENGTH = 64;

  /**
   * First ints (little-endian) a header must not start with: {@code HEAD}, {@code POST}, {@code GET
   * }, {@code OPTI}, a TLS handshake record, and the padded intermediate and intermediate tags.
   */
  static final int[] FORBIDDEN_FIRST_INTS = {
    0x44414548, 0x54534f50, 0x20544547, 0x4954504f, 0x02010316, 0xdddddddd, 0xeeeeeeee
  };

  private Obfuscation() {}

  /**
   * Generates a client's header and streams.
   *
   * @param secret the MTProxy secret, or null for a direct obfuscated connection
   * @param dcId the DC id to put at offset 60 (MTProxy: negative for media DCs, +10000 for test
   *     DCs), or 0 to leave random bytes there
   */
  public static ClientHandshake client(
      TransportKind kind, MtProxySecret secret, int dcId, SecureRandom random) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(random, "random");
    if (dcId < Short.MIN_VALUE || dcId > Short.MAX_VALUE) {
      throw new IllegalArgumentException("the DC id is an int16: " + dcId);
    }
    if (kind == TransportKind.FULL && secret != null) {
      throw new IllegalArgumentException(
          "MTProxy supports abridged, intermediate and padded intermediate, not full");
    }
    byte[] init = new byte[HEADER_LENGTH];
    ByteBuffer le = ByteBuffer.wrap(init).order(ByteOrder.LITTLE_ENDIAN);
    do {
      random.nextBytes(init);
      if (kind != TransportKind.FULL) {
        le.putInt(56, kind.protocolTag());
      }
      if (dcId != 0) {
        le.putShort(60, (short) dcId);
      }
    } while (!isValidInit(init, kind));
    return clientFromInit(init, secret);
  }

  /**
   * The client side for a given header (as before its bytes 56..64 are encrypted), for test
   * vectors; {@code init} is not checked for the forbidden patterns and is not modified.
   */
  public static ClientHandshake clientFromInit(byte[] init, MtProxySecret secret) {
    if (init.length != HEADER_LENGTH) {
      throw new IllegalArgumentException("the header has 64 bytes");
    }
    byte[] reversed = reverse(init);
    AesCtr encryptor = new AesCtr(key(init, secret), iv(init));
    AesCtr decryptor = new AesCtr(key(reversed, secret), iv(reversed));
    byte[] encrypted = encryptor.apply(init);
    byte[] header = init.clone();
    System.arraycopy(encrypted, 56, header, 56, 8);
    return new ClientHandshake(header, encryptor, decryptor);
  }

  /**
   * Reads a header a client sent and derives the server's streams.
   *
   * @param header the 64 bytes as received (not modified)
   * @param secret the MTProxy secret the server is configured with, or null
   * @throws TransportException ({@link TransportException.Kind#UNSUPPORTED_PROTOCOL}) when a secret
   *     is configured and the decrypted protocol tag is not a known one (most likely a wrong
   *     secret)
   */
  public static ServerHandshake server(byte[] header, MtProxySecret secret)
      throws TransportException {
    if (header.length != HEADER_LENGTH) {
      throw new IllegalArgumentException("the header has 64 bytes");
    }
    byte[] reversed = reverse(header);
    AesCtr decryptor = new AesCtr(key(header, secret), iv(header));
    AesCtr encryptor = new AesCtr(key(reversed, secret), iv(reversed));
    byte[] plain = decryptor.apply(header);
    ByteBuffer le = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
    int tag = le.getInt(56);
    short dcId = le.getShort(60);
    TransportKind kind = TransportKind.fromProtocolTag(tag);
    if (kind == null) {
      if (secret != null) {
        throw TransportException.unsupportedProtocol(
            String.format(
                "obfuscated header with unknown protocol tag 0x%08x: wrong MTProxy secret?", tag));
      }
      kind = TransportKind.FULL;
    }
    return new ServerHandshake(kind, tag, dcId, encryptor, decryptor);
  }

  /** Whether {@code init} is an acceptable client header (before encryption) for {@code kind}. */
  static boolean isValidInit(byte[] init, TransportKind kind) {
    if ((init[0] & 0xff) == 0xef) {
      return false;
    }
    ByteBuffer le = ByteBuffer.wrap(init).order(ByteOrder.LITTLE_ENDIAN);
    if (isForbiddenFirstInt(le.getInt(0)) || le.getInt(4) == 0) {
      return false;
    }
    // Without a tag (full), bytes 56..60 must not read as one of the known tags.
    return kind != TransportKind.FULL || TransportKind.fromProtocolTag(le.getInt(56)) == null;
  }

  static boolean isForbiddenFirstInt(int firstInt) {
    for (int forbidden : FORBIDDEN_FIRST_INTS) {
      if (forbidden == firstInt) {
        return true;
      }
    }
    return false;
  }

  private static byte[] key(byte[] source, MtProxySecret secret) {
    byte[] key = java.util.Arrays.copyOfRange(source, 8, 40);
    if (secret == null) {
      return key;
    }
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(key);
      sha256.update(secret.keyUnsafe());
      return sha256.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new io.telefetch.mtproto.crypto.CryptoProviderException("SHA-256 is not available", e);
    }
  }

  private static byte[] iv(byte[] source) {
    return java.util.Arrays.copyOfRange(source, 40, 56);
  }

  private static byte[] reverse(byte[] bytes) {
    byte[] r = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      r[i] = bytes[bytes.length - 1 - i];
    }
    return r;
  }

  /** A client's obfuscation state: the header to send first and its two streams. */
  public static final class ClientHandshake {
    private final byte[] header;
    private final AesCtr encryptor;
    private final AesCtr decryptor;

    ClientHandshake(byte[] header, AesCtr encryptor, AesCtr decryptor) {
      this.header = header;
      this.encryptor = encryptor;
      this.decryptor = decryptor;
    }

    /** The 64 bytes to send before anything else: {@code init[0:56] | encrypted(init)[56:64]}. */
    public byte[] header() {
      return header.clone();
    }

    /** The client-to-server stream, already past the 64 header bytes. */
    AesCtr encryptor() {
      return encryptor;
    }

    /** The server-to-client stream, at its start. */
    AesCtr decryptor() {
      return decryptor;
    }
  }

  /** What a server learned from a client's header, and its two streams. */
  public static final class ServerHandshake {
    private final TransportKind kind;
    private final int protocolTag;
    private final short dcId;
    private final AesCtr encryptor;
    private final AesCtr decryptor;

    ServerHandshake(
        TransportKind kind, int protocolTag, short dcId, AesCtr encryptor, AesCtr decryptor) {
      this.kind = kind;
      this.protocolTag = protocolTag;
      this.dcId = dcId;
      this.encryptor = encryptor;
      this.decryptor = decryptor;
    }

    /**
     * The transport the client speaks inside the obfuscation ({@link TransportKind#FULL} if
     * untagged).
     */
    public TransportKind kind() {
      return kind;
    }

    /** The decrypted little-endian int at offset 56. */
    public int protocolTag() {
      return protocolTag;
    }

    /**
     * The decrypted int16 at offset 60: the DC id when the client connected as to an MTProxy
     * (random bytes otherwise).
     */
    public short dcId() {
      return dcId;
    }

    /** The server-to-client stream, at its start. */
    AesCtr encryptor() {
      return encryptor;
    }

    /** The client-to-server stream, already past the 64 header bytes. */
    AesCtr decryptor() {
      return decryptor;
    }
  }
}
