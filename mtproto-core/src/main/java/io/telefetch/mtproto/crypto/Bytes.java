package io.telefetch.mtproto.crypto;

import java.math.BigInteger;

/** Byte-order and big-integer conversions shared by this package. */
final class Bytes {

  private Bytes() {}

  static long getLongLe(byte[] data, int offset) {
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = (value << 8) | (data[offset + i] & 0xFF);
    }
    return value;
  }

  static void putLongLe(byte[] data, int offset, long value) {
    for (int i = 0; i < 8; i++) {
      data[offset + i] = (byte) (value >>> (8 * i));
    }
  }

  /**
   * Returns {@code value} (non-negative) as exactly {@code length} big-endian bytes.
   *
   * @throws IllegalArgumentException if it does not fit
   */
  static byte[] toFixedBigEndian(BigInteger value, int length) {
    if (value.signum() < 0 || value.bitLength() > 8 * length) {
      throw new IllegalArgumentException("value does not fit in " + length + " bytes");
    }
    byte[] magnitude = value.toByteArray();
    byte[] result = new byte[length];
    int copy = Math.min(magnitude.length, length);
    System.arraycopy(magnitude, magnitude.length - copy, result, length - copy, copy);
    return result;
  }

  /** Returns {@code value} (non-negative) as big-endian bytes without leading zeros. */
  static byte[] toMinimalBigEndian(BigInteger value) {
    return toFixedBigEndian(value, Math.max(1, (value.bitLength() + 7) / 8));
  }

  /** Returns the reverse of {@code data}. */
  static byte[] reverse(byte[] data) {
    byte[] result = new byte[data.length];
    for (int i = 0; i < data.length; i++) {
      result[i] = data[data.length - 1 - i];
    }
    return result;
  }
}
