package io.telefetch.mtproto.crypto;

import java.util.Arrays;

/**
 * The server side of the encryption of {@code req_DH_params} that predates RSA_PAD: {@code
 * encrypted_data = RSA(SHA1(data) | data | random padding)}, 255 bytes raised to the key's
 * exponent. Telegram still accepts it and widely used clients still send it; Telefetch's client
 * sends {@link RsaPad} only.
 *
 * <p>The length of {@code data} is not written anywhere: it is the TL-serialised inner data, so a
 * multiple of 4. {@link #unwrap} finds the one length whose SHA-1 matches; a random payload
 * matches one of the 58 candidate lengths with probability about 2<sup>-154</sup>.
 */
public final class RsaLegacy {
  /** The length of {@code SHA1(data) | data | padding}. */
  public static final int PAYLOAD_LENGTH = 255;
  /** The longest {@code data} the payload can carry after its SHA-1. */
  public static final int MAX_DATA_LENGTH = PAYLOAD_LENGTH - Hashes.SHA1_LENGTH;

  private RsaLegacy() {}

  /**
   * Recovers {@code data} from a raw-decrypted {@code encrypted_data} (see {@link
   * RsaPrivateKey#decryptRaw}).
   *
   * @param raw the 256 big-endian bytes of the decrypted number
   * @return exactly the {@code data} whose SHA-1 leads the payload, without the padding
   * @throws CryptoCheckException if the number is not 255 bytes long or no prefix of the payload
   *     matches its SHA-1
   */
  public static byte[] unwrap(byte[] raw) {
    if (raw.length != PAYLOAD_LENGTH + 1 || raw[0] != 0) {
      throw new CryptoCheckException("legacy RSA payload is not a 255-byte number");
    }
    int dataStart = 1 + Hashes.SHA1_LENGTH;
    for (int length = 4; length <= MAX_DATA_LENGTH; length += 4) {
      byte[] hash = Hashes.sha1(raw, dataStart, length);
      if (ConstantTime.equals(hash, 0, raw, 1, Hashes.SHA1_LENGTH)) {
        return Arrays.copyOfRange(raw, dataStart, dataStart + length);
      }
    }
    throw new CryptoCheckException("legacy RSA payload: no SHA-1 of a prefix matches");
  }
}
