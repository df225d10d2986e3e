package io.telefetch.testkit.launcher;

import io.telefetch.mtproto.crypto.RsaPublicKey;
import io.telefetch.mtproto.transport.MtProxySecret;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.ApiHandler;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.web.TmeWebServer;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.testkit.world.WorldUser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TestCluster} seeded for the demo and for foreign clients: the public channel {@code
 * @telefetch_demo} ("Telefetch demo") with one post per {@link FileSpec}, a bot, required api
 * credentials, the t.me pages, optional shaping and guest access; described by a {@link
 * LaunchConfig}. What the {@link Launcher} runs; usable in process too:
 *
 * <pre>{@code
 * try (DemoCluster demo = DemoCluster.builder().dcs(2).file(FileSpec.parse("a.mp4:8MiB")).build().start()) {
 *   LaunchConfig config = demo.config();
 * }
 * }</pre>
 */
public final class DemoCluster implements AutoCloseable {
  /** The demo channel's username. */
  public static final String CHANNEL = "telefetch_demo";
  /** The demo channel's title. */
  public static final String CHANNEL_TITLE = "Telefetch demo";
  /** The demo bot's username (its token is {@link LaunchConfig#botToken()}). */
  public static final String BOT = "telefetch_demo_bot";
  /** The default api_id clients must send. */
  public static final int DEFAULT_API_ID = 31337;
  /** The default api_hash clients must send: 32 hex digits derived from "telefetch-testkit". */
  public static final String DEFAULT_API_HASH = defaultApiHash();

  private final Builder options;
  private TestCluster cluster;
  private LaunchConfig config;
  private WorldChannel channel;
  private final List<WorldMessage> posts = new ArrayList<>();
  private LinkDemo linkDemo;
  private long hashMillis;
  private volatile boolean closed;

