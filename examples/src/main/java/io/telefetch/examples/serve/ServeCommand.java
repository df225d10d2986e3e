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
 *
 * <p>With {@code --accounts a,b,c} the gateway serves through an account pool ({@link PoolNode}):
 * logged-in accounts of the config directory, or with {@code --testkit} one testkit bot per name.
 * With {@code --redis redis://...} it joins a group of nodes: it serves the accounts whose leases it
 * holds, takes over a dead node's after the lease TTL, and shares flood waits, the link cache and
 * (with {@code --redis-sessions}, the key in {@code $TELEFETCH_SESSION_KEY}) the sessions.
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

  @Option(names = "--accounts", split = ",", paramLabel = "NAME", description = "serve through an account pool of "
      + "these accounts (logged in with `telefetch login`; with --testkit: one testkit bot each)")
  List<String> accounts = new java.util.ArrayList<>();

  @Option(names = "--standby", split = ",", paramLabel = "NAME", description = "with --redis: accounts of "
      + "--accounts that other nodes serve; taken over only when still free a lease TTL after this node started")
  List<String> standby = new java.util.ArrayList<>();

  @Option(names = "--redis", paramLabel = "URI", description = "join the group of nodes sharing this Redis "
      + "(redis://host:port; default: $TELEFETCH_REDIS): account leases, flood waits, the link cache")
  @Nullable String redis;

  @Option(names = "--redis-prefix", paramLabel = "PREFIX", defaultValue = "telefetch:",
      description = "the group's Redis key prefix (default ${DEFAULT-VALUE})")
  String redisPrefix = "telefetch:";

  @Option(names = "--node", paramLabel = "ID", description = "this node's id in the group (default: host name and "
      + "process id)")
  @Nullable String node;

  @Option(names = "--lease-ttl", paramLabel = "SECONDS", defaultValue = "30", description = "an account lease's "
      + "time to live: a dead node's accounts are taken over after it (default ${DEFAULT-VALUE})")
  double leaseTtlSeconds = 30;

  @Option(names = "--redis-sessions", description = "keep the accounts' sessions in Redis, encrypted with the key "
      + "in $TELEFETCH_SESSION_KEY (32 bytes, base64); a session file is copied in on first use")
  boolean redisSessions;

  /** The environment (tests replace it). */
  java.util.Map<String, String> env = System.getenv();

  final CountDownLatch stop = new CountDownLatch(1);
  volatile @Nullable Gateway gateway;
  volatile @Nullable PoolNode poolNode;

  @Override
  public Integer call() throws InterruptedException {
    ServeOptions options;
    try {
      String t = token != null ? token : env.get("TELEFETCH_SERVE_TOKEN");
      options = ServeOptions.builder().bind(bind).port(port).token(t)
          .allow(allow == null ? java.util.Set.of() : new HashSet<>(allow))
          .rateLimit(rate, Math.max(1, rate / 2)).streamsPerClient(streams)
          .transform(new FfmpegTransform(ffmpeg)).build();
    } catch (IllegalArgumentException e) {
      err.println("telefetch serve: " + e.getMessage());
      return 2;
    }
    GatewayMetrics metrics = new GatewayMetrics();
    String redisUri = redis != null ? redis : env.get("TELEFETCH_REDIS");
    if (!accounts.isEmpty() || redisUri != null) {
      return servePool(options, metrics, redisUri);
    }
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
      io.telefetch.examples.cli.CliIo cliIo = io.telefetch.examples.cli.CliIo.of(System.in, out, err, env);
      try (io.telefetch.examples.cli.AccountClient logged = accountOptions.openLoggedIn(cliIo)) {
        return run(GatewayUpstream.of(logged.client()), options, metrics, null, null);
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
      return run(GatewayUpstream.of(client), options, metrics, demo, cfg);
    } finally {
      if (demo != null) {
        demo.close();
      }
    }
  }

  /**
   * Serves through a {@link PoolNode} of {@code --accounts} (or {@code --account} alone), in a group
   * when {@code redisUri} is set.
   */
  private int servePool(ServeOptions options, GatewayMetrics metrics, @Nullable String redisUri)
      throws InterruptedException {
    List<String> names = accounts.isEmpty() ? List.of(account) : List.copyOf(new java.util.LinkedHashSet<>(accounts));
    io.telefetch.examples.cli.CliIo cliIo = io.telefetch.examples.cli.CliIo.of(System.in, out, err, env);
    io.telefetch.redis.SessionKey key = null;
    PoolNode.Builder b;
    DemoCluster demo = null;
    LaunchConfig cfg = null;
    try {
      for (String n : names) {
        io.telefetch.examples.cli.TelefetchHome.checkAccount(n);
      }
      if (!standby.isEmpty() && redisUri == null) {
        throw new IllegalArgumentException("--standby needs --redis");
      }
      if (redisSessions) {
        if (redisUri == null) {
          throw new IllegalArgumentException("--redis-sessions needs --redis");
        }
        key = io.telefetch.redis.SessionKey.fromEnvironment(env::get);
      }
      if (testkit == null) {
        io.telefetch.examples.cli.AccountOptions accountOptions = new io.telefetch.examples.cli.AccountOptions();
        List<String> args = new java.util.ArrayList<>();
        if (apiId != null) {
          args.addAll(List.of("--api-id", apiId.toString()));
        }
        if (apiHash != null) {
          args.addAll(List.of("--api-hash", apiHash));
        }
        new picocli.CommandLine(accountOptions).parseArgs(args.toArray(String[]::new));
        b = PoolNode.builder((name, store) -> accountOptions.openPoolAccount(cliIo, name, store).client());
      } else {
        if (testkit.isEmpty()) {
          if (redisUri != null) {
            throw new IllegalArgumentException("--redis joins nodes of one Telegram: an embedded testkit is its own; "
                + "use --testkit CONFIG.json");
          }
          demo = DemoCluster.builder().dcs(2).file(FileSpec.defaultVideo()).links(true).accounts(names).build().start();
          cfg = demo.config();
        } else {
          cfg = LaunchConfig.read(Path.of(testkit));
        }
        LaunchConfig config = cfg;
        b = PoolNode.builder((name, store) -> openTestkit(config, name, store, metrics));
      }
      b.accounts(names).standby(standby).redis(redisUri).prefix(redisPrefix).sessionKey(key).metrics(metrics)
          .leaseTtl(java.time.Duration.ofMillis((long) (leaseTtlSeconds * 1000)));
      if (node != null) {
        b.node(node);
      }
    } catch (IOException | RuntimeException e) {
      if (demo != null) {
        demo.close();
      }
      err.println("telefetch serve: " + e.getMessage());
      return 2;
    }
    PoolNode pool;
    try {
      pool = b.start();
    } catch (Exception e) {
      if (demo != null) {
        demo.close();
      }
      return io.telefetch.examples.cli.CliErrors.report(err, "serve", e, false);
    }
    poolNode = pool;
    Thread hook = new Thread(pool::close, "telefetch-serve-shutdown"); // SIGTERM: hand the accounts over at once
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      GatewayUpstream.Accounts state = pool.accounts();
      StringBuilder line = new StringBuilder("telefetch serve: ");
      line.append(state.node() == null ? "accounts" : "node " + state.node() + " on Redis (" + state.redis() + "):");
      state.accounts().forEach(a -> line.append(' ').append(a.name()).append('=').append(a.state()));
      out.println(line);
      return run(pool, options, metrics, demo, cfg);
    } finally {
      pool.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs
      }
      if (demo != null) {
        demo.close();
      }
    }
  }

  /**
   * A testkit account's client: the config's bot of that name (else the launcher's bot) logged in,
   * unless {@code store} (Redis) already holds its login.
   */
  private static TelegramClient openTestkit(LaunchConfig cfg, String name, io.telefetch.mtproto.client.@Nullable
      SessionStore store, GatewayMetrics metrics) throws Exception {
    io.telefetch.mtproto.client.ClientOptions.Builder b = cfg.clientOptions().callTimeout(Duration.ofSeconds(60))
        .eventListener(metrics.eventListener());
    if (store != null) {
      b.sessionStore(store);
    }
    TelegramClient client = b.build();
    try {
      if (client.isLoggedIn()) {
        client.self().get(60, TimeUnit.SECONDS);
      } else {
        String token = cfg.account(name).map(LaunchConfig.Account::botToken).orElse(cfg.botToken());
        client.login(Login.botToken(token)).get(60, TimeUnit.SECONDS);
      }
      return client;
    } catch (Exception e) {
      client.close();
      throw e;
    }
  }

  /** Runs the gateway on {@code upstream} until {@link #stop}; prints the demo's links when there is one. */
  private int run(GatewayUpstream upstream, ServeOptions options, GatewayMetrics metrics, @Nullable DemoCluster demo,
      @Nullable LaunchConfig cfg) throws InterruptedException {
    try (Gateway g = Gateway.start(upstream, options, metrics)) {
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
