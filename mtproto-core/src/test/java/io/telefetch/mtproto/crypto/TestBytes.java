package io.telefetch.mtproto.crypto;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;

/** Hex conversion and deterministic randomness for the crypto tests. */
final class TestBytes {

  private TestBytes() {}

  /** Parses hex (either case, no separators). */
  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  /** Formats lower-case hex. */
  static String toHex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** Returns the bytes {@code from, from + 1, ...} of the given length. */
  static byte[] sequence(int from, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (from + i);
    }
    return bytes;
  }

  /** Returns {@code length} pseudo-random bytes from {@code seed}. */
  static byte[] random(long seed, int length) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** A {@link SecureRandom} that is reproducible: for tests only. */
  static SecureRandom seededRandom(long seed) {
    return new SeededRandom(seed);
  }

  /** A {@link SecureRandom} whose {@code nextBytes} hands out fixed bytes, then fails. */
  static SecureRandom fixedRandom(byte[]... outputs) {
    return new FixedRandom(outputs);
  }

  private static final class SeededRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final Random random;

    SeededRandom(long seed) {
      this.random = new Random(seed);
    }

    @Override
    public void nextBytes(byte[] bytes) {
      random.nextBytes(bytes);
    }
  }

  private static final class FixedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[][] outputs;
    private int next;

    FixedRandom(byte[][] outputs) {
      this.outputs = outputs;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      byte[] output = outputs[next++];
      if (output.length != bytes.length) {
        throw new AssertionError("asked for " + bytes.length + " bytes, have " + output.length);
      }
      System.arraycopy(output, 0, bytes, 0, bytes.length);
    }
  }
}
