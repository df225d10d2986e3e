package io.telefetch.examples.cli;

import io.telefetch.examples.TelefetchCli;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run for the {@code telefetch} launcher's class-data-sharing archive: the build runs
 * {@code java -XX:ArchiveClassesAtExit=target/telefetch.jsa -cp target/telefetch.jar} with this main
 * class, so the classes a real run loads (picocli, the client: key exchange, login, link resolving,
 * the parallel download with verification, Jackson for the JSON output, logback) are in the archive.
 * It starts an in-process testkit cluster on loopback (no internet), writes its JSON to a temporary
 * directory and runs, in this JVM, {@code --version}, {@code login} (the demo user, code from
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
    try (DemoCluster demo = DemoCluster.builder().dcs(2).links(true).seed(2026)
        .file(FileSpec.parse("small.bin:4MiB")).build().start()) {
      LaunchConfig cfg = demo.config();
      Path config = dir.resolve("cluster.json");
      Files.writeString(config, cfg.toJson());
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
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    System.exit(failed == 0 ? 0 : 1);
  }
}
