package io.telefetch.examples.tl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.telefetch.tl.api.ApiSamples;
import io.telefetch.tl.mtproto.MtprotoSamples;
import io.telefetch.tl.RandomValues;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Batch entry points of the codec interop harness ({@code interop/scenarios/codec.mjs}), which
 * checks our TL codec byte for byte against mtcute's, in both directions, for every combinator of
 * the bundled schemas. Both work on text files of one {@code NAME HEX} line per object (the TL name,
 * a space, the boxed serialisation in lowercase hex), so one JVM handles thousands of objects. The
 * CLI exposes them as {@code telefetch tl interop-random} and {@code telefetch tl interop-decode}.
 *
 * <ul>
 *   <li>{@link #writeRandom}: our serialisation of random instances ({@link RandomValues}) of every
 *       constructor and method, for the other implementation to read and re-serialise.
 *   <li>{@link #checkAll}: the other implementation's serialisations, each decoded with {@link
 *       TlReader}, its name checked and re-encoded with {@link TlWriter}; one {@link Outcome} line
 *       per input line, in order.
 * </ul>
 */
public final class TlInteropTool {
  private TlInteropTool() {}

  /** How one object fared in {@link #check}. */
  public enum Status {
    /** Decoded to the expected constructor and re-encoded to identical bytes. */
    OK,
    /** Decoded, but the re-encoding differs; the detail is our re-encoding in hex. */
    DIFFERS,
    /** Decoded to another constructor; the detail is its name. */
    NAME_MISMATCH,
    /** Decoded with bytes left over; the detail is their number. */
    TRAILING,
    /** Not decodable; the detail is the reason. */
    UNDECODABLE;

    /** The word used in result lines: {@code ok}, {@code differs}, {@code name-mismatch}, ... */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * The result of checking one object.
   *
   * @param name the expected TL name
   * @param status the outcome
   * @param detail see {@link Status}; empty for {@link Status#OK}
   */
  public record Outcome(String name, Status status, String detail) {
    /** {@code NAME STATUS[ DETAIL]}, on one line. */
    public String line() {
      return detail.isEmpty() ? name + " " + status.word() : name + " " + status.word() + " " + detail;
    }
  }

  /** Every combinator with an id that {@link #sample} can build: MTProto first, then the API. */
  public static List<String> names() {
    List<String> names = new ArrayList<>();
    for (String n : MtprotoSamples.NAMES) {
      names.add(plain(n));
    }
    for (String n : ApiSamples.NAMES) {
      names.add(plain(n));
    }
    return Collections.unmodifiableList(names);
  }

  private static String plain(String sampleName) {
    return sampleName.startsWith("fn:") ? sampleName.substring(3) : sampleName;
  }

  /** A random instance of combinator {@code names().get(index)}. */
  public static TlObject sample(int index, RandomValues r) {
    int mtproto = MtprotoSamples.NAMES.size();
    return index < mtproto ? MtprotoSamples.sample(index, r) : ApiSamples.sample(index - mtproto, r);
  }

  /** The seed of instance {@code k} of combinator {@code index} under run seed {@code seed}. */
  static long instanceSeed(long seed, int index, int k) {
    return seed * 0x9E3779B97F4A7C15L + index * 7919L + k * 104_729L;
  }

  /**
   * Writes {@code perCombinator} random instances of every combinator of {@link #names()} as
   * {@code NAME HEX} lines; returns the number of lines. Deterministic in {@code seed} and
   * {@code profile}.
   */
  public static int writeRandom(long seed, int perCombinator, RandomValues.Profile profile, Writer out) {
    return writeRandom(seed, perCombinator, profile, out, TlInteropTool::sample, names().size());
  }

  static int writeRandom(long seed, int perCombinator, RandomValues.Profile profile, Writer out,
      BiFunction<Integer, RandomValues, TlObject> sampler, int count) {
    if (perCombinator < 1) {
      throw new IllegalArgumentException("perCombinator must be at least 1");
    }
    int lines = 0;
    ByteBuf buf = Unpooled.buffer();
    try {
      for (int i = 0; i < count; i++) {
        for (int k = 0; k < perCombinator; k++) {
          TlObject o = sampler.apply(i, new RandomValues(instanceSeed(seed, i, k), profile));
          buf.clear();
          o.write(new TlWriter(buf));
          out.write(o.tlName());
          out.write(' ');
          out.write(ByteBufUtil.hexDump(buf));
          out.write('\n');
          lines++;
        }
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      buf.release();
    }
    return lines;
  }

  /**
   * Decodes the boxed object in {@code hex} with the standard registry, checks that it is a
   * {@code name} and uses every byte, and re-encodes it.
   */
  public static Outcome check(String name, String hex) {
    byte[] bytes;
    try {
      bytes = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return new Outcome(name, Status.UNDECODABLE, "bad hex: " + e.getMessage());
    }
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    ByteBuf again = Unpooled.buffer(bytes.length);
    try {
      TlObject o;
      try {
        o = new TlReader(in).readObject();
      } catch (TlDecodeException e) {
        return new Outcome(name, Status.UNDECODABLE, oneLine(e.getMessage()));
      }
      if (!o.tlName().equals(name)) {
        return new Outcome(name, Status.NAME_MISMATCH, o.tlName());
      }
      if (in.isReadable()) {
        return new Outcome(name, Status.TRAILING, Integer.toString(in.readableBytes()));
      }
      try {
        o.write(new TlWriter(again));
      } catch (RuntimeException e) {
        return new Outcome(name, Status.DIFFERS, "cannot re-encode: " + oneLine(String.valueOf(e)));
      }
      byte[] reencoded = ByteBufUtil.getBytes(again);
      if (java.util.Arrays.equals(reencoded, bytes)) {
        return new Outcome(name, Status.OK, "");
      }
      return new Outcome(name, Status.DIFFERS, HexFormat.of().formatHex(reencoded));
    } finally {
      in.release();
      again.release();
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ");
  }

  /**
   * Checks every {@code NAME HEX} line of {@code in} (blank lines skipped) and writes one {@link
   * Outcome#line()} per line to {@code out}, in order; returns how many were not {@link Status#OK}.
   */
  public static int checkAll(BufferedReader in, Writer out) throws IOException {
    int failures = 0;
    int lineNo = 0;
    String line;
    while ((line = in.readLine()) != null) {
      lineNo++;
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      int space = trimmed.indexOf(' ');
      Outcome o = space < 0
          ? new Outcome("line-" + lineNo, Status.UNDECODABLE, "expected NAME HEX")
          : check(trimmed.substring(0, space), trimmed.substring(space + 1).strip());
      if (o.status() != Status.OK) {
        failures++;
      }
      out.write(o.line());
      out.write('\n');
    }
    out.flush();
    return failures;
  }
}
