package io.telefetch.testkit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.client.ClientOptions;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.client.ServerKeys;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPrivateKey;
import io.telefetch.mtproto.transport.MtProxySecret;
import io.telefetch.testkit.server.ApiHandler;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.server.MtProxyServer;
import io.telefetch.testkit.web.TmeWebServer;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldApi;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * An in-process Telegram: N DC servers on loopback speaking real MTProto, sharing one RSA key,
 * optionally with media-only options and a CDN DC (with its own RSA key), all answering from one
 * {@link World}.
 *
 * <pre>{@code
 * try (TestCluster cluster = TestCluster.builder().dcs(3).mediaDc(2).cdn(true).build().start()) {
 *   WorldChannel demo = cluster.world().channel("telefetch_demo").dc(2).create();
 *   DcServer dc2 = cluster.dc(2);
 *   dc2.faults().floodWait("upload.getFile", 100, Duration.ofSeconds(1));
 *   ...
 * }
 * }</pre>
 */
public final class TestCluster implements AutoCloseable {
  /** The id of the CDN DC unless {@link Builder#cdnDcId} says otherwise (Telegram's CDN DCs are in the 200s). */
  public static final int DEFAULT_CDN_DC_ID = 203;

  private static volatile RsaPrivateKey defaultKey;
  private static volatile RsaPrivateKey defaultCdnKey;

  private final Builder options;
  private final World world;
  private final List<DcServer> dcs = new ArrayList<>();
  private WorldApi api;
  private volatile TmeWebServer web;
  private MtProxyServer mtProxy;
  private EventLoopGroup boss;
  private EventLoopGroup workers;

