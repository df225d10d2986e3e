package io.telefetch.testkit.launcher;

import io.telefetch.mtproto.transport.MtProxySecret;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main class of {@code telefetch-testkit.jar}: starts a {@link DemoCluster} on free loopback
 * ports, writes its {@link LaunchConfig} JSON (to {@code --config-out} and stdout) and runs until
 * SIGTERM or SIGINT, then closes the cluster and exits with status 0.
 *
 * <pre>
 * java -jar testkit/target/telefetch-testkit.jar --dcs 3 --file demo.mp4:64MiB --config-out cluster.json
 * </pre>
 */
@Command(name = "telefetch-testkit", mixinStandardHelpOptions = true, version = "telefetch-testkit 0.1.0",
    sortOptions = false, usageHelpWidth = 100,
    description = {
        "Starts an in-process Telegram on loopback: DCs speaking real MTProto, a public channel @telefetch_demo with "
            + "one post per --file, a bot and t.me pages; writes a JSON description and runs until SIGTERM/SIGINT."})
public final class Launcher implements Callable<Integer> {
  @Option(names = "--dcs", paramLabel = "N", defaultValue = "3", description = "Main DCs, 1 to 5 (default: ${DEFAULT-VALUE}).")
  int dcs;

  @Option(names = "--file", paramLabel = "NAME:SIZE[:DC][:cdn]",
      description = {"A file to post, repeatable. SIZE: 12345, 300KiB, 64MiB, 1GiB (K/M/G are 1024-based, KB/MB/GB "
          + "1000-based). DC: where it is stored (default 2, or 1 with --dcs 1). cdn: served through the CDN DC.",
          "Default: demo.mp4:64MiB (a video on DC 2)."})
  List<String> files = new ArrayList<>();

  @Option(names = "--config-out", paramLabel = "FILE", description = "Where to write the JSON (atomically); it is also printed to stdout.")
  Path configOut;

  @Option(names = "--rate", paramLabel = "MBPS",
      description = "Per-connection server-to-client bandwidth cap in megabytes (10^6 bytes) per second, e.g. 12.5; default: none.")
  double rateMegabytes;

  @Option(names = "--accounts", split = ",", paramLabel = "NAME",
      description = "Also seed one bot per name for an account pool, listed with their tokens under \"accounts\" in "
          + "the JSON (telefetch --testkit CONFIG.json --accounts NAME,... logs each in).")
  List<String> accounts = new ArrayList<>();

  @Option(names = "--account-rate", paramLabel = "MBPS",
      description = "Per-account download cap in megabytes (10^6 bytes) per second over all its connections, as "
          + "Telegram throttles one account; default: none.")
  double accountRateMegabytes;

  @Option(names = "--latency", paramLabel = "MS", description = "Latency added before every answer, in milliseconds.")
  long latencyMillis;

  @Option(names = "--guest-access",
      description = "Serve clients that have not logged in: read-only channel calls and every upload.* method are "
          + "answered as a guest account (for foreign clients that only download).")
  boolean guestAccess;

  @Option(names = "--mtproxy-secret", paramLabel = "HEX",
      description = "Obfuscated clients must use this MTProxy secret (16 bytes hex, optionally prefixed with dd).")
  String mtproxySecret;

  @Option(names = "--media-dc", paramLabel = "DC", description = "Give DC a media-only option, repeatable.")
  List<Integer> mediaDcs = new ArrayList<>();

  @Option(names = "--cdn", description = "Add a CDN DC even if no --file is CDN-served.")
  boolean cdn;

