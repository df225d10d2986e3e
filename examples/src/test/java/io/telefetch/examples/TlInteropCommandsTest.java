package io.telefetch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.tl.RandomValues;
import io.telefetch.examples.tl.TlInteropTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TlInteropCommandsTest {
  @TempDir
  Path dir;

  @Test
  void randomThenDecodeRoundTripsEveryCombinator() throws IOException {
    Path objects = dir.resolve("objects.txt");
    Path results = dir.resolve("results.txt");
    assertThat(run("tl", "interop-random", "--seed", "3", "--count", "2", "--profile", "mtcute", "--out", objects.toString()))
        .isZero();
    List<String> lines = Files.readAllLines(objects);
    assertThat(lines).hasSize(2 * TlInteropTool.names().size());
    assertThat(lines).allMatch(l -> l.matches("[A-Za-z_][\\w.]* ([0-9a-f]{2})+"));

    assertThat(run("tl", "interop-decode", objects.toString(), "--out", results.toString())).isZero();
    List<String> outcomes = Files.readAllLines(results);
    assertThat(outcomes).hasSize(lines.size()).allMatch(l -> l.endsWith(" ok"));
    assertThat(outcomes.get(0)).isEqualTo(lines.get(0).substring(0, lines.get(0).indexOf(' ')) + " ok");
  }

  @Test
  void decodeExitsWithOneWhenAnObjectDiffers() throws IOException {
    Path objects = dir.resolve("objects.txt");
    Path results = dir.resolve("results.txt");
    // pong, then pong claimed to be ping
    String pong = "c5737734" + "0100000000000000" + "0200000000000000";
    Files.writeString(objects, "pong " + pong + "\nping " + pong + "\n");
    assertThat(run("tl", "interop-decode", objects.toString(), "--out", results.toString())).isEqualTo(1);
    assertThat(Files.readAllLines(results)).containsExactly("pong ok", "ping name-mismatch pong");
  }

  @Test
  void sameSeedWritesTheSameFile() throws IOException {
    Path first = dir.resolve("a.txt");
    Path second = dir.resolve("b.txt");
    Path other = dir.resolve("c.txt");
    assertThat(run("tl", "interop-random", "--seed", "8", "--out", first.toString())).isZero();
    assertThat(run("tl", "interop-random", "--seed", "8", "--out", second.toString())).isZero();
    assertThat(run("tl", "interop-random", "--seed", "9", "--out", other.toString())).isZero();
    assertThat(Files.readString(first)).isEqualTo(Files.readString(second)).isNotEqualTo(Files.readString(other));
  }

  @Test
  void badUsageExitsWithTwo() {
    Path out = dir.resolve("x.txt");
    assertThat(run("tl", "interop-random", "--profile", "nope", "--out", out.toString())).isEqualTo(2);
    assertThat(run("tl", "interop-random", "--count", "0", "--out", out.toString())).isEqualTo(2);
    assertThat(run("tl", "interop-decode", dir.resolve("missing.txt").toString(), "--out", out.toString())).isEqualTo(2);
    assertThat(TlInteropCommands.profile("MTCUTE")).isEqualTo(RandomValues.Profile.MTCUTE);
    assertThat(TlInteropCommands.profile("default")).isEqualTo(RandomValues.Profile.DEFAULT);
  }

  private static int run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    System.setOut(new PrintStream(sink, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(sink, true, StandardCharsets.UTF_8));
    try {
      return new CommandLine(new TelefetchCli()).execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
