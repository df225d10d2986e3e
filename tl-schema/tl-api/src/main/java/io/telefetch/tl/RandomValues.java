package io.telefetch.tl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Deterministic random field values for the generated {@code ApiSamples} and {@code
 * MtprotoSamples} classes, which build a random instance of every combinator of the schemas.
 *
 * <p>What it is for: test data, not the client. The round-trip tests encode, decode and re-encode
 * these instances; the codec interop harness ({@code telefetch tl interop-random}, driven by
 * {@code interop/scenarios/codec.mjs}) hands their serialisation to another implementation's TL
 * reader and writer. The same seed and {@link Profile} always give the same values.
 *
 * <p>Values stress the encoding: strings and byte strings around the 253/254 length-prefix
 * boundary, multi-byte UTF-8, negative and fractional doubles. Below {@value #MAX_DEPTH} levels of
 * nesting optional fields and vectors may be filled; at or past it they stay minimal, so every
 * instance is finite.
 */
public final class RandomValues {
  /** Below this depth optional fields and vectors may be filled; at or past it they stay minimal. */
  public static final int MAX_DEPTH = 3;
  /** The largest magnitude of a {@link Profile#MTCUTE} long: 2^53 - 1. */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
  private static final String ALPHABET = "abcXYZ019 _-/жл€😀";

  /**
   * Which values may appear.
   *
   * @param fullRangeLongs whether longs span all 64 bits; otherwise they stay within
   *     ±{@link #MAX_SAFE_INTEGER}
   * @param emptyOptionalVectors whether a present optional (flags-guarded) vector may be empty
   */
  public record Profile(boolean fullRangeLongs, boolean emptyOptionalVectors) {
    /** Every value the wire format allows. */
    public static final Profile DEFAULT = new Profile(true, true);

    /**
     * Values that mtcute (the TypeScript client the interop harness checks us against) can carry
     * without changing them: mtcute reads the {@code long} fields it types {@code int53} (user,
     * chat and channel ids, among others) as JavaScript numbers, exact only within
     * ±{@link #MAX_SAFE_INTEGER}, and its writer treats a present but empty optional vector as
     * absent. Both are mtcute's choices (listed as quirks by the harness), not wire-format rules.
     */
    public static final Profile MTCUTE = new Profile(false, false);
  }

  private final SplittableRandom rnd;
  private final Profile profile;

  /** Values of the {@link Profile#DEFAULT} profile. */
  public RandomValues(long seed) {
    this(seed, Profile.DEFAULT);
  }

  public RandomValues(long seed, Profile profile) {
    this.rnd = new SplittableRandom(seed);
    this.profile = Objects.requireNonNull(profile, "profile");
  }

  public Profile profile() {
    return profile;
  }

  public int nextInt() {
    return rnd.nextInt();
  }

  /** Any long, or with a restricted profile one within ±{@link #MAX_SAFE_INTEGER}. */
  public long nextLong() {
    if (profile.fullRangeLongs()) {
      return rnd.nextLong();
    }
    return rnd.nextLong(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER + 1);
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
    while (sb.toString().getBytes(StandardCharsets.UTF_8).length < len) {
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

  /** A vector of 0 to 2 elements; empty at or past {@link #MAX_DEPTH}. */
  public <T> List<T> list(int d, Supplier<T> element) {
    return fill(d >= MAX_DEPTH ? 0 : rnd.nextInt(3), element);
  }

  /**
   * The value of a present optional vector: like {@link #list(int, Supplier)}, but with 1 or 2
   * elements when the profile rules out empty optional vectors.
   */
  public <T> List<T> optionalList(int d, Supplier<T> element) {
    if (profile.emptyOptionalVectors()) {
      return list(d, element);
    }
    return fill(1 + rnd.nextInt(2), element);
  }

  private static <T> List<T> fill(int n, Supplier<T> element) {
    List<T> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(element.get());
    }
    return list;
  }
}