  private TestCluster(Builder options) {
    this.options = options;
    this.world = new World(options.clock, options.worldSeed);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts every DC; call once. */
  public TestCluster start() {
    boss = new NioEventLoopGroup(1);
    workers = new NioEventLoopGroup(options.threads);
    try {
      api = new WorldApi(this);
      List<DcServer> main = new ArrayList<>();
      for (int id = 1; id <= options.dcs; id++) {
        ApiHandler handler = options.handlerFactory.apply(this);
        DcServer dc = new DcServer(id, false, false, rsaKey(), options.clock, options.random, handler, options.proxySecret);
        dcs.add(dc.start(boss, workers));
        main.add(dc);
      }
      for (int id : options.mediaDcs) {
        DcServer media = main.get(id - 1).mediaOnlyOption(options.handlerFactory.apply(this));
        dcs.add(media.start(boss, workers));
      }
      if (options.cdn) {
        DcServer cdn = new DcServer(options.cdnDcId, false, true, cdnRsaKey().orElseThrow(), options.clock,
            options.random, api.cdnHandler(), options.proxySecret);
        dcs.add(cdn.start(boss, workers));
      }
      if (options.proxySecret != null) {
        mtProxy = new MtProxyServer(options.proxySecret, options.clock, this::dcs).start(boss, workers);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while starting", e);
    }
    return this;
  }

  /** The cluster's RSA private key (the public half is what clients must trust). */
  public RsaPrivateKey rsaKey() {
    if (options.rsaKey != null) {
      return options.rsaKey;
    }
    if (defaultKey == null) {
      synchronized (TestCluster.class) {
        if (defaultKey == null) {
          defaultKey = RsaPrivateKey.generate(new SecureRandom());
        }
      }
    }
    return defaultKey;
  }

  /** RSA keys a client should trust to create keys with this cluster's DCs (not the CDN's: see help.getCdnConfig). */
  public RsaKeys rsaKeys() {
    return RsaKeys.empty().with(rsaKey().publicKey());
  }

  /** The same keys as {@link #rsaKeys()}, as a client's options take them. */
  public ServerKeys serverKeys() {
    return ServerKeys.fromPem(rsaKey().publicKey().toPem());
  }

  /** The CDN DC's own RSA private key (published by help.getCdnConfig), when the cluster has a CDN. */
  public Optional<RsaPrivateKey> cdnRsaKey() {
    if (!options.cdn) {
      return Optional.empty();
    }
    if (options.cdnRsaKey != null) {
      return Optional.of(options.cdnRsaKey);
    }
    if (defaultCdnKey == null) {
      synchronized (TestCluster.class) {
        if (defaultCdnKey == null) {
          defaultCdnKey = RsaPrivateKey.generate(new SecureRandom());
        }
      }
    }
    return Optional.of(defaultCdnKey);
  }

  /**
   * The t.me web pages of {@link #world()} (post pages with OpenGraph tags, embed, {@code /s/}
   * preview): a loopback HTTP server started on first use and closed with the cluster.
   */
  public synchronized TmeWebServer web() {
    if (web == null) {
      web = TmeWebServer.start(world);
    }
    return web;
  }

  /** The base URL of {@link #web()}, e.g. {@code http://127.0.0.1:PORT} (starts it if needed). */
  public String webBaseUrl() {
    return web().baseUrl();
  }

  /** The content every DC answers from; seed it before or after {@link #start()}. */
  public World world() {
    return world;
  }

  /**
   * The default API handler, answering from {@link #world()}; a custom {@link
   * Builder#apiHandler} can delegate to it. Available once started.
   */
  public WorldApi api() {
    if (api == null) {
      throw new IllegalStateException("not started");
    }
    return api;
  }

  /** The main server of DC {@code id} (1-based). */
  public DcServer dc(int id) {
    return dcs.stream().filter(d -> d.id() == id && !d.mediaOnly() && !d.cdn()).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no DC " + id + " in " + dcs));
  }

  /** The media-only option of DC {@code id}, if the cluster has one ({@link Builder#mediaDc}). */
  public Optional<DcServer> mediaDc(int id) {
    return dcs.stream().filter(d -> d.id() == id && d.mediaOnly()).findFirst();
  }

  /** The CDN DC, if the cluster has one ({@link Builder#cdn}). */
  public Optional<DcServer> cdnDc() {
    return dcs.stream().filter(DcServer::cdn).findFirst();
  }

  /**
   * The MTProxy address, when the cluster has an {@linkplain Builder#mtProxySecret MTProxy secret}:
   * one port for every DC, routed by the DC id in the obfuscation header (see {@link MtProxyServer}).
   */
  public Optional<MtProxyServer> mtProxy() {
    return Optional.ofNullable(mtProxy);
  }

  /**
   * Client options ready for this cluster: its main DCs as the bootstrap list (media-only and CDN
   * options come from help.getConfig), its RSA key, home DC 1 and placeholder API credentials
   * (the world accepts any unless it was given some). Set {@code apiId}/{@code apiHash}, a session
   * store, timeouts... on the returned builder. Available once started.
   */
  public ClientOptions.Builder clientOptions() {
    if (dcs.isEmpty()) {
      throw new IllegalStateException("not started");
    }
    List<DcOption> bootstrap = new ArrayList<>();
    for (DcServer dc : dcs) {
      if (!dc.mediaOnly() && !dc.cdn()) {
        bootstrap.add(DcOption.of(dc.id(), dc.host(), dc.port()));
      }
    }
    return TelegramClient.builder().apiId(4242).apiHash("0123456789abcdef0123456789abcdef")
        .dcOptions(DcOptions.of(bootstrap)).serverKeys(serverKeys()).mainDc(1);
  }

  /** Every server: the main DCs (ids 1..n), then the media-only options, then the CDN DC. */
  public List<DcServer> dcs() {
    return Collections.unmodifiableList(dcs);
  }

  public Clock clock() {
    return options.clock;
  }

  @Override
  public void close() {
    TmeWebServer w = web;
    if (w != null) {
      w.close();
    }
    if (mtProxy != null) {
      mtProxy.close();
    }
    for (DcServer dc : dcs) {
      dc.close();
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Options of a {@link TestCluster}. */
  public static final class Builder {
    private int dcs = 1;
    private int threads = 2;
    private RsaPrivateKey rsaKey;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();
    private MtProxySecret proxySecret;
    private Function<TestCluster, ApiHandler> handlerFactory = TestCluster::api;
    private final Set<Integer> mediaDcs = new TreeSet<>();
    private boolean cdn;
    private int cdnDcId = DEFAULT_CDN_DC_ID;
    private RsaPrivateKey cdnRsaKey;
    private long worldSeed = 0x7E1EFE7C4L;

    private Builder() {}

    /**
     * Gives DC {@code id} a media-only option: a second server with the same id and auth keys,
     * listed with {@code media_only} in help.getConfig.
     */
    public Builder mediaDc(int id) {
      if (id < 1) {
        throw new IllegalArgumentException("bad DC id " + id);
      }
      mediaDcs.add(id);
      return this;
    }

    /** Adds a CDN DC (id {@value TestCluster#DEFAULT_CDN_DC_ID} unless {@link #cdnDcId} is set). */
    public Builder cdn(boolean cdn) {
      this.cdn = cdn;
      return this;
    }

    /** The CDN DC's id; implies {@link #cdn}. */
    public Builder cdnDcId(int id) {
      if (id < 1) {
        throw new IllegalArgumentException("bad DC id " + id);
      }
      this.cdnDcId = id;
      this.cdn = true;
      return this;
    }

    /** A fixed RSA key for the CDN DC (default: one generated per JVM). */
    public Builder cdnRsaKey(RsaPrivateKey key) {
      this.cdnRsaKey = key;
      return this;
    }

    /** The seed of the world's ids, access hashes, tokens and keys (a fixed default). */
    public Builder worldSeed(long seed) {
      this.worldSeed = seed;
      return this;
    }

    /** How many DCs (ids 1..n). */
    public Builder dcs(int n) {
      if (n < 1 || n > 5) {
        throw new IllegalArgumentException("1 to 5 DCs");
      }
      this.dcs = n;
      return this;
    }

    /** Server I/O threads. */
    public Builder threads(int n) {
      this.threads = n;
      return this;
    }

    /** A fixed RSA key (default: one generated per JVM). */
    public Builder rsaKey(RsaPrivateKey key) {
      this.rsaKey = key;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random);
      return this;
    }

    /**
     * Obfuscated clients must use this MTProxy secret, on every DC's port and on the cluster's
     * {@linkplain TestCluster#mtProxy() MTProxy address}, which it also starts.
     */
    public Builder mtProxySecret(MtProxySecret secret) {
      this.proxySecret = secret;
      return this;
    }

    /**
     * What answers API calls on the main DCs and their media-only options (called once per
     * server); default: {@link TestCluster#api()}. The CDN DC always runs the CDN handler.
     */
    public Builder apiHandler(Function<TestCluster, ApiHandler> factory) {
      this.handlerFactory = Objects.requireNonNull(factory);
      return this;
    }

    public TestCluster build() {
      for (int id : mediaDcs) {
        if (id > dcs) {
          throw new IllegalStateException("media-only option for DC " + id + " but only " + dcs + " DCs");
        }
      }
      if (cdn && cdnDcId <= dcs) {
        throw new IllegalStateException("CDN DC id " + cdnDcId + " collides with a main DC");
      }
      return new TestCluster(this);
    }
  }
}
