package io.telefetch.examples.cli;

import io.telefetch.examples.TelefetchCli;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training run for the {@code telefetch} launcher's class-data-sharing archive: the build runs
 * {@code java -XX:ArchiveClassesAtExit=target/telefetch.jsa -cp target/telefetch.jar} with this main
 * class, so the classes a real run loads (picocli, the client: key exchange, login, link resolving,
 * the parallel download with verification, Jackson for the JSON output, logback) are in the archive.
 * It starts a testkit launcher on loopback (no internet) in a child JVM from the same jar, so that
 * the server's classes stay out of the archive (an in-process cluster made it 36 MB instead of 21,
 * and every page of it is resident: JDK 17 relocates the archive at start), waits for its JSON in a
 * temporary directory and runs, in this JVM, {@code --version}, {@code login} (the demo user, code from
 * standard input), {@code download --json} of an album, {@code info}, {@code fetch} of a small file
 * and {@code logout}; their output is discarded. Deterministic inputs (fixed seeds and sizes); a few
 * seconds. Exit status 0 when every command succeeded, else 1 (the build fails: the archive would
 * miss what it is for).
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("telefetch-cds");
    PrintStream realErr = System.err;
    PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    int failed = 0;
    Path config = dir.resolve("cluster.json");
    Process cluster = startCluster(dir, config);
    try {
      LaunchConfig cfg = awaitConfig(cluster, config, dir);
      String home = dir.resolve("home").toString();
      String album = cfg.link("album").orElseThrow().link();
      LaunchConfig.DemoUser user = cfg.demoUser();
      // fetch writes to System.out: the training's output is nobody's business
      PrintStream realOut = System.out;
      System.setOut(sink);
      try {
        List<List<String>> runs = List.of(
            List.of("--version"),
            List.of("login", "--testkit", config.toString(), "--phone", user.phone()),
            List.of("download", "--testkit", config.toString(), "--json", "-o", dir.resolve("out").toString(), album),
            List.of("info", "--testkit", config.toString(), album),
            List.of("fetch", "--config", config.toString(), "--file", "small.bin"),
            List.of("logout", "--testkit", config.toString()));
        for (List<String> run : runs) {
          CliIo io = CliIo.of(new ByteArrayInputStream((user.loginCode() + "\n").getBytes(StandardCharsets.UTF_8)),
              sink, sink, Map.of("TELEFETCH_HOME", home));
          int status = TelefetchCli.commandLine(io).execute(run.toArray(String[]::new));
          if (status != 0) {
            realErr.println("telefetch CDS training: " + String.join(" ", run) + " exited " + status);
            failed++;
          }
        }
      } finally {
        System.setOut(realOut);
      }
    } finally {
      cluster.destroy(); // SIGTERM: the launcher stops its servers
      if (!cluster.waitFor(20, TimeUnit.SECONDS)) {
        cluster.destroyForcibly();
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    System.exit(failed == 0 ? 0 : 1);
  }

  /** The testkit launcher in a child JVM (this jar, this JVM's java), writing its JSON to {@code config}. */
  private static Process startCluster(Path dir, Path config) throws IOException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "io.telefetch.testkit.launcher.Launcher", "--dcs", "2", "--links", "--seed", "2026",
        "--file", "small.bin:4MiB", "--config-out", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("launcher.log").toFile())
        .start();
  }

  /** Waits up to 60 s for the launcher's JSON (written atomically); fails with its log if it exits or never writes it. */
  private static LaunchConfig awaitConfig(Process cluster, Path config, Path dir) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(config)) {
      if (!cluster.isAlive() || System.nanoTime() > deadline) {
        String log = Files.exists(dir.resolve("launcher.log")) ? Files.readString(dir.resolve("launcher.log")) : "";
        throw new IllegalStateException("telefetch CDS training: the testkit launcher did not start ("
            + (cluster.isAlive() ? "no JSON after 60 s" : "exit " + cluster.exitValue()) + ")\n" + log);
      }
      Thread.sleep(50);
    }
    return LaunchConfig.read(config);
  }
}
