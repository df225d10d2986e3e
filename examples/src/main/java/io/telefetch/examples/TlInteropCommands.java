package io.telefetch.examples;

import io.telefetch.tl.RandomValues;
import io.telefetch.examples.tl.TlInteropTool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code telefetch tl interop-random} and {@code telefetch tl interop-decode}: the Java side of the
 * codec interop harness ({@code interop/scenarios/codec.mjs}), see {@link TlInteropTool}. Files hold
 * one {@code NAME HEX} line per object.
 */
final class TlInteropCommands {
  private TlInteropCommands() {}

  /** The {@link RandomValues.Profile} called {@code name} on the command line, or null. */
  static RandomValues.Profile profile(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "default" -> RandomValues.Profile.DEFAULT;
      case "mtcute" -> RandomValues.Profile.MTCUTE;
      default -> null;
    };
  }

  @Command(name = "interop-random", mixinStandardHelpOptions = true,
      description = {"Serialise random instances of every combinator (codec interop harness).",
          "Writes one 'NAME HEX' line per instance of every constructor and method of both schemas."})
  static final class Random implements Callable<Integer> {
    @Option(names = "--seed", defaultValue = "1", description = "run seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--count", defaultValue = "1", description = "instances per combinator (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--profile", defaultValue = "default",
        description = {"value profile (default ${DEFAULT-VALUE}): default = every value the wire format allows;",
            "mtcute = longs within +-(2^53-1) and no present-but-empty optional vectors (see RandomValues.Profile)"})
    String profile;

    @Option(names = "--out", required = true, description = "output file")
    Path out;

    @Override
    public Integer call() throws IOException {
      if (count < 1) {
        System.err.println("--count must be at least 1");
        return 2;
      }
      RandomValues.Profile p = profile(profile);
      if (p == null) {
        System.err.println("unknown --profile " + profile + " (expected default or mtcute)");
        return 2;
      }
      int lines;
      try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        lines = TlInteropTool.writeRandom(seed, count, p, w);
      }
      System.out.println("wrote " + lines + " objects (" + TlInteropTool.names().size() + " combinators x " + count
          + ", seed " + seed + ", profile " + profile + ") to " + out);
      return 0;
    }
  }

  @Command(name = "interop-decode", mixinStandardHelpOptions = true,
      description = {"Decode, re-encode and compare NAME HEX lines (codec interop harness).",
          "Decodes every line of FILE with our codec, checks the constructor name, re-encodes it and compares the",
          "bytes; writes one 'NAME STATUS [DETAIL]' line per input line (STATUS: ok, differs, name-mismatch,",
          "trailing, undecodable). Exit code 0 when all are identical, 1 when any is not, 2 on bad usage."})
  static final class Decode implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "input: NAME HEX lines")
    Path in;

    @Option(names = "--out", required = true, description = "result file")
    Path out;

    @Override
    public Integer call() throws IOException {
      if (!Files.isReadable(in)) {
        System.err.println("cannot read " + in);
        return 2;
      }
      int failures;
      long lines;
      try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8);
          Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        failures = TlInteropTool.checkAll(r, w);
      }
      try (var s = Files.lines(out, StandardCharsets.UTF_8)) {
        lines = s.count();
      }
      System.out.println("checked " + lines + " objects: " + (lines - failures) + " identical, " + failures + " not");
      return failures == 0 ? 0 : 1;
    }
  }
}
