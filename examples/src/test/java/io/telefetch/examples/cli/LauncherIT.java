package io.telefetch.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script ({@code examples/target/telefetch}, built by {@code package} with the shaded jar
 * and the class-data-sharing archive next to it) run the way a person runs it: through a symlink,
 * against a launcher cluster. Run by failsafe after the package phase; the archive tests are
 * skipped, saying so, when the build skipped the archive ({@code -Dcds.skip}).
 */
class LauncherIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path TARGET = Path.of("target").toAbsolutePath();
  private static final Pattern MAX_HEAP = Pattern.compile("size_t MaxHeapSize\\s+=\\s+(\\d+)");
  private static final Pattern FULL_TIERS = Pattern.compile("intx TieredStopAtLevel\\s+=\\s+4\\s");
  private static final Pattern SERIAL_GC = Pattern.compile("bool UseSerialGC\\s+=\\s+true");
  private static CliFixture fx;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    assertThat(TARGET.resolve("telefetch")).as("the launcher is built by package").isExecutable();
    assertThat(TARGET.resolve("telefetch.jar")).exists();
    fx = new CliFixture(tmp, FileSpec.parse("small.bin:3MiB"));
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  private record Result(int status, String out, String err) {}

  /** Runs {@code launcher} with {@code env} added to this process's environment (JAVA_HOME: this JVM's). */
  private static Result run(Path launcher, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> e = pb.environment();
    e.put("JAVA_HOME", System.getProperty("java.home"));
    e.put("TELEFETCH_HOME", tmp.resolve("home").toString());
    e.remove("TELEFETCH_JAVA_OPTS");
    e.remove("TELEFETCH_HEAP");
    e.remove("TELEFETCH_CDS");
    e.remove("TELEFETCH_API_ID");
    e.remove("TELEFETCH_API_HASH");
    e.putAll(env);
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(launcher + " " + String.join(" ", args) + " did not finish");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static Result run(Map<String, String> env, String... args) throws Exception {
    return run(TARGET.resolve("telefetch"), env, args);
  }

  private static boolean archiveBuilt() {
    return Files.exists(TARGET.resolve("telefetch.jsa")) && Files.exists(TARGET.resolve("telefetch.jsa.size"));
  }

  /**
   * A copy of the launcher and the archive in {@code dir} with the jar: copied (its path differs
   * from the training's: the archive does not fit), or a symlink to the built one (the JVM follows
   * it: the archive fits).
   */
  private static Path copyInstall(Path dir, boolean linkJar) throws IOException {
    Files.createDirectories(dir);
    for (String f : List.of("telefetch", "telefetch.jsa", "telefetch.jsa.size")) {
      Files.copy(TARGET.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }
    if (linkJar) {
      Files.createSymbolicLink(dir.resolve("telefetch.jar"), TARGET.resolve("telefetch.jar"));
    } else {
      Files.copy(TARGET.resolve("telefetch.jar"), dir.resolve("telefetch.jar"), StandardCopyOption.COPY_ATTRIBUTES);
    }
    dir.resolve("telefetch.jsa").toFile().setWritable(true);
    return dir.resolve("telefetch");
  }

  @Test
  void versionThroughASymlinkToTheLauncher() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path link = Files.createSymbolicLink(bin.resolve("telefetch"), TARGET.resolve("telefetch"));
    Result r;
    try {
      r = run(link, Map.of(), "--version");
    } finally {
      Files.delete(link); // JUnit warns about a link leaving its temporary directory
    }
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.out().strip()).isEqualTo("telefetch 0.1.0");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void downloadsAFileWhoseSha256Matches() throws Exception {
    LaunchConfig.Link single = fx.cfg.link("single").orElseThrow();
    Path dir = tmp.resolve("download");
    Result r = run(Map.of(), "download", "--testkit", fx.config.toString(), "--json", "-o", dir.toString(),
        single.link());
    assertThat(r.status()).as(r.toString()).isZero();
    JsonNode done = r.out().lines().map(LauncherIT::json).filter(e -> e.get("event").asText().equals("done"))
        .findFirst().orElseThrow(() -> new AssertionError(r.toString()));
    Path file = Path.of(done.get("path").asText());
    assertThat(DownloadCommand.sha256(file)).isEqualTo(single.media().get(0).sha256());

    // fetch, the benchmark's command: its own JSON says the hash matched the cluster's
    Result fetch = run(Map.of(), "fetch", "--config", fx.config.toString(), "--file", "small.bin");
    assertThat(fetch.status()).as(fetch.toString()).isZero();
    JsonNode result = json(fetch.out().strip());
    assertThat(result.get("ok").asBoolean()).isTrue();
    assertThat(result.get("sha256").asText()).isEqualTo(result.get("expected_sha256").asText()).hasSize(64);
  }

  @Test
  void theJvmLoadsTheToolFromTheArchiveAndNoXmlParser() throws Exception {
    assumeTrue(archiveBuilt(), "target/telefetch.jsa is absent (built with -Dcds.skip): nothing to check");
    Path log = tmp.resolve("class-load.txt");
    Result r = run(Map.of("TELEFETCH_JAVA_OPTS", "-Xlog:class+load:file=" + log), "fetch", "--config",
        fx.config.toString(), "--file", "small.bin");
    assertThat(r.status()).as(r.toString()).isZero();
    List<String> loads = Files.readAllLines(log);
    assertThat(loads).anyMatch(l -> l.contains(" io.telefetch.examples.TelefetchCli source: shared objects file (top)"));
    assertThat(loads).anyMatch(l -> l.contains(" io.telefetch.media.MediaFetcher source: shared objects file (top)"));
    // logging is configured in code (CliLogging): neither Joran nor the JDK's XML parser loads
    assertThat(loads).noneMatch(l -> l.contains("com.sun.org.apache.xerces"))
        .noneMatch(l -> l.contains("ch.qos.logback.classic.joran.JoranConfigurator"))
        .anyMatch(l -> l.contains(" io.telefetch.examples.cli.CliLogging "));
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aMovedInstallRunsWithoutTheArchiveAndSaysNothing() throws Exception {
    assumeTrue(archiveBuilt(), "target/telefetch.jsa is absent (built with -Dcds.skip): nothing to check");
    Path launcher = copyInstall(tmp.resolve("moved"), false);
    Path log = tmp.resolve("moved-class-load.txt");
    Result r = run(launcher, Map.of("TELEFETCH_JAVA_OPTS", "-Xlog:class+load:file=" + log), "--version");
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.out().strip()).isEqualTo("telefetch 0.1.0");
    assertThat(r.err()).isEmpty();
    List<String> loads = Files.readAllLines(log);
    assertThat(loads).anyMatch(l -> l.contains(" io.telefetch.examples.TelefetchCli source: file:"))
        .noneMatch(l -> l.contains("shared objects file (top)"));
  }

  @Test
  void aDamagedArchiveIsIgnoredSilently() throws Exception {
    assumeTrue(archiveBuilt(), "target/telefetch.jsa is absent (built with -Dcds.skip): nothing to check");
    Path launcher = copyInstall(tmp.resolve("damaged"), true);
    Path jsa = launcher.resolveSibling("telefetch.jsa");
    byte[] archive = Files.readAllBytes(TARGET.resolve("telefetch.jsa"));
    Path log = tmp.resolve("damaged-class-load.txt");
    Map<String, String> logLoads = Map.of("TELEFETCH_JAVA_OPTS", "-Xlog:class+load:file=" + log);
    // intact, the archive fits this install (the jar is the built one through a symlink)
    Result intact = run(launcher, logLoads, "--version");
    assertThat(intact.status()).as(intact.toString()).isZero();
    assertThat(Files.readAllLines(log)).anyMatch(l -> l.contains("shared objects file (top)"));

    // the same size, 64 KiB in the middle overwritten (JDK 17 without checksums crashes on it)
    byte[] overwritten = archive.clone();
    for (int i = 0; i < 65536; i++) {
      overwritten[archive.length / 3 + i] = (byte) (i * 31 + 7);
    }
    Files.write(jsa, overwritten);
    Result r = run(launcher, logLoads, "--version");
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(r.out().strip()).isEqualTo("telefetch 0.1.0");
    assertThat(r.err()).isEmpty();
    assertThat(Files.readAllLines(log)).noneMatch(l -> l.contains("shared objects file (top)"));

    // truncated (JDK 17 maps it without checking its length: SIGBUS): the launcher leaves it out
    Files.write(jsa, java.util.Arrays.copyOf(archive, archive.length / 2));
    Result truncated = run(launcher, logLoads, "--version");
    assertThat(truncated.status()).as(truncated.toString()).isZero();
    assertThat(truncated.err()).isEmpty();
    assertThat(Files.readAllLines(log)).noneMatch(l -> l.contains("shared objects file (top)"));

    // not an archive at all
    Files.writeString(jsa, "not a class-data-sharing archive\n");
    Files.writeString(launcher.resolveSibling("telefetch.jsa.size"), Files.size(jsa) + "\n");
    Result garbage = run(launcher, Map.of(), "--version");
    assertThat(garbage.status()).as(garbage.toString()).isZero();
    assertThat(garbage.err()).isEmpty();
    Files.delete(launcher.resolveSibling("telefetch.jar")); // the link (JUnit warns about links out of its directory)
  }

  @Test
  void heapAndGcDefaultsAndTheirOverrides() throws Exception {
    assertThat(flags(Map.of(), "--version")).isEqualTo(32L << 20);
    assertThat(flags(Map.of(), "download", "--help")).isEqualTo(32L << 20);
    assertThat(flags(Map.of(), "serve", "--help")).isEqualTo(256L << 20);
    assertThat(flags(Map.of(), "demo", "--help")).isEqualTo(256L << 20);
    assertThat(flags(Map.of("TELEFETCH_HEAP", "96m"), "--version")).isEqualTo(96L << 20);
    assertThat(flags(Map.of("TELEFETCH_HEAP", "96m"), "serve", "--help")).isEqualTo(96L << 20);
    // TELEFETCH_JAVA_OPTS comes last: its -Xmx wins over the default and over TELEFETCH_HEAP
    assertThat(flags(Map.of("TELEFETCH_HEAP", "96m", "TELEFETCH_JAVA_OPTS", "-Xmx1g -XX:+PrintFlagsFinal"), "--version"))
        .isEqualTo(1L << 30);
  }

  @Test
  void theCommandLineItExecs() throws Exception {
    // the launcher with a java that writes down its arguments and MALLOC_ARENA_MAX (JAVA_HOME points at it)
    Path dir = Files.createDirectories(tmp.resolve("recorded"));
    Files.copy(TARGET.resolve("telefetch"), dir.resolve("telefetch"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.writeString(dir.resolve("telefetch.jar"), "");
    Files.writeString(dir.resolve("telefetch.jsa"), "12345");
    Files.writeString(dir.resolve("telefetch.jsa.size"), "5\n");
    Path javaHome = Files.createDirectories(tmp.resolve("fake-jdk/bin")).getParent();
    Path record = tmp.resolve("recorded.txt");
    Path java = javaHome.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\n{ echo \"MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\"; for a in \"$@\"; do echo \"$a\"; done; } > '"
        + record + "'\n");
    assertThat(java.toFile().setExecutable(true)).isTrue();
    Path launcher = dir.resolve("telefetch");
    String d = dir.toRealPath().toString();

    Result r = run(launcher, Map.of("JAVA_HOME", javaHome.toString(), "TELEFETCH_JAVA_OPTS", "-Xmx1g  -Dx=a*b"),
        "download", "-o", "my dir", "https://t.me/c/1");
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(Files.readAllLines(record)).containsExactly("MALLOC_ARENA_MAX=2", "-XX:+UseSerialGC", "-Xmx32m",
        "-XX:Tier4InvocationThreshold=40000", "-XX:Tier4MinInvocationThreshold=20000", "-XX:Tier4CompileThreshold=50000", "-XX:SharedArchiveFile=" + d + "/telefetch.jsa", "-Xshare:auto", "-XX:+VerifySharedSpaces", "-Xlog:cds=off",
        "-Xlog:cds+dynamic=off", "-Xmx1g", "-Dx=a*b", "-jar", d + "/telefetch.jar", "download", "-o", "my dir",
        "https://t.me/c/1");

    // MALLOC_ARENA_MAX kept when set; no archive with TELEFETCH_CDS=off; serve's heap
    r = run(launcher, Map.of("JAVA_HOME", javaHome.toString(), "MALLOC_ARENA_MAX", "4", "TELEFETCH_CDS", "off"),
        "serve", "--port", "0");
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(Files.readAllLines(record)).containsExactly("MALLOC_ARENA_MAX=4", "-XX:+UseSerialGC", "-Xmx256m",
        "-XX:Tier4InvocationThreshold=40000", "-XX:Tier4MinInvocationThreshold=20000", "-XX:Tier4CompileThreshold=50000", "-jar", d + "/telefetch.jar", "serve", "--port", "0");

    // an archive of another length than the build wrote down (truncated): left out
    Files.writeString(dir.resolve("telefetch.jsa"), "123");
    r = run(launcher, Map.of("JAVA_HOME", javaHome.toString()), "--version");
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(Files.readAllLines(record)).containsExactly("MALLOC_ARENA_MAX=2", "-XX:+UseSerialGC", "-Xmx32m",
        "-XX:Tier4InvocationThreshold=40000", "-XX:Tier4MinInvocationThreshold=20000", "-XX:Tier4CompileThreshold=50000", "-jar", d + "/telefetch.jar", "--version");
  }

  /** The JVM's MaxHeapSize with -XX:+PrintFlagsFinal (after asserting SerialGC), running {@code args}. */
  private static long flags(Map<String, String> env, String... args) throws Exception {
    Map<String, String> e = new HashMap<>(env);
    e.merge("TELEFETCH_JAVA_OPTS", "-XX:+PrintFlagsFinal", (a, b) -> a.contains(b) ? a : a + " " + b);
    Result r = run(e, args);
    assertThat(r.status()).as(r.toString()).isZero();
    assertThat(SERIAL_GC.matcher(r.out()).find()).as(r.out()).isTrue();
    // all tiers, C2 included (C1 has no AES intrinsics)
    assertThat(FULL_TIERS.matcher(r.out()).find()).as(r.out()).isTrue();
    Matcher m = MAX_HEAP.matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
