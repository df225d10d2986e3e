package io.telefetch.testkit.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.traffic.ChannelTrafficShapingHandler;
import io.telefetch.mtproto.crypto.Hashes;
import io.telefetch.mtproto.crypto.RsaPrivateKey;
import io.telefetch.mtproto.exchange.ServerKeyExchange;
import io.telefetch.mtproto.transport.MtProxySecret;
import io.telefetch.mtproto.transport.ServerTransportConfig;
import io.telefetch.mtproto.transport.TransportOptions;
import io.telefetch.mtproto.transport.TransportPipeline;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One in-process Telegram DC: a Netty TCP server on loopback that accepts every transport (and
 * obfuscation, optionally with an MTProxy secret), creates auth keys with the server side of the
 * key exchange, keeps sessions with the real rules, and dispatches API calls to its handler.
 *
 * <p>Created and started by {@code TestCluster}; closed with it.
 */
public final class DcServer implements AutoCloseable {
  /** Salts rotate every 30 minutes and stay valid for 30 minutes after their slot. */
  static final long SALT_PERIOD_MILLIS = 1_800_000;

  private final int id;
  private final boolean mediaOnly;
  private final boolean cdn;
  private final RsaPrivateKey rsaKey;
  private final Clock clock;
  private final SecureRandom random;
  private final ApiHandler handler;
  private final MtProxySecret proxySecret;
  private final Faults faults = new Faults();
  private final Recorder recorder = new Recorder();
  private final Map<Long, KeyState> keys;
  private final AtomicLong connectionIds = new AtomicLong();
  private final AtomicLong bytesSent = new AtomicLong();
  private final java.util.concurrent.ConcurrentHashMap<String, AtomicLong> receivedByName =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong answersDue = new AtomicLong();
  private final long saltSecret;
  private volatile long saltBump;
  private volatile long rateBytesPerSecond;
  private volatile Duration latency = Duration.ZERO;
  private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
  private Channel serverChannel;

  /**
   * @param id the DC id
   * @param mediaOnly whether this server is a media-only option of its DC
   * @param cdn whether this is a CDN DC (only CDN methods are allowed)
   * @param rsaKey the private key clients create auth keys against
   * @param proxySecret an MTProxy secret obfuscated clients use, or null
   */
  public DcServer(int id, boolean mediaOnly, boolean cdn, RsaPrivateKey rsaKey, Clock clock, SecureRandom random,
      ApiHandler handler, @Nullable MtProxySecret proxySecret) {
    this(id, mediaOnly, cdn, rsaKey, clock, random, handler, proxySecret, new ConcurrentHashMap<>(), random.nextLong());
  }

  private DcServer(int id, boolean mediaOnly, boolean cdn, RsaPrivateKey rsaKey, Clock clock, SecureRandom random,
      ApiHandler handler, MtProxySecret proxySecret, Map<Long, KeyState> keys, long saltSecret) {
    this.id = id;
    this.mediaOnly = mediaOnly;
    this.cdn = cdn;
    this.rsaKey = rsaKey;
    this.clock = clock;
    this.random = random;
    this.handler = handler;
    this.proxySecret = proxySecret;
    this.keys = keys;
    this.saltSecret = saltSecret;
  }

  /**
   * A media-only option of this DC (not started): same id, RSA key, auth keys (and the users bound
   * to them) and salts, its own port, faults, recorder and shaping; listed with {@code media_only}
   * in help.getConfig.
   */
  public DcServer mediaOnlyOption(ApiHandler handler) {
    if (mediaOnly || cdn) {
      throw new IllegalStateException("only a main DC has media-only options");
    }
    return new DcServer(id, true, false, rsaKey, clock, random, handler, proxySecret, keys, saltSecret);
  }

  /** Binds to an ephemeral loopback port. */
  public DcServer start(EventLoopGroup boss, EventLoopGroup workers) throws InterruptedException {
    ServerTransportConfig transport = ServerTransportConfig.builder().mtProxySecret(proxySecret)
        .options(TransportOptions.builder().clock(clock).build()).build();
    serverChannel = LoopbackServer.bind(boss, workers, ch -> {
      if (admit(ch)) {
        TransportPipeline.configureServer(ch.pipeline(), transport);
        ch.pipeline().addLast("dc-session", new ServerConnection(DcServer.this, connectionIds.incrementAndGet()));
      }
    });
    return this;
  }

