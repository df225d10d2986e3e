package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The fake-TLS handshake of MTProxy {@code ee} secrets, without I/O: the client's ClientHello, the
 * server's check of it, the server's answer and the client's check of that.
 *
 * <p>The protocol, as Telegram's proxies speak it: the client sends one TLS 1.3-looking
 * ClientHello record whose 32-byte {@code random} is {@code HMAC-SHA256(key, hello with random
 * zeroed)} with its last four bytes XORed with the Unix time (little-endian); the hello names the
 * secret's domain in its SNI extension. The server recomputes the HMAC, checks the time and domain,
 * and answers with a ServerHello record, a ChangeCipherSpec record and one application-data record
 * of random bytes (the "certificate"); the ServerHello's {@code random} is {@code HMAC-SHA256(key,
 * client random | answer with that random zeroed)}. Then the client sends a ChangeCipherSpec record
 * and both sides carry the obfuscated2 stream (header first) in application-data records ({@code
 * 0x17 0x03 0x03} + a big-endian 16-bit length).
 */
public final class FakeTls {

  /** Where the 32-byte random starts in a hello record (5 record + 4 handshake + 2 version bytes). */
  static final int RANDOM_OFFSET = 11;

  static final int RANDOM_LENGTH = 32;

  /**
   * The longest ClientHello record accepted, header included (what Telegram's proxy reads; mtcute's
   * hello buffer has the same size).
   */
  static final int MAX_HELLO_LENGTH = 4096;

  /**
   * The shortest ClientHello record payload that counts as fake-TLS: Telegram's proxy takes a
   * connection for fake-TLS only when it starts {@code 16 03 01} with a record length of at least
   * {@code 0x200} (clients pad their hellos to 512 bytes or more). Anything else is left to the
   * obfuscated2 detection, whose random headers may well start with {@code 0x16}.
   */
  static final int MIN_HELLO_RECORD_PAYLOAD = 0x200;

  /**
   * The longest ServerHello record accepted by a client, header included: a proxy's is about 130
   * bytes; a larger one is not waited for.
   */
  static final int MAX_SERVER_HELLO_LENGTH = 4096;

  /** The longest whole server answer (ServerHello, ChangeCipherSpec, "certificate") accepted. */
  static final int MAX_SERVER_ANSWER_LENGTH =
      MAX_SERVER_HELLO_LENGTH + 6 + 5 + ((1 << 14) + 2048);

  /** {@link #clientHelloStart}: the connection starts a fake-TLS ClientHello. */
  static final int HELLO = 1;

  /** {@link #clientHelloStart}: the connection is not fake-TLS. */
  static final int NOT_HELLO = 0;

  /** {@link #clientHelloStart}: too few bytes to tell. */
  static final int UNDECIDED = -1;

  /** The largest application-data payload sent in one record (TLS's plaintext limit). */
  static final int MAX_RECORD_PAYLOAD = 1 << 14;

  /** The largest application-data payload accepted (TLS's ciphertext limit). */
  static final int MAX_INCOMING_RECORD_PAYLOAD = (1 << 14) + 2048;

