package io.telefetch.bench;

import io.telefetch.mtproto.crypto.AesIge;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The cryptographic floor of a download: what AES-256-IGE decryption and SHA-256 of 1 GiB cost on
 * this machine, in CPU seconds per GiB (one core). MTProto 2.0 needs both for every received byte:
 * the payload is decrypted with AES-IGE and msg_key is a SHA-256 over the whole plaintext.
 *
 * <p>Measured either with JMH ({@link CryptoBenchmark}'s {@code igeDecryptJdk}, {@code sha256} and,
 * for information, {@code messageDecryptDirectBuffer}, one forked JVM) or with a timed loop in
 * this JVM (after a warm-up long enough for C2 to compile the intrinsics).
 *
 * <p>{@link #main} prints one JSON line for the side-by-side harness ({@code
 * interop/bench/side-by-side.mjs}): {@code java -cp benchmarks/target/benchmarks.jar
 * io.telefetch.bench.CryptoFloor [jmh|loop]}.
 */
public final class CryptoFloor {
  static final String IGE = "igeDecryptJdk";
  static final String SHA = "sha256";
  static final String MESSAGE = "messageDecryptDirectBuffer";

  private static final int MIB = 1 << 20;

  /** MiB/s per benchmark method (every CryptoBenchmark operation handles 1 MiB). */
  final Map<String, Double> mibPerSecond;
  final String method;

  private CryptoFloor(Map<String, Double> mibPerSecond, String method) {
    this.mibPerSecond = mibPerSecond;
    this.method = method;
  }

  /**
   * Measures the floor ({@code jmh}, the default, or {@code loop}) and prints {@code {"method":
   * "...", "ige_mib_s": n, "sha256_mib_s": n, "ige_s_per_gib": n, "sha256_s_per_gib": n}}.
   */
  public static void main(String[] args) throws Exception {
    String how = args.length > 0 ? args[0] : "jmh";
    CryptoFloor f = how.equals("loop") ? loop(8) : jmh(3, 3, 2);
    System.out.println(String.format(java.util.Locale.ROOT,
        "{\"method\": \"%s\", \"ige_mib_s\": %.1f, \"sha256_mib_s\": %.1f, \"ige_s_per_gib\": %.3f, "
            + "\"sha256_s_per_gib\": %.3f}", f.method.replace("\"", "'"), f.mibPerSecond.get(IGE), f.mibPerSecond.get(SHA),
        f.secondsPerGib(IGE), f.secondsPerGib(SHA)));
  }

  /** CPU seconds per GiB of {@code benchmark}, or NaN if it was not measured. */
  double secondsPerGib(String benchmark) {
    Double score = mibPerSecond.get(benchmark);
    return score == null || score <= 0 ? Double.NaN : 1024.0 / score;
  }

  /** AES-IGE decryption + {@code shaPasses} SHA-256 passes over 1 GiB, in CPU seconds. */
  double floorSecondsPerGib(int shaPasses) {
    return secondsPerGib(IGE) + shaPasses * secondsPerGib(SHA);
  }

  static CryptoFloor jmh(int warmupIterations, int measurementIterations, int iterationSeconds) throws RunnerException {
    Options options = new OptionsBuilder()
        .include("^" + Pattern.quote(CryptoBenchmark.class.getName()) + "\\.(" + IGE + "|" + SHA + "|" + MESSAGE + ")$")
        .warmupIterations(warmupIterations).warmupTime(TimeValue.seconds(iterationSeconds))
        .measurementIterations(measurementIterations).measurementTime(TimeValue.seconds(iterationSeconds))
        .forks(1)
        // Not this JVM's flags (a -XX:StartFlightRecording would follow the fork otherwise).
        .jvmArgs("-Xms256m", "-Xmx256m")
        .shouldFailOnError(true)
        .verbosity(VerboseMode.SILENT)
        .build();
    // JMH serialises runs on the machine through /tmp/jmh.lock: wait for another run to finish
    // (up to two minutes), then run anyway and say so.
    Collection<RunResult> results = null;
    String lockNote = "";
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (results == null) {
      try {
        results = new Runner(options).run();
      } catch (RunnerException e) {
        if (String.valueOf(e.getMessage()).contains("JMH lock") && !Boolean.getBoolean("jmh.ignoreLock")) {
          if (System.nanoTime() > deadline) {
            System.setProperty("jmh.ignoreLock", "true");
            lockNote = "; another JMH run held /tmp/jmh.lock for 2 min, run concurrently with it";
          } else {
            System.err.println("[floor] another JMH run holds /tmp/jmh.lock; waiting");
            try {
              Thread.sleep(5_000);
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
              throw e;
            }
          }
        } else {
          throw e;
        }
      }
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    for (RunResult r : results) {
      String label = r.getParams().getBenchmark();
      String name = label.substring(label.lastIndexOf('.') + 1);
      scores.put(name, r.getPrimaryResult().getScore());
    }
    if (!scores.containsKey(IGE) || !scores.containsKey(SHA)) {
      throw new IllegalStateException("JMH returned no score for " + IGE + " or " + SHA + ": " + scores.keySet());
    }
    return new CryptoFloor(scores, String.format("JMH 1.37, CryptoBenchmark, 1 fork, %d x %d s warm-up, %d x %d s measured",
        warmupIterations, iterationSeconds, measurementIterations, iterationSeconds) + lockNote);
  }

  /** A timed loop in this JVM: {@code warmupSeconds} of each operation, then the best of three 256 MiB runs. */
  static CryptoFloor loop(int warmupSeconds) throws NoSuchAlgorithmException {
    byte[] key = new byte[32];
    byte[] iv = new byte[32];
    byte[] data = new byte[MIB];
    Random random = new Random(1);
    random.nextBytes(key);
    random.nextBytes(iv);
    random.nextBytes(data);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Map<String, Double> scores = new LinkedHashMap<>();
    Runnable ige = () -> AesIge.decrypt(key, iv, data, 0, MIB);
    Runnable digest = () -> data[0] ^= sha.digest(data)[0];
    scores.put(IGE, timed(ige, warmupSeconds));
    scores.put(SHA, timed(digest, warmupSeconds));
    return new CryptoFloor(scores, "timed loop in the benchmark JVM, " + warmupSeconds + " s warm-up, best of 3 x 256 MiB");
  }

  private static double timed(Runnable op, int warmupSeconds) {
    long end = System.nanoTime() + warmupSeconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      op.run();
    }
    double best = 0;
    for (int run = 0; run < 3; run++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < 256; i++) {
        op.run();
      }
      best = Math.max(best, 256 / ((System.nanoTime() - t0) / 1e9));
    }
    return best;
  }
}
