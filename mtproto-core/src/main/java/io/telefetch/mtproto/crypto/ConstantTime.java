package io.telefetch.mtproto.crypto;

import java.util.Objects;

/** Comparisons of secret byte strings whose running time does not depend on their contents. */
public final class ConstantTime {

  private ConstantTime() {}

  /**
   * Returns whether {@code a} and {@code b} hold the same bytes. The lengths are not secret: arrays
   * of different lengths compare unequal at once; for equal lengths every byte is examined.
   */
  public static boolean equals(byte[] a, byte[] b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    return a.length == b.length && equals(a, 0, b, 0, a.length);
  }

  /**
   * Returns whether {@code a[aOffset, aOffset + length)} and {@code b[bOffset, bOffset + length)}
   * hold the same bytes, examining every byte of both ranges.
   *
   * @throws IndexOutOfBoundsException if a range lies outside its array
   */
  public static boolean equals(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
    Objects.checkFromIndexSize(aOffset, length, a.length);
    Objects.checkFromIndexSize(bOffset, length, b.length);
    int difference = 0;
    for (int i = 0; i < length; i++) {
      difference |= a[aOffset + i] ^ b[bOffset + i];
    }
    return difference == 0;
  }
}