  @Option(names = "--api-id", paramLabel = "ID", description = "The api_id logins must carry (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + DemoCluster.DEFAULT_API_ID)
  int apiId;

  @Option(names = "--api-hash", paramLabel = "HASH", description = "The api_hash logins must carry (default: a fixed one).")
  String apiHash = DemoCluster.DEFAULT_API_HASH;

  @Option(names = "--links",
      description = "Also seed one sample of every link kind (post, album, single, comment, topic, private post, story, "
          + "invite, username, link preview with a document, renamed username), listed with their SHA-256 under "
          + "\"links\" in the JSON.")
  boolean links;

  @Option(names = "--seed", paramLabel = "N", description = "The world seed: ids, access hashes and the bot token derive from it.")
  Long seed;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private final CountDownLatch stop = new CountDownLatch(1);

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    quietLoggingUnlessConfigured();
    int code = new CommandLine(new Launcher()).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    DemoCluster.Builder b = DemoCluster.builder();
    DemoCluster unstarted;
    try {
      b.dcs(dcs);
      for (String f : files) {
        b.file(FileSpec.parse(f));
      }
      if (rateMegabytes < 0 || latencyMillis < 0 || accountRateMegabytes < 0) {
        throw new IllegalArgumentException("--rate, --account-rate and --latency must not be negative");
      }
      b.accounts(accounts).accountRateBytesPerSecond((long) (accountRateMegabytes * 1_000_000));
      b.rateBytesPerSecond((long) (rateMegabytes * 1_000_000)).latency(Duration.ofMillis(latencyMillis));
      if (mtproxySecret != null) {
        b.mtProxySecret(MtProxySecret.parse(mtproxySecret));
      }
      mediaDcs.forEach(b::mediaDc);
      b.cdn(cdn).guestAccess(guestAccess).apiCredentials(apiId, apiHash).links(links);
      if (seed != null) {
        b.seed(seed);
      }
      unstarted = b.build();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    boolean signals = Signals.onTermination(stop::countDown);
    long t0 = System.nanoTime();
    DemoCluster demo = unstarted.start();
    Thread hook = new Thread(demo::close, "telefetch-testkit-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintStream err = System.err;
    String json = demo.config().toJson();
    if (configOut != null) {
      writeAtomically(configOut, json);
    }
    System.out.println(json);
    System.out.flush();
    long files = demo.config().channels().get(0).messages().stream().mapToLong(LaunchConfig.Message::size).sum();
    err.printf("telefetch-testkit: %d DCs, web %s, %d file(s) (%,d bytes, SHA-256 in %d ms), started in %d ms%s%n",
        dcs, demo.config().webBaseUrl(), demo.config().channels().get(0).messages().size(), files,
        demo.hashTime().toMillis(), (System.nanoTime() - t0) / 1_000_000,
        configOut == null ? "" : "; config in " + configOut.toAbsolutePath());
    err.println("telefetch-testkit: running until SIGTERM/SIGINT (Ctrl-C)");
    // Without our signal handlers (!signals) the JVM's default handling runs the shutdown hook,
    // which closes the cluster, and exits with 128 + signal (143 for SIGTERM).
    stop.await();
    demo.close();
    err.println("telefetch-testkit: stopped");
    return 0;
  }

  private static void writeAtomically(Path file, String json) throws IOException {
    Path target = file.toAbsolutePath();
    if (target.getParent() != null) {
      Files.createDirectories(target.getParent());
    }
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8);
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * The runnable jar carries no SLF4J provider: select the no-op one explicitly so SLF4J does not
   * warn on stderr. With logback on the class path (tests), logging stays as configured.
   */
  private static void quietLoggingUnlessConfigured() {
    if (System.getProperty("slf4j.provider") != null) {
      return;
    }
    try {
      Class.forName("ch.qos.logback.classic.spi.LogbackServiceProvider", false, Launcher.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
      System.setProperty("slf4j.internal.verbosity", "WARN");
    }
  }

  /** SIGTERM / SIGINT handling through {@code sun.misc.Signal}, so that the launcher can exit with status 0. */
  static final class Signals {
    private Signals() {}

    /**
     * Runs {@code action} on SIGTERM or SIGINT instead of the JVM's default (shutdown hooks, then
     * exit status 143 / 130). Returns false if the handlers could not be installed.
     */
    @SuppressWarnings("restriction")
    static boolean onTermination(Runnable action) {
      try {
        for (String name : List.of("TERM", "INT")) {
          sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
        }
        return true;
      } catch (Throwable e) { // not on this JVM or OS
        return false;
      }
    }
  }
}