  private DemoCluster(Builder options) {
    this.options = options;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the DCs and the web server, seeds the world and computes every file's SHA-256 (in
   * parallel, while the servers start). Call once.
   */
  public synchronized DemoCluster start() {
    if (cluster != null) {
      throw new IllegalStateException("already started");
    }
    List<FileSpec> files = options.files.isEmpty() ? List.of(FileSpec.defaultVideo()) : List.copyOf(options.files);
    int defaultDc = Math.min(2, options.dcs);
    boolean cdn = options.cdn || files.stream().anyMatch(FileSpec::cdn);
    TestCluster.Builder b = TestCluster.builder().dcs(options.dcs).cdn(cdn)
        .threads(Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors())))
        .mtProxySecret(options.mtProxySecret);
    if (options.seed != null) {
      b.worldSeed(options.seed);
    }
    options.mediaDcs.forEach(b::mediaDc);
    WorldUser[] guest = new WorldUser[1];
    if (options.guestAccess || options.accountRate > 0) {
      b.apiHandler(c -> {
        ApiHandler h = c.api();
        if (options.guestAccess) {
          h = new GuestAccess(h, guest[0].id());
        }
        return options.accountRate > 0 ? new AccountCaps(h, options.accountRate) : h;
      });
    }
    cluster = b.build();
    ExecutorService hashing = Executors.newFixedThreadPool(Math.max(1, Math.min(files.size(),
        Runtime.getRuntime().availableProcessors())), r -> {
          Thread t = new Thread(r, "sha256");
          t.setDaemon(true);
          return t;
        });
    try {
      World world = cluster.world();
      world.apiCredentials(options.apiId, options.apiHash);
      channel = world.channel(CHANNEL).title(CHANNEL_TITLE).dc(defaultDc).create();
      WorldUser bot = world.bot(BOT).firstName("Telefetch demo bot").dc(defaultDc).create();
      if (options.guestAccess) {
        guest[0] = world.user("Guest").dc(defaultDc).create();
      }
      if (options.links) {
        linkDemo = LinkDemo.seed(world, bot, defaultDc);
      }
      List<LaunchConfig.Account> accounts = new ArrayList<>();
      for (int i = 0; i < options.accounts.size(); i++) {
        String username = "telefetch_pool" + (i + 1) + "_bot";
        WorldUser poolBot = world.bot(username).firstName(options.accounts.get(i)).dc(defaultDc).create();
        accounts.add(new LaunchConfig.Account(options.accounts.get(i), username, poolBot.botToken().orElseThrow()));
      }
      List<WorldDocument> documents = new ArrayList<>();
      for (FileSpec f : files) {
        int dc = f.dc() == 0 ? defaultDc : f.dc();
        FileContent content = f.content();
        World.DocumentBuilder d = f.isVideo()
            ? world.video(f.name(), content).mimeType(f.mimeType()).duration(Math.max(1, f.size() / 1_000_000))
            : world.document(f.name(), content).mimeType(f.mimeType());
        WorldDocument doc = d.dc(dc).cdn(f.cdn()).create();
        documents.add(doc);
        posts.add(world.post(channel).text(f.name()).media(doc).create());
      }
      long t0 = System.nanoTime();
      AtomicLong lastHashed = new AtomicLong(t0);
      List<CompletableFuture<String>> hashes = documents.stream()
          .map(d -> CompletableFuture.supplyAsync(() -> {
            String hex = d.content().sha256Hex();
            lastHashed.accumulateAndGet(System.nanoTime(), Math::max);
            return hex;
          }, hashing)).toList();

      cluster.start();
      for (DcServer dc : cluster.dcs()) {
        if (options.rateBytesPerSecond > 0) {
          dc.rateLimit(options.rateBytesPerSecond);
        }
        if (!options.latency.isZero()) {
          dc.latency(options.latency);
        }
      }
      TmeWebServer web = cluster.web();

      List<LaunchConfig.Message> messages = new ArrayList<>();
      for (int i = 0; i < documents.size(); i++) {
        WorldDocument d = documents.get(i);
        WorldMessage m = posts.get(i);
        messages.add(new LaunchConfig.Message(m.id(), d.fileName().orElse(""), d.size(), hashes.get(i).join(), d.dc(),
            d.mimeType(), d.cdn(), web.postUrl(m)));
      }
      hashMillis = (lastHashed.get() - t0) / 1_000_000;
      List<LaunchConfig.Dc> dcs = cluster.dcs().stream()
          .map(dc -> new LaunchConfig.Dc(dc.id(), dc.host(), dc.port(), dc.mediaOnly(), dc.cdn())).toList();
      String secretHex = options.mtProxySecret == null ? null : options.mtProxySecret.toHex();
      config = new LaunchConfig(dcs, rsa(cluster.rsaKey().publicKey()),
          cluster.cdnRsaKey().map(k -> rsa(k.publicKey())).orElse(null), options.apiId, options.apiHash,
          bot.botToken().orElseThrow(), web.baseUrl(),
          secretHex,
          cluster.mtProxy().map(p -> new LaunchConfig.MtProxy(p.host(), p.port(), secretHex)).orElse(null),
          options.guestAccess,
          List.of(new LaunchConfig.Channel(CHANNEL, CHANNEL_TITLE, channel.id(), Long.toString(channel.accessHash()),
              channel.dc(), messages)),
          linkDemo == null ? null : linkDemo.toConfig(web.baseUrl()),
          linkDemo == null ? null : new LaunchConfig.DemoUser(LinkDemo.USER_PHONE, LinkDemo.USER_CODE,
              linkDemo.user().dc()),
          accounts.isEmpty() ? null : accounts);
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    } finally {
      hashing.shutdownNow();
    }
  }

  private static LaunchConfig.Rsa rsa(RsaPublicKey key) {
    return new LaunchConfig.Rsa(key.toPem(), Long.toString(key.fingerprint()));
  }

  /** The description of the running cluster (the launcher's JSON). */
  public LaunchConfig config() {
    if (config == null) {
      throw new IllegalStateException("not started");
    }
    return config;
  }

  /** The running cluster, for scripting faults or seeding more. */
  public TestCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("not started");
    }
    return cluster;
  }

  /** The demo channel. */
  public WorldChannel channel() {
    return channel;
  }

  /** The sample links ({@link Builder#links}), or empty. */
  public java.util.Optional<LinkDemo> links() {
    return java.util.Optional.ofNullable(linkDemo);
  }

  /** The posts, one per file, in {@code --file} order. */
  public List<WorldMessage> posts() {
    return List.copyOf(posts);
  }

  /** How long hashing every file took, in parallel, from seeding to the last digest (it overlaps the servers' start). */
  public Duration hashTime() {
    return Duration.ofMillis(hashMillis);
  }

  /** Closes the web server and every DC. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String defaultApiHash() {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest("telefetch-testkit".getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Options of a {@link DemoCluster}. */
  public static final class Builder {
    private int dcs = 3;
    private final List<FileSpec> files = new ArrayList<>();
    private long rateBytesPerSecond;
    private Duration latency = Duration.ZERO;
    private boolean guestAccess;
    private MtProxySecret mtProxySecret;
    private final Set<Integer> mediaDcs = new LinkedHashSet<>();
    private boolean cdn;
    private int apiId = DEFAULT_API_ID;
    private String apiHash = DEFAULT_API_HASH;
    private Long seed;
    private boolean links;
    private final List<String> accounts = new ArrayList<>();
    private long accountRate;

    private Builder() {}

    /** Also seeds one sample of every link kind ({@link LinkDemo}), listed under {@code links} in the config. */
    public Builder links(boolean links) {
      this.links = links;
      return this;
    }

    /**
     * Also seeds one bot per name for an account pool, listed under {@code accounts} in the config
     * (names: 1 to 64 letters, digits or {@code _.-}, unique; at most 64 accounts).
     */
    public Builder accounts(List<String> names) {
      java.util.Set<String> unique = new LinkedHashSet<>();
      for (String n : names) {
        if (!n.matches("[A-Za-z0-9_.-]{1,64}") || !unique.add(n)) {
          throw new IllegalArgumentException("account names are unique, 1 to 64 letters, digits or _.-: " + n);
        }
      }
      if (unique.size() > 64) {
        throw new IllegalArgumentException("at most 64 accounts");
      }
      accounts.clear();
      accounts.addAll(unique);
      return this;
    }

    /**
     * Caps each account's download bandwidth (bytes of upload.getFile answers per second, per user,
     * over all its connections and DCs), as Telegram throttles an account; 0: none.
     */
    public Builder accountRateBytesPerSecond(long rate) {
      if (rate < 0) {
        throw new IllegalArgumentException("negative rate");
      }
      this.accountRate = rate;
      return this;
    }

    /** How many main DCs, 1 to 5 (default 3). */
    public Builder dcs(int n) {
      if (n < 1 || n > 5) {
        throw new IllegalArgumentException("1 to 5 DCs");
      }
      this.dcs = n;
      return this;
    }

    /** Adds a file (default when none: {@link FileSpec#defaultVideo()}). */
    public Builder file(FileSpec file) {
      files.add(Objects.requireNonNull(file, "file"));
      return this;
    }

    /** Caps each connection's server-to-client bandwidth (0: none). */
    public Builder rateBytesPerSecond(long rate) {
      if (rate < 0) {
        throw new IllegalArgumentException("negative rate");
      }
      this.rateBytesPerSecond = rate;
      return this;
    }

    /** Added latency before every answer. */
    public Builder latency(Duration latency) {
      if (latency.isNegative()) {
        throw new IllegalArgumentException("negative latency");
      }
      this.latency = latency;
      return this;
    }

    /** Serves read-only calls and downloads to clients that never logged in (see {@link GuestAccess}). */
    public Builder guestAccess(boolean guestAccess) {
      this.guestAccess = guestAccess;
      return this;
    }

    /** Obfuscated clients must use this MTProxy secret. */
    public Builder mtProxySecret(MtProxySecret secret) {
      this.mtProxySecret = secret;
      return this;
    }

    /** Gives DC {@code id} a media-only option. */
    public Builder mediaDc(int id) {
      mediaDcs.add(id);
      return this;
    }

    /** Adds a CDN DC even if no file is CDN-served. */
    public Builder cdn(boolean cdn) {
      this.cdn = cdn;
      return this;
    }

    /** The api_id and api_hash login calls must carry. */
    public Builder apiCredentials(int apiId, String apiHash) {
      this.apiId = apiId;
      this.apiHash = Objects.requireNonNull(apiHash, "apiHash");
      return this;
    }

    /** The world seed (ids, access hashes, bot token); default: the cluster's fixed seed. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * @throws IllegalArgumentException if a file or media-only option names a DC beyond {@link #dcs}
     */
    public DemoCluster build() {
      for (FileSpec f : files) {
        if (f.dc() > dcs) {
          throw new IllegalArgumentException("--file " + f + ": no DC " + f.dc() + " (--dcs " + dcs + ")");
        }
      }
      for (int id : mediaDcs) {
        if (id < 1 || id > dcs) {
          throw new IllegalArgumentException("--media-dc " + id + ": no such DC (--dcs " + dcs + ")");
        }
      }
      return new DemoCluster(this);
    }
  }
}
