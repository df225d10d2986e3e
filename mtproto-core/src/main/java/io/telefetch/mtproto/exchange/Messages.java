package io.telefetch.mtproto.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.telefetch.mtproto.crypto.AesKeyIv;
import io.telefetch.mtproto.crypto.ConstantTime;
import io.telefetch.mtproto.crypto.CryptoCheckException;
import io.telefetch.mtproto.crypto.ExchangeCrypto;
import io.telefetch.mtproto.exchange.KeyExchangeException.Reason;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlRegistry;
import io.telefetch.tl.TlWriter;

/** TL encoding, envelope decryption and nonce checks shared by both machines. */
final class Messages {

  private Messages() {}

  /** Serialises the boxed form of {@code object}. */
  static byte[] serialize(TlObject object) {
    ByteBuf buf = Unpooled.buffer(256);
    try {
      object.write(new TlWriter(buf));
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      return bytes;
    } finally {
      buf.release();
    }
  }

  /**
   * Decodes a boxed {@code type} (not gzip_packed) from the start of {@code data}; with {@code
   * exact}, it must span all of {@code data}, otherwise the rest is padding and ignored.
   *
   * @throws KeyExchangeException ({@link Reason#MALFORMED}) if it does not decode
   */
  static <T> T decode(byte[] data, Class<T> type, boolean exact, String what) {
    ByteBuf buf = Unpooled.wrappedBuffer(data);
    try {
      if (buf.readableBytes() >= 4 && buf.getIntLE(0) == TlReader.GZIP_PACKED_ID) {
        throw new KeyExchangeException(Reason.MALFORMED, what + " is gzip_packed");
      }
      T value = new TlReader(buf, TlRegistry.standard(), TlReader.Options.PLAIN).readObject(type);
      if (exact && buf.isReadable()) {
        throw new KeyExchangeException(Reason.MALFORMED,
            what + " is followed by " + buf.readableBytes() + " unexpected bytes");
      }
      return value;
    } catch (TlDecodeException e) {
      throw new KeyExchangeException(Reason.MALFORMED, what + " does not decode", e);
    } finally {
      buf.release();
    }
  }

  /**
   * Decodes the data of an unencrypted message of the key exchange with {@link
   * TlReader.Options#PLAIN}: no gzip_packed anywhere (nothing of the exchange is ever packed, and
   * this runs before any key exists), and the standard depth limit.
   *
   * @param data read from its reader index; not released here
   * @throws KeyExchangeException ({@link Reason#MALFORMED}) if it does not decode
   */
  static TlObject decodePlain(ByteBuf data, String what) {
    try {
      return new TlReader(data, TlRegistry.standard(), TlReader.Options.PLAIN).readObject();
    } catch (TlDecodeException e) {
      throw new KeyExchangeException(Reason.MALFORMED, what + " does not decode: " + e.getMessage(), e);
    }
  }

  /**
   * Decrypts a {@code SHA1 | data | 0..15 bytes} envelope ({@code encrypted_answer} or {@code
   * encrypted_data}) and decodes {@code data} as a {@code type}. The SHA1 is checked over exactly
   * the bytes of the decoded TL object: the envelope's hash must match one of the 16 possible
   * lengths (checked before anything is parsed) and the object decoded from those bytes must span
   * them all, with nothing left over.
   */
  static <T> T decryptInnerData(TlBytes encrypted, AesKeyIv tmpKey, Class<T> type, String what) {
    int length = encrypted.length();
    if (length < 32 || length % 16 != 0) {
      throw new KeyExchangeException(Reason.MALFORMED,
          "encrypted " + what + " has a bad length: " + length);
    }
    byte[] data;
    try {
      data = ExchangeCrypto.decryptInnerData(encrypted.toByteArray(), tmpKey);
    } catch (CryptoCheckException e) {
      throw new KeyExchangeException(
          Reason.HASH_MISMATCH, "SHA1 of " + what + " does not match", e);
    }
    return decode(data, type, true, what);
  }

  /** Checks, in constant time, that {@code received} holds the bytes of {@code expected}. */
  static void checkNonce(TlBytes received, byte[] expected, String what) {
    if (!ConstantTime.equals(received.toByteArray(), expected)) {
      throw new KeyExchangeException(Reason.NONCE_MISMATCH, what + " does not match");
    }
  }

  /** Checks, in constant time, that {@code received} holds the bytes of {@code expected}. */
  static boolean sameBytes(TlBytes received, byte[] expected) {
    return ConstantTime.equals(received.toByteArray(), expected);
  }

  /** Wraps a failed crypto-layer check into a {@link KeyExchangeException}. */
  static KeyExchangeException wrap(Reason reason, String what, RuntimeException cause) {
    return new KeyExchangeException(reason, what + ": " + cause.getMessage(), cause);
  }
}