  /** The ChangeCipherSpec record a client sends once the handshake is done. */
  static final byte[] CHANGE_CIPHER_SPEC = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};

  static final int RECORD_HANDSHAKE = 0x16;
  static final int RECORD_CHANGE_CIPHER_SPEC = 0x14;
  static final int RECORD_APPLICATION_DATA = 0x17;

  private static final byte[] CIPHER_SUITES = {
    0x13, 0x01, 0x13, 0x02, 0x13, 0x03, (byte) 0xc0, 0x2b, (byte) 0xc0, 0x2f, (byte) 0xc0, 0x2c,
    (byte) 0xc0, 0x30, (byte) 0xcc, (byte) 0xa9, (byte) 0xcc, (byte) 0xa8
  };

  private FakeTls() {}

  /** Raised when a peer's handshake is not a valid fake-TLS handshake for the secret. */
  static TransportException invalid(String why) {
    return TransportException.unsupportedProtocol("fake-TLS handshake refused: " + why);
  }

  /**
   * A ClientHello record for {@code secret}'s domain at {@code unixTime}.
   *
   * @throws IllegalArgumentException when the secret is not a fake-TLS secret
   */
  public static byte[] clientHello(MtProxySecret secret, long unixTime, SecureRandom random) {
    String domain = secret.fakeTlsDomain()
        .orElseThrow(() -> new IllegalArgumentException("not a fake-TLS (ee) secret"));
    byte[] name = domain.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer extensions = ByteBuffer.allocate(512 + name.length);
    // server_name
    extensions.putShort((short) 0x0000).putShort((short) (name.length + 5))
        .putShort((short) (name.length + 3)).put((byte) 0).putShort((short) name.length).put(name);
    // extended_master_secret, supported_groups (x25519, secp256r1), ec_point_formats
    extensions.putShort((short) 0x0017).putShort((short) 0);
    extensions.putShort((short) 0x000a).putShort((short) 6).putShort((short) 4)
        .putShort((short) 0x001d).putShort((short) 0x0017);
    extensions.putShort((short) 0x000b).putShort((short) 2).put((byte) 1).put((byte) 0);
    // signature_algorithms
    extensions.putShort((short) 0x000d).putShort((short) 8).putShort((short) 6)
        .putShort((short) 0x0403).putShort((short) 0x0804).putShort((short) 0x0401);
    // key_share: x25519 with 32 random bytes
    byte[] share = new byte[32];
    random.nextBytes(share);
    extensions.putShort((short) 0x0033).putShort((short) 38).putShort((short) 36)
        .putShort((short) 0x001d).putShort((short) 32).put(share);
    // supported_versions: TLS 1.3, 1.2
    extensions.putShort((short) 0x002b).putShort((short) 5).put((byte) 4)
        .putShort((short) 0x0304).putShort((short) 0x0303);
    // padding up to a 517-byte record, as browsers do
    int bodyWithoutPadding = 2 + 32 + 1 + 32 + 2 + CIPHER_SUITES.length + 2 + 2 + extensions.position();
    int padding = 517 - (5 + 4 + bodyWithoutPadding) - 4;
    if (padding > 0) {
      extensions.putShort((short) 0x0015).putShort((short) padding).put(new byte[padding]);
    }
    int extLength = extensions.position();

    int body = 2 + 32 + 1 + 32 + 2 + CIPHER_SUITES.length + 2 + 2 + extLength;
    ByteBuffer hello = ByteBuffer.allocate(5 + 4 + body);
    hello.put((byte) RECORD_HANDSHAKE).put((byte) 3).put((byte) 1).putShort((short) (4 + body));
    hello.put((byte) 1).put((byte) (body >>> 16)).putShort((short) body);
    hello.put((byte) 3).put((byte) 3);
    hello.put(new byte[RANDOM_LENGTH]); // the random, filled in below
    byte[] sessionId = new byte[32];
    random.nextBytes(sessionId);
    hello.put((byte) 32).put(sessionId);
    hello.putShort((short) CIPHER_SUITES.length).put(CIPHER_SUITES);
    hello.put((byte) 1).put((byte) 0); // compression: null
    hello.putShort((short) extLength).put(extensions.array(), 0, extLength);
    byte[] bytes = hello.array();

    byte[] digest = hmac(secret.keyUnsafe(), bytes);
    ByteBuffer le = ByteBuffer.wrap(digest).order(ByteOrder.LITTLE_ENDIAN);
    le.putInt(28, le.getInt(28) ^ (int) unixTime);
    System.arraycopy(digest, 0, bytes, RANDOM_OFFSET, RANDOM_LENGTH);
    return bytes;
  }

  /**
   * Whether a connection's first bytes (the readable bytes of {@code in}, which is only looked at)
   * are a fake-TLS ClientHello: {@link #HELLO} for {@code 16 03 01} and a record length of at least
   * {@value #MIN_HELLO_RECORD_PAYLOAD}, as Telegram's proxy decides; {@link #NOT_HELLO} for anything
   * else, such as an obfuscated2 header (which clients never start with {@code 16 03 01 02}, but
   * may start with {@code 0x16}); {@link #UNDECIDED} while fewer than 4 bytes match so far.
   */
  static int clientHelloStart(ByteBuf in) {
    int ri = in.readerIndex();
    int n = Math.min(4, in.readableBytes());
    for (int i = 0; i < n; i++) {
      int b = in.getUnsignedByte(ri + i);
      if (i == 3) {
        return b >= (MIN_HELLO_RECORD_PAYLOAD >>> 8) ? HELLO : NOT_HELLO;
      }
      if (b != (i == 0 ? RECORD_HANDSHAKE : i == 1 ? 3 : 1)) {
        return NOT_HELLO;
      }
    }
    return UNDECIDED;
  }

  /**
   * The length of the ClientHello record at the start of {@code first}, or -1 while fewer than 5
   * bytes are known.
   *
   * @throws TransportException when the bytes do not start a TLS handshake record of a sane size
   */
  static int helloLength(byte[] first, int available) throws TransportException {
    if (available < 5) {
      return -1;
    }
    if ((first[0] & 0xff) != RECORD_HANDSHAKE || first[1] != 3 || first[2] != 1) {
      throw invalid("the connection does not start with a TLS ClientHello record");
    }
    int length = 5 + (((first[3] & 0xff) << 8) | (first[4] & 0xff));
    if (length < 5 + MIN_HELLO_RECORD_PAYLOAD || length > MAX_HELLO_LENGTH) {
      throw invalid("ClientHello record of " + length + " bytes");
    }
    return length;
  }

  /**
   * The server's check of a whole ClientHello record.
   *
   * @param hello the record, header included
   * @param secret the proxy's fake-TLS secret
   * @param nowUnix the server's time
   * @param maxSkewSeconds how far the client's time may be from the server's
   * @return the client's random (needed for the answer)
   * @throws TransportException when the HMAC, the time, the structure or the domain is wrong
   */
  static byte[] checkClientHello(byte[] hello, MtProxySecret secret, long nowUnix, long maxSkewSeconds)
      throws TransportException {
    String domain = secret.fakeTlsDomain().orElseThrow(() -> new IllegalArgumentException("not a fake-TLS secret"));
    if (hello.length < RANDOM_OFFSET + RANDOM_LENGTH + 1 || hello[5] != 1) {
      throw invalid("not a ClientHello");
    }
    byte[] clientRandom = Arrays.copyOfRange(hello, RANDOM_OFFSET, RANDOM_OFFSET + RANDOM_LENGTH);
    byte[] zeroed = hello.clone();
    Arrays.fill(zeroed, RANDOM_OFFSET, RANDOM_OFFSET + RANDOM_LENGTH, (byte) 0);
    byte[] expected = hmac(secret.keyUnsafe(), zeroed);
    if (!MessageDigest.isEqual(Arrays.copyOf(expected, 28), Arrays.copyOf(clientRandom, 28))) {
      throw invalid("the hello's digest does not match the secret");
    }
    int time = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN).getInt(28)
        ^ ByteBuffer.wrap(clientRandom).order(ByteOrder.LITTLE_ENDIAN).getInt(28);
    long clientTime = Integer.toUnsignedLong(time);
    if (Math.abs(clientTime - nowUnix) > maxSkewSeconds) {
      throw invalid("the client's time is " + (clientTime - nowUnix) + " s from the server's");
    }
    String sni = serverName(hello);
    if (!domain.equals(sni)) {
      throw invalid("the hello names " + (sni == null ? "no server" : "another server") + " than the secret's domain");
    }
    return clientRandom;
  }

  /** The host name of the hello's server_name extension, or null. */
  private static String serverName(byte[] hello) throws TransportException {
    try {
      ByteBuffer b = ByteBuffer.wrap(hello);
      b.position(RANDOM_OFFSET + RANDOM_LENGTH);
      skip(b, b.get() & 0xff); // session id
      skip(b, b.getShort() & 0xffff); // cipher suites
      skip(b, b.get() & 0xff); // compression methods
      int end = b.position() + (b.getShort() & 0xffff);
      if (end > hello.length) {
        throw invalid("extensions overrun the hello");
      }
      while (b.position() + 4 <= end) {
        int type = b.getShort() & 0xffff;
        int length = b.getShort() & 0xffff;
        int next = b.position() + length;
        if (next > end) {
          throw invalid("an extension overruns the hello");
        }
        if (type == 0) {
          b.getShort(); // list length
          if (b.get() != 0) {
            return null;
          }
          int nameLength = b.getShort() & 0xffff;
          if (b.position() + nameLength > next) {
            throw invalid("the server name overruns its extension");
          }
          byte[] name = new byte[nameLength];
          b.get(name);
          return new String(name, StandardCharsets.US_ASCII);
        }
        b.position(next);
      }
      return null;
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      throw invalid("truncated ClientHello");
    }
  }

  private static void skip(ByteBuffer b, int n) {
    b.position(b.position() + n);
  }

  /**
   * The server's answer to a valid hello: ServerHello, ChangeCipherSpec and a random
   * application-data record, signed with the secret.
   */
  static byte[] serverHello(MtProxySecret secret, byte[] clientHello, byte[] clientRandom, SecureRandom random) {
    byte[] sessionId = Arrays.copyOfRange(clientHello, RANDOM_OFFSET + RANDOM_LENGTH + 1,
        RANDOM_OFFSET + RANDOM_LENGTH + 1 + Math.min(32, clientHello[RANDOM_OFFSET + RANDOM_LENGTH] & 0xff));
    byte[] share = new byte[32];
    random.nextBytes(share);
    int extensions = 40 + 6;
    int body = 2 + 32 + 1 + sessionId.length + 2 + 1 + 2 + extensions;
    int certificate = 1024 + random.nextInt(3072);
    ByteBuffer b = ByteBuffer.allocate(5 + 4 + body + CHANGE_CIPHER_SPEC.length + 5 + certificate);
    b.put((byte) RECORD_HANDSHAKE).put((byte) 3).put((byte) 3).putShort((short) (4 + body));
    b.put((byte) 2).put((byte) 0).putShort((short) body);
    b.put((byte) 3).put((byte) 3).put(new byte[RANDOM_LENGTH]);
    b.put((byte) sessionId.length).put(sessionId);
    b.putShort((short) 0x1301).put((byte) 0);
    b.putShort((short) extensions);
    b.putShort((short) 0x0033).putShort((short) 36).putShort((short) 0x001d).putShort((short) 32).put(share);
    b.putShort((short) 0x002b).putShort((short) 2).putShort((short) 0x0304);
    b.put(CHANGE_CIPHER_SPEC);
    byte[] cert = new byte[certificate];
    random.nextBytes(cert);
    b.put((byte) RECORD_APPLICATION_DATA).put((byte) 3).put((byte) 3).putShort((short) certificate).put(cert);
    byte[] answer = b.array();
    System.arraycopy(serverDigest(secret, clientRandom, answer), 0, answer, RANDOM_OFFSET, RANDOM_LENGTH);
    return answer;
  }

  /**
   * The client's check of the server's whole answer (ServerHello record, ChangeCipherSpec record
   * and application-data record, as {@link #serverHelloLength} delimits it).
   *
   * @throws TransportException when the records are malformed or the digest does not match
   */
  static void checkServerHello(MtProxySecret secret, byte[] clientRandom, byte[] answer) throws TransportException {
    byte[] expected = serverDigest(secret, clientRandom, answer);
    if (!MessageDigest.isEqual(expected,
        Arrays.copyOfRange(answer, RANDOM_OFFSET, RANDOM_OFFSET + RANDOM_LENGTH))) {
      throw invalid("the server's digest does not match the secret: not the proxy we trust");
    }
  }

  /**
   * The length of the server's answer at the start of {@code bytes}, or -1 while more bytes are
   * needed.
   *
   * @throws TransportException when it does not have the expected record layout
   */
  static int serverHelloLength(byte[] bytes, int available) throws TransportException {
    return serverHelloLength(Unpooled.wrappedBuffer(bytes, 0, available));
  }

  /**
   * The length of the server's answer at the start of the readable bytes of {@code in}, or -1 while
   * more bytes are needed; {@code in} is only looked at (it stays the caller's, indexes unchanged).
   * The answer is at most {@value #MAX_SERVER_ANSWER_LENGTH} bytes: a longer one is refused as soon
   * as its record headers say so, so a client never buffers more than that for the handshake.
   *
   * @throws TransportException when it does not have the expected record layout or sizes
   */
  static int serverHelloLength(ByteBuf in) throws TransportException {
    int ri = in.readerIndex();
    int available = in.readableBytes();
    if (available < 5) {
      return -1;
    }
    if (in.getUnsignedByte(ri) != RECORD_HANDSHAKE || in.getByte(ri + 1) != 3 || in.getByte(ri + 2) != 3) {
      throw invalid("the server's answer does not start with a TLS 1.2 handshake record");
    }
    int first = 5 + in.getUnsignedShort(ri + 3);
    if (first < RANDOM_OFFSET + RANDOM_LENGTH || first > MAX_SERVER_HELLO_LENGTH) {
      throw invalid("ServerHello record of " + first + " bytes");
    }
    int ccsEnd = first + CHANGE_CIPHER_SPEC.length;
    if (available < ccsEnd + 5) {
      return -1;
    }
    for (int i = 0; i < CHANGE_CIPHER_SPEC.length; i++) {
      if (in.getByte(ri + first + i) != CHANGE_CIPHER_SPEC[i]) {
        throw invalid("the ServerHello is not followed by ChangeCipherSpec");
      }
    }
    if (in.getUnsignedByte(ri + ccsEnd) != RECORD_APPLICATION_DATA
        || in.getByte(ri + ccsEnd + 1) != 3 || in.getByte(ri + ccsEnd + 2) != 3) {
      throw invalid("the ServerHello is not followed by ChangeCipherSpec and application data");
    }
    int certificate = in.getUnsignedShort(ri + ccsEnd + 3);
    if (certificate > MAX_INCOMING_RECORD_PAYLOAD) {
      throw invalid("an application-data record of " + certificate + " bytes in the server's answer");
    }
    int total = ccsEnd + 5 + certificate;
    return available < total ? -1 : total;
  }

  private static byte[] serverDigest(MtProxySecret secret, byte[] clientRandom, byte[] answer) {
    byte[] zeroed = answer.clone();
    Arrays.fill(zeroed, RANDOM_OFFSET, RANDOM_OFFSET + RANDOM_LENGTH, (byte) 0);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.keyUnsafe(), "HmacSHA256"));
      mac.update(clientRandom);
      return mac.doFinal(zeroed);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new io.telefetch.mtproto.crypto.CryptoProviderException("HMAC-SHA256 unavailable", e);
    }
  }

  /**
   * Unwraps the complete records at the start of {@code in}: application-data payloads are added to
   * {@code out} as retained slices (each slice is then owned by whoever receives it and must be
   * released by it), ChangeCipherSpec records are skipped, an incomplete record is left in place.
   * {@code in} stays the caller's: it is read, never released. A record is at most {@value
   * #MAX_INCOMING_RECORD_PAYLOAD} + 5 bytes, so at most that much waits for its end.
   *
   * @throws TransportException for another record type or version, or an impossible length
   */
  static void unwrap(ByteBuf in, List<Object> out) throws TransportException {
    while (in.readableBytes() >= 5) {
      int ri = in.readerIndex();
      int type = in.getUnsignedByte(ri);
      if (in.getUnsignedByte(ri + 1) != 3 || in.getUnsignedByte(ri + 2) != 3) {
        throw invalid("a record with version " + in.getUnsignedByte(ri + 1) + "." + in.getUnsignedByte(ri + 2));
      }
      int length = in.getUnsignedShort(ri + 3);
      if (type == RECORD_CHANGE_CIPHER_SPEC) {
        if (length != 1) {
          throw invalid("a ChangeCipherSpec record of " + length + " bytes");
        }
      } else if (type != RECORD_APPLICATION_DATA) {
        throw invalid("a record of type " + type + " after the handshake");
      } else if (length == 0 || length > MAX_INCOMING_RECORD_PAYLOAD) {
        throw invalid("an application-data record of " + length + " bytes");
      }
      if (in.readableBytes() < 5 + length) {
        return;
      }
      in.skipBytes(5);
      if (type == RECORD_APPLICATION_DATA) {
        out.add(in.readRetainedSlice(length));
      } else {
        in.skipBytes(length);
      }
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Objects.requireNonNull(key), "HmacSHA256"));
      return mac.doFinal(data);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new io.telefetch.mtproto.crypto.CryptoProviderException("HMAC-SHA256 unavailable", e);
    }
  }
}
