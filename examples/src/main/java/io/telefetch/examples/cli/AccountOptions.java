package io.telefetch.examples.cli;

import io.telefetch.mtproto.client.ClientOptions;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.SessionData;
import io.telefetch.mtproto.client.SessionStore;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Stack;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options every account command takes (a picocli mixin): {@code --account NAME}, {@code
 * --api-id}/{@code --api-hash}, {@code --testkit [CONFIG.json]} and {@code --debug}, with the
 * methods that turn them into a client: {@link #openLoggedIn} (what {@code download}, {@code
 * info}, {@code serve} and the account pool call) and {@link #openForLogin}.
 *
 * <p>Where the client goes: Telegram's production DCs; with {@code --testkit CONFIG.json} the
 * launcher cluster that file describes (its DCs, RSA key and api credentials); with {@code
 * --testkit} alone an embedded {@link DemoCluster} started for this command, with the demo content
 * and its demo user already logged in (in memory).
 */
public final class AccountOptions {
  /** Environment variable of the api_id. */
  public static final String ENV_API_ID = "TELEFETCH_API_ID";
  /** Environment variable of the api_hash. */
  public static final String ENV_API_HASH = "TELEFETCH_API_HASH";
  /** The {@code --testkit} value meaning "start an embedded cluster". */
  static final String EMBEDDED = "";

  @Option(names = "--account", paramLabel = "NAME", defaultValue = TelefetchHome.DEFAULT_ACCOUNT,
      description = "the named account (default: ${DEFAULT-VALUE})")
  String account = TelefetchHome.DEFAULT_ACCOUNT;

  @Option(names = "--api-id", paramLabel = "ID",
      description = "your app's api_id from https://my.telegram.org (else $" + ENV_API_ID + " or config.properties)")
  @Nullable Integer apiId;

  @Option(names = "--api-hash", paramLabel = "HASH",
      description = "your app's api_hash (else $" + ENV_API_HASH + " or config.properties)")
  @Nullable String apiHash;

  @Option(names = "--testkit", arity = "0..1", paramLabel = "CONFIG.json", parameterConsumer = TestkitValue.class,
      description = "talk to a testkit cluster: the launcher's JSON, or none to start an embedded one")
  @Nullable String testkit;

  @Option(names = "--debug", description = "print the stack trace of an error")
  boolean debug;

  /** The account name, checked. */
  public String account() {
    return TelefetchHome.checkAccount(account);
  }

  /** Whether {@code --debug} was given. */
  public boolean debug() {
    return debug;
  }

  /** Whether {@code --testkit} was given (with or without a config). */
  public boolean testkit() {
    return testkit != null;
  }

  /** Whether {@code --testkit} came alone (an embedded cluster per opened client). */
  boolean embedded() {
    return EMBEDDED.equals(testkit);
  }

  /** These options for another account. */
  AccountOptions withAccount(String name) {
    AccountOptions o = new AccountOptions();
    o.account = name;
    o.apiId = apiId;
    o.apiHash = apiHash;
    o.testkit = testkit;
    o.debug = debug;
    return o;
  }

  /** The launcher config of {@code --testkit CONFIG.json}, or null (none, or embedded). */
  @Nullable LaunchConfig launchConfig() {
    if (testkit == null || testkit.equals(EMBEDDED)) {
      return null;
    }
    Path file = Path.of(testkit);
    try {
      return LaunchConfig.read(file);
    } catch (IOException | RuntimeException e) {
      throw new CliException("cannot read the testkit config " + file + ": " + firstLine(e),
          "pass the JSON the testkit launcher wrote with --config-out", CliException.USAGE, e);
    }
  }

  /**
   * The api credentials: {@code --api-id}/{@code --api-hash}, else (with {@code --testkit
   * CONFIG.json}) the cluster's, else the environment, else the config file.
   *
   * @throws CliException when none are set or the api_id is not a number
   */
  public ApiCredentials credentials(CliIo io, @Nullable LaunchConfig testkitConfig) {
    TelefetchHome home = TelefetchHome.of(io.env());
    Properties file = null;
    String id = apiId == null ? null : apiId.toString();
    String hash = apiHash;
    if (testkitConfig != null) { // a testkit only knows its own credentials: the user's real ones never fit
      id = id == null ? Integer.toString(testkitConfig.apiId()) : id;
      hash = hash == null ? testkitConfig.apiHash() : hash;
    }
    if (id == null) {
      id = io.env(ENV_API_ID);
    }
    if (hash == null) {
      hash = io.env(ENV_API_HASH);
    }
    if (id == null || hash == null) {
      file = home.config();
      id = id == null ? file.getProperty("api_id") : id;
      hash = hash == null ? file.getProperty("api_hash") : hash;
    }
    if (id == null || hash == null || id.isBlank() || hash.isBlank()) {
      throw new CliException("no api_id/api_hash: Telegram needs your app's credentials",
          "get them at https://my.telegram.org/apps, then pass --api-id and --api-hash, set " + ENV_API_ID + " and "
              + ENV_API_HASH + ", or write api_id=... and api_hash=... into " + home.configFile(),
          CliException.USAGE, null);
    }
    int parsed;
    try {
      parsed = Integer.parseInt(id.strip());
    } catch (NumberFormatException e) {
      throw new CliException("the api_id '" + id.strip() + "' is not a number",
          "copy the api_id from https://my.telegram.org/apps", CliException.USAGE, e);
    }
    return new ApiCredentials(parsed, hash.strip());
  }

  /**
   * Opens the account's client to log in: its session file as the store (created on the first
   * save), the credentials from {@link #credentials}. Nothing connects until the first call.
   */
  public AccountClient openForLogin(CliIo io) {
    String name = account();
    TelefetchHome home = TelefetchHome.of(io.env());
    if (testkit != null && testkit.equals(EMBEDDED)) {
      return embedded(io);
    }
    LaunchConfig cfg = launchConfig();
    ApiCredentials api = credentials(io, cfg);
    ClientOptions.Builder b = cfg == null ? TelegramClient.builder().production() : cfg.clientOptions();
    TelegramClient client = b.apiId(api.apiId()).apiHash(api.apiHash()).callTimeout(Duration.ofSeconds(60))
        .connectTimeout(Duration.ofSeconds(15)).sessionStore(home.sessionStore(name)).build();
    return new AccountClient(name, client, home.sessionFile(name), cfg == null ? null : cfg.webBaseUrl(), null);
  }

  /**
   * Opens the account's logged-in client: from its session file (checked with {@code
   * users.getUsers(self)}). With {@code --testkit CONFIG.json} and no session for the account,
   * the launcher's bot is logged in instead (in memory), as {@code telefetch download --testkit}
   * always did; with {@code --testkit} alone, the embedded cluster's demo user.
   *
   * @throws CliException "not logged in" (with the login command as the hint) when the account
   *     has no session file; the typed exceptions of the client otherwise (see {@link CliErrors})
   */
  public AccountClient openLoggedIn(CliIo io) throws Exception {
    String name = account();
    TelefetchHome home = TelefetchHome.of(io.env());
    if (testkit != null && testkit.equals(EMBEDDED)) {
      return embedded(io);
    }
    LaunchConfig cfg = launchConfig();
    if (!home.hasSession(name)) {
      if (cfg == null) {
        throw notLoggedIn(name);
      }
      ApiCredentials api = credentials(io, cfg);
      TelegramClient client = cfg.clientOptions().apiId(api.apiId()).apiHash(api.apiHash())
          .callTimeout(Duration.ofSeconds(60)).build();
      AccountClient c = new AccountClient("testkit bot", client, null, cfg.webBaseUrl(), null);
      try {
        await(client.login(Login.botToken(testkitToken(cfg, name))));
      } catch (Exception e) {
        c.close();
        throw e;
      }
      return c;
    }
    AccountClient c = openForLogin(io);
    try {
      if (!c.client().isLoggedIn()) {
        throw notLoggedIn(name);
      }
      await(c.client().self());
      return c;
    } catch (Exception e) {
      c.close();
      throw e;
    }
  }

  /**
   * The bot token a testkit account logs in with: the config's account of that name (the
   * launcher's {@code --accounts}), else the launcher's bot.
   */
  static String testkitToken(LaunchConfig cfg, String name) {
    return cfg.account(name).map(LaunchConfig.Account::botToken).orElse(cfg.botToken());
  }

  /**
   * Opens account {@code name} of a pool, logged in, with {@code store} as its session store (a
   * shared one, e.g. encrypted in Redis): a session only in the config directory is copied into
   * {@code store} first; with {@code --testkit CONFIG.json} and no login in {@code store}, the
   * config's account of that name (else the launcher's bot) logs in. Without {@code store}: {@link
   * #openLoggedIn} for that account.
   *
   * @throws CliException "not logged in" when neither {@code store} nor the config directory holds a
   *     login for it (and no testkit can log it in)
   */
  public AccountClient openPoolAccount(CliIo io, String name, @Nullable SessionStore store) throws Exception {
    AccountOptions o = withAccount(TelefetchHome.checkAccount(name));
    if (store == null) {
      return o.openLoggedIn(io);
    }
    if (o.embedded()) {
      throw new CliException("sessions in Redis need accounts of one Telegram", "use saved accounts or --testkit "
          + "CONFIG.json", CliException.USAGE, null);
    }
    TelefetchHome home = TelefetchHome.of(io.env());
    Optional<SessionData> shared = store.load();
    if ((shared.isEmpty() || shared.get().userId() == 0) && home.hasSession(name)) {
      Optional<SessionData> local = home.sessionStore(name).load();
      if (local.isPresent() && local.get().userId() != 0) {
        store.save(local.get()); // the login moves into the shared store (encrypted there)
      }
    }
    LaunchConfig cfg = o.launchConfig();
    ApiCredentials api = o.credentials(io, cfg);
    ClientOptions.Builder b = cfg == null ? TelegramClient.builder().production() : cfg.clientOptions();
    TelegramClient client = b.apiId(api.apiId()).apiHash(api.apiHash()).callTimeout(Duration.ofSeconds(60))
        .connectTimeout(Duration.ofSeconds(15)).sessionStore(store).build();
    AccountClient c = new AccountClient(name, client, null, cfg == null ? null : cfg.webBaseUrl(), null);
    try {
      if (client.isLoggedIn()) {
        await(client.self());
      } else if (cfg != null) {
        await(client.login(Login.botToken(testkitToken(cfg, name))));
      } else {
        throw notLoggedIn(name);
      }
      return c;
    } catch (Exception e) {
      c.close();
      throw e;
    }
  }

  /** Whether the account can be opened logged in without asking (a session file, or a testkit). */
  public boolean hasAccount(CliIo io) {
    return testkit != null || TelefetchHome.of(io.env()).hasSession(account());
  }

  static CliException notLoggedIn(String account) {
    String opt = account.equals(TelefetchHome.DEFAULT_ACCOUNT) ? "" : " --account " + account;
    return new CliException("account '" + account + "' is not logged in",
        "run: telefetch login" + opt + " (with --phone, --bot-token or --qr)");
  }

  private AccountClient embedded(CliIo io) {
    io.err().println("telefetch: starting an embedded testkit cluster (demo content, demo user logged in)...");
    DemoCluster demo = DemoCluster.builder().dcs(2).links(true).build().start();
    try {
      LaunchConfig cfg = demo.config();
      TelegramClient client = cfg.clientOptions().callTimeout(Duration.ofSeconds(60))
          .sessionStore(SessionStore.inMemory()).build();
      AccountClient c = new AccountClient("testkit demo user", client, null, cfg.webBaseUrl(), demo);
      LaunchConfig.DemoUser user = cfg.demoUser();
      try {
        await(client.login(Login.user(user.phone(), new Login.UserAuthenticator() {
          @Override
          public java.util.concurrent.CompletionStage<String> code(Login.CodeRequest request) {
            return CompletableFuture.completedFuture(user.loginCode());
          }

          @Override
          public java.util.concurrent.CompletionStage<String> password(Login.PasswordRequest request) {
            return CompletableFuture.failedFuture(new IllegalStateException("the demo user has no password"));
          }
        })));
      } catch (Exception e) {
        c.close();
        throw new CliException("the embedded testkit login failed: " + firstLine(e), "run again with --debug",
            CliException.FAILED, e);
      }
      return c;
    } catch (RuntimeException e) {
      demo.close();
      throw e;
    }
  }

  static <T> T await(CompletableFuture<T> f) throws Exception {
    return CliErrors.await(f, Duration.ofMinutes(3));
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
  }

  /**
   * {@code --testkit} takes the next argument only when it names a JSON file (ends in {@code
   * .json} or exists as a file), so {@code --testkit https://t.me/x/1} is the embedded cluster and a link.
   */
  static final class TestkitValue implements CommandLine.IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
      String value = EMBEDDED;
      if (!args.isEmpty()) {
        String next = args.peek();
        if (!next.startsWith("-") && (next.endsWith(".json") || new File(next).isFile())) {
          value = args.pop();
        }
      }
      argSpec.setValue(value);
    }
  }

}
