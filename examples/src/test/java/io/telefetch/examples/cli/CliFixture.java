package io.telefetch.examples.cli;

import io.telefetch.examples.TelefetchCli;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A launcher cluster for the CLI tests and a way to run {@code telefetch} in process with captured streams. */
final class CliFixture implements AutoCloseable {
  final DemoCluster demo;
  final LaunchConfig cfg;
  final Path config;

  CliFixture(Path dir, FileSpec... files) throws Exception {
    DemoCluster.Builder b = DemoCluster.builder().dcs(2).links(true);
    for (FileSpec f : files) {
      b.file(f);
    }
    demo = b.build().start();
    cfg = demo.config();
    config = dir.resolve("cluster.json");
    Files.writeString(config, cfg.toJson());
  }

  record Run(int status, String out, String err) {
    List<String> outLines() {
      return out.isBlank() ? List.of() : out.strip().lines().toList();
    }

    List<String> errLines() {
      return err.isBlank() ? List.of() : err.strip().lines().toList();
    }

    @Override
    public String toString() {
      return "exit " + status + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  static Run run(Path home, String stdin, String... args) {
    return run(home, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
  }

  static Run run(Path home, InputStream stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    return run(home, stdin, out, err, args);
  }

  static Run run(Path home, InputStream stdin, ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
    CliIo io = CliIo.of(stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("TELEFETCH_HOME", home.toString()));
    int status = TelefetchCli.commandLine(io).execute(args);
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  String link(String kind) {
    return cfg.link(kind).orElseThrow().link();
  }

  @Override
  public void close() {
    demo.close();
  }
}
