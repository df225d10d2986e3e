package io.telefetch.tl;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/** Deterministic random field values for the generated {@code *Samples} classes. */
public final class RandomValues {
  /** Below this depth optional fields and vectors may be filled; at or past it they stay minimal. */
  private static final int MAX_DEPTH = 3;
  private static final String ALPHABET = "abcXYZ019 _-/жл€😀";

  private final SplittableRandom rnd;

  public RandomValues(long seed) {
    this.rnd = new SplittableRandom(seed);
  }

  public int nextInt() {
    return rnd.nextInt();
  }

  public long nextLong() {
    return rnd.nextLong();
  }

  public double nextDouble() {
    return rnd.nextInt(4) == 0 ? -rnd.nextDouble() * 1e6 : rnd.nextDouble();
  }

  public boolean flag() {
    return rnd.nextBoolean();
  }

  /** Strings of lengths around the 253/254 length-prefix boundary and multi-byte UTF-8. */
  public String string() {
    int len = switch (rnd.nextInt(6)) {
      case 0 -> 0;
      case 1 -> 250 + rnd.nextInt(8);
      default -> rnd.nextInt(12);
    };
    StringBuilder sb = new StringBuilder();
    while (sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < len) {
      sb.appendCodePoint(ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0, rnd.nextInt(ALPHABET.codePointCount(0, ALPHABET.length())))));
    }
    return sb.toString();
  }

  public TlBytes bytes() {
    int len = switch (rnd.nextInt(6)) {
      case 0 -> 0;
      case 1 -> 252 + rnd.nextInt(4);
      case 2 -> 1000 + rnd.nextInt(100);
      default -> rnd.nextInt(9);
    };
    return fixed(len);
  }

  public TlBytes fixed(int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return TlBytes.wrap(b);
  }

  /** Whether an optional field at depth {@code d} is present. */
  public boolean present(int d) {
    return d < MAX_DEPTH && rnd.nextBoolean();
  }

  /** Whether depth {@code d} is deep enough that the cheapest constructor should be used. */
  public boolean deep(int d) {
    return d >= MAX_DEPTH;
  }

  public int choose(int n) {
    return rnd.nextInt(n);
  }

  public <T> List<T> list(int d, Supplier<T> element) {
    int n = d >= MAX_DEPTH ? 0 : rnd.nextInt(3);
    List<T> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(element.get());
    }
    return list;
  }
}
