package io.telefetch.examples.serve;

import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telefetch serve [--port N] [--bind ADDR] [--token T] [--allow CH,...] [--account NAME | --testkit
 * [CONFIG.json]]}: runs the {@link Gateway} on the account logged in with {@code telefetch login} (or on
 * a testkit cluster) until interrupted. Exit status 2 on a usage error (a non-loopback bind
 * without a token, an unreadable config), 1 when login or binding fails.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "An HTTP gateway from t.me links to streams: /v1/info, /v1/media (Range), a web page at /, /metrics.")
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--testkit", arity = "0..1", fallbackValue = "", paramLabel = "CONFIG.json",
      description = "the testkit launcher's JSON; alone: start an embedded test cluster")
  @Nullable String testkit;

  @Option(names = "--account", paramLabel = "NAME", defaultValue = "default",
      description = "the account logged in with `telefetch login` (default ${DEFAULT-VALUE}); not with --testkit")
  String account = "default";

  @Option(names = "--api-id", paramLabel = "ID", description = "api_id (default: $TELEFETCH_API_ID or the config file)")
  @Nullable Integer apiId;

  @Option(names = "--api-hash", paramLabel = "HASH", description = "api_hash (default: $TELEFETCH_API_HASH or the config file)")
  @Nullable String apiHash;

  @Option(names = "--port", defaultValue = "8080", description = "port (default ${DEFAULT-VALUE}; 0: any)")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address (default ${DEFAULT-VALUE}); "
      + "anything else needs --token")
  String bind;

  @Option(names = "--token", description = "bearer token clients must send (default: $TELEFETCH_SERVE_TOKEN)")
  @Nullable String token;

  @Option(names = "--allow", split = ",", paramLabel = "CHANNEL", description = "serve only these channels")
  @Nullable List<String> allow;

  @Option(names = "--rate", defaultValue = "120", description = "requests per minute per client (default ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--streams", defaultValue = "8", description = "concurrent streams per client (default ${DEFAULT-VALUE})")
  int streams;

  PrintStream out = System.out;
  PrintStream err = System.err;
  /** Counted down to stop a running command (tests); otherwise it runs until the JVM stops. */
  @Option(names = "--ffmpeg", paramLabel = "PATH", description = "the ffmpeg executable for &remux= (default: "
      + "$TELEFETCH_FFMPEG, else the bundled build for Linux x86-64)")
  java.nio.file.@Nullable Path ffmpeg;

  final CountDownLatch stop = new CountDownLatch(1);
  volatile @Nullable Gateway gateway;

  @Override
  public Integer call() throws InterruptedException {
    ServeOptions options;
    try {
      String t = token != null ? token : System.getenv("TELEFETCH_SERVE_TOKEN");
      options = ServeOptions.builder().bind(bind).port(port).token(t)
          .allow(allow == null ? java.util.Set.of() : new HashSet<>(allow))
          .rateLimit(rate, Math.max(1, rate / 2)).streamsPerClient(streams)
          .transform(new FfmpegTransform(ffmpeg)).build();
    } catch (IllegalArgumentException e) {
      err.println("telefetch serve: " + e.getMessage());
      return 2;
    }
    GatewayMetrics metrics = new GatewayMetrics();
    if (testkit == null) { // a real account, logged in with `telefetch login`
      io.telefetch.examples.cli.AccountOptions accountOptions = new io.telefetch.examples.cli.AccountOptions();
      List<String> args = new java.util.ArrayList<>(List.of("--account", account));
      if (apiId != null) {
        args.addAll(List.of("--api-id", apiId.toString()));
      }
      if (apiHash != null) {
        args.addAll(List.of("--api-hash", apiHash));
      }
      new picocli.CommandLine(accountOptions).parseArgs(args.toArray(String[]::new));
      io.telefetch.examples.cli.CliIo cliIo = io.telefetch.examples.cli.CliIo.of(System.in, out, err, System.getenv());
      try (io.telefetch.examples.cli.AccountClient logged = accountOptions.openLoggedIn(cliIo)) {
        return run(logged.client(), options, metrics, null, null);
      } catch (Exception e) {
        return io.telefetch.examples.cli.CliErrors.report(err, "serve", e, false);
      }
    }
    DemoCluster demo = null;
    LaunchConfig cfg;
    try {
      if (testkit.isEmpty()) {
        demo = DemoCluster.builder().dcs(2).file(FileSpec.defaultVideo()).links(true).build().start();
        cfg = demo.config();
      } else {
        cfg = LaunchConfig.read(Path.of(testkit));
      }
    } catch (IOException | RuntimeException e) {
      err.println("telefetch serve: " + e.getMessage());
      return 2;
    }
    try (TelegramClient client = cfg.clientOptions().callTimeout(Duration.ofSeconds(60))
        .eventListener(metrics.eventListener()).build()) {
      try {
        client.login(Login.botToken(cfg.botToken())).get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        err.println("telefetch serve: login failed: " + e.getMessage());
        return 1;
      }
      return run(client, options, metrics, demo, cfg);
    } finally {
      if (demo != null) {
        demo.close();
      }
    }
  }

  /** Runs the gateway on {@code client} until {@link #stop}; prints the demo's links when there is one. */
  private int run(TelegramClient client, ServeOptions options, GatewayMetrics metrics, @Nullable DemoCluster demo,
      @Nullable LaunchConfig cfg) throws InterruptedException {
    try (Gateway g = Gateway.start(client, options, metrics)) {
      gateway = g;
      out.println("telefetch serve: listening on http://" + g.address().getHostString() + ":" + g.port() + "/");
      if (demo != null && cfg != null) {
        cfg.link("post").ifPresent(l -> out.println("telefetch serve: try " + l.link()));
        demo.config().channels().forEach(c -> c.messages().forEach(m -> out.println("telefetch serve: try https://t.me/"
            + c.username() + "/" + m.id())));
      }
      out.flush();
      stop.await();
    } catch (GatewayException e) {
      err.println("telefetch serve: " + e.getMessage());
      return 1;
    }
    return 0;
  }
}