  /**
   * Takes a new connection under this DC's faults and shaping: closes it when the DC is down,
   * otherwise tracks it and puts the bandwidth cap (if any) first in its pipeline.
   */
  private boolean admit(Channel ch) {
    if (faults.down) {
      ch.close();
      return false;
    }
    connections.add(ch);
    ch.closeFuture().addListener(f -> connections.remove(ch));
    long rate = rateBytesPerSecond;
    if (rate > 0) {
      ch.pipeline().addFirst("shaping", new ChannelTrafficShapingHandler(rate, 0, 50));
    }
    return true;
  }

  /**
   * Serves a connection that an {@link MtProxyServer} routed here, whose transport handlers are
   * already in place: applies this DC's faults and shaping and appends the session handler. Call
   * on the channel's event loop, before its first frame.
   *
   * @return false when the DC is down and closed the connection instead
   */
  boolean adoptProxied(Channel ch) {
    if (admit(ch)) {
      ch.pipeline().addLast("dc-session", new ServerConnection(this, connectionIds.incrementAndGet()));
      return true;
    }
    return false;
  }

  public int id() {
    return id;
  }

  public boolean mediaOnly() {
    return mediaOnly;
  }

  public boolean cdn() {
    return cdn;
  }

  public String host() {
    return LoopbackServer.HOST;
  }

  public int port() {
    return LoopbackServer.port(serverChannel);
  }

  public Faults faults() {
    return faults;
  }

  public Recorder recorder() {
    return recorder;
  }

  public Clock clock() {
    return clock;
  }

  SecureRandom random() {
    return random;
  }

  ApiHandler handler() {
    return handler;
  }

  /** The auth keys this DC knows, by key id. */
  public Map<Long, KeyState> keys() {
    return keys;
  }

  /** Adds extra latency before every answer (per-call shaping). */
  public void latency(Duration latency) {
    this.latency = latency;
  }

  Duration latency() {
    return latency;
  }

  /** Caps each new connection's server-to-client bandwidth; 0 for none. */
  public void rateLimit(long bytesPerSecond) {
    this.rateBytesPerSecond = bytesPerSecond;
  }

  /** Bytes of MTProto packets this DC has sent so far. */
  public long bytesSent() {
    return bytesSent.get();
  }

  long addBytesSent(long n) {
    return bytesSent.addAndGet(n);
  }

  /**
   * How many messages of type {@code tlName} this DC has received on any connection, service
   * messages included ({@code ping_delay_disconnect}, {@code get_future_salts}, {@code msgs_ack},
   * {@code rpc_drop_answer}...; an API call counts under its outermost wrapper's name). Lets a
   * test wait for the client's protocol events instead of sleeping.
   */
  public long received(String tlName) {
    AtomicLong n = receivedByName.get(tlName);
    return n == null ? 0 : n.get();
  }

  void countReceived(String tlName) {
    receivedByName.computeIfAbsent(tlName, k -> new AtomicLong()).incrementAndGet();
  }

  /**
   * How many answers to API calls came due (after any {@link #latency}), whether written or not
   * because their connection was gone: a test waits for this instead of sleeping past a latency.
   */
  public long answersDue() {
    return answersDue.get();
  }

  void countAnswerDue() {
    answersDue.incrementAndGet();
  }

  /** How many client connections are open. */
  public int openConnections() {
    return connections.size();
  }

  /** Closes every client connection (the server keeps listening). */
  public void dropConnections() {
    for (Channel c : connections) {
      c.close();
    }
  }

  ServerKeyExchange newKeyExchange() {
    return new ServerKeyExchange(ServerKeyExchange.Options.builder(rsaKey).random(random).clock(clock).build());
  }

  /** The salt valid for the slot containing {@code timeMillis}. */
  long saltAt(long timeMillis) {
    long slot = Math.floorDiv(timeMillis, SALT_PERIOD_MILLIS);
    byte[] h = Hashes.sha256(ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(saltSecret).putLong(slot).putLong(saltBump).array());
    return ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  /** Whether {@code salt} is acceptable now: the current slot's or the previous one's. */
  boolean saltValid(long salt, long nowMillis) {
    return salt == saltAt(nowMillis) || salt == saltAt(nowMillis - SALT_PERIOD_MILLIS);
  }

  /** Invalidates all salts (used by the bad_server_salt fault). */
  void bumpSalt() {
    saltBump++;
  }

  @Override
  public void close() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    dropConnections();
  }

  @Override
  public String toString() {
    return "DC " + id + (mediaOnly ? " (media)" : "") + (cdn ? " (cdn)" : "") + " on " + host() + ":" + (serverChannel == null ? "-" : port());
  }
}
