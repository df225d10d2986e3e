package io.telefetch.testkit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPrivateKey;
import io.telefetch.mtproto.transport.MtProxySecret;
import io.telefetch.testkit.server.ApiHandler;
import io.telefetch.testkit.server.DcServer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * An in-process Telegram: N DC servers on loopback speaking real MTProto, sharing one RSA key.
 *
 * <pre>{@code
 * try (TestCluster cluster = TestCluster.builder().dcs(3).build().start()) {
 *   DcServer dc2 = cluster.dc(2);
 *   ...
 * }
 * }</pre>
 */
public final class TestCluster implements AutoCloseable {
  private static volatile RsaPrivateKey defaultKey;

  private final Builder options;
  private final List<DcServer> dcs = new ArrayList<>();
  private EventLoopGroup boss;
  private EventLoopGroup workers;

  private TestCluster(Builder options) {
    this.options = options;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts every DC; call once. */
  public TestCluster start() {
    boss = new NioEventLoopGroup(1);
    workers = new NioEventLoopGroup(options.threads);
    try {
      for (int id = 1; id <= options.dcs; id++) {
        ApiHandler handler = options.handlerFactory.apply(this);
        DcServer dc = new DcServer(id, false, false, rsaKey(), options.clock, options.random, handler, options.proxySecret);
        dcs.add(dc.start(boss, workers));
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

  /** RSA keys a client should trust to create keys with this cluster. */
  public RsaKeys rsaKeys() {
    return RsaKeys.empty().add(rsaKey().publicKey());
  }

  /** The DC with {@code id} (1-based). */
  public DcServer dc(int id) {
    return dcs.stream().filter(d -> d.id() == id).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no DC " + id + " in " + dcs));
  }

  /** All DC servers. */
  public List<DcServer> dcs() {
    return Collections.unmodifiableList(dcs);
  }

  public Clock clock() {
    return options.clock;
  }

  @Override
  public void close() {
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
    private Function<TestCluster, ApiHandler> handlerFactory = c -> new BasicApi(c);

    private Builder() {}

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

    /** Obfuscated clients must use this MTProxy secret. */
    public Builder mtProxySecret(MtProxySecret secret) {
      this.proxySecret = secret;
      return this;
    }

    /** What answers API calls (one handler per DC). */
    public Builder apiHandler(Function<TestCluster, ApiHandler> factory) {
      this.handlerFactory = Objects.requireNonNull(factory);
      return this;
    }

    public TestCluster build() {
      return new TestCluster(this);
    }
  }
}
