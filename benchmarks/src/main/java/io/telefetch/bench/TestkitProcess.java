package io.telefetch.bench;

import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The testkit launcher ({@code telefetch-testkit.jar}) in its own process, so that the download
 * benchmark's process CPU time is the client's alone. Started with {@link #start}, described by the
 * JSON it writes, stopped with {@link #close} (SIGTERM, then a kill after a grace period); a
 * shutdown hook stops it too if the benchmark dies first.
 */
final class TestkitProcess implements AutoCloseable {
  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Process process;
  private final Path dir;
  private final Path log;
  private final LaunchConfig config;
  private final Thread hook;
  private final double startupSeconds;

  private TestkitProcess(Process process, Path dir, Path log, LaunchConfig config, Thread hook, double startupSeconds) {
    this.process = process;
    this.dir = dir;
    this.log = log;
    this.config = config;
    this.hook = hook;
    this.startupSeconds = startupSeconds;
  }

  /**
   * Starts the launcher with {@code args} (a {@code --config-out} is added) and waits for its JSON.
   *
   * @param jar the launcher jar
   * @param jvmArgs options for the launcher's JVM (may be empty)
   */
  static TestkitProcess start(Path jar, List<String> jvmArgs, List<String> args) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("telefetch-bench");
    Path json = dir.resolve("cluster.json");
    Path log = dir.resolve("launcher.log");
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    command.add("--config-out");
    command.add(json.toString());
    long t0 = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    Thread hook = new Thread(() -> {
      stop(process);
      deleteQuietly(dir, json, log);
    }, "testkit-launcher-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      long deadline = t0 + STARTUP_TIMEOUT.toNanos();
      while (!Files.exists(json)) {
        if (!process.isAlive()) {
          throw new IOException("the testkit launcher exited with status " + process.exitValue()
              + " before writing its JSON; its output:\n" + tail(log));
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("the testkit launcher wrote no JSON within " + STARTUP_TIMEOUT.toSeconds()
              + " s; its output:\n" + tail(log));
        }
        Thread.sleep(50);
      }
      LaunchConfig config = LaunchConfig.read(json); // written atomically (temporary file + rename)
      return new TestkitProcess(process, dir, log, config, hook, (System.nanoTime() - t0) / 1e9);
    } catch (IOException | InterruptedException | RuntimeException e) {
      stop(process);
      removeHook(hook);
      deleteQuietly(dir, json, log);
      throw e;
    }
  }

  LaunchConfig config() {
    return config;
  }

  long pid() {
    return process.pid();
  }

  double startupSeconds() {
    return startupSeconds;
  }

  /** The launcher's CPU time so far (user + system, from the OS), if the platform reports it. */
  Optional<Duration> cpuTime() {
    return process.toHandle().info().totalCpuDuration();
  }

  /** Stops the launcher: SIGTERM, wait, kill after a grace period; idempotent. */
  @Override
  public void close() {
    int status = stop(process);
    removeHook(hook);
    if (status != 0 && status != 143) {
      System.err.println("[bench] the testkit launcher exited with status " + status + "; its output:\n" + tail(log));
    }
    deleteQuietly(dir, dir.resolve("cluster.json"), log);
  }

  private static int stop(Process process) {
    if (process.isAlive()) {
      process.destroy(); // SIGTERM: the launcher closes its cluster and exits 0
      try {
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    return process.isAlive() ? -1 : process.exitValue();
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down: the hook runs (or ran) anyway
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no output: " + e + ")";
    }
  }

  private static void deleteQuietly(Path dir, Path... files) {
    try {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir.resolve("cluster.json.tmp"));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
