package io.telefetch.redis;

import io.lettuce.core.ScriptOutputType;
import io.telefetch.pool.FloodRegistry;
import io.telefetch.pool.LocalFloodRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link FloodRegistry} shared by every node on one Redis: key {@code <prefix>flood:<account>:<dc>}
 * holds the epoch millisecond the flood ends, expiring then (a later flood wins, atomically). Every
 * flood is also kept locally, so while Redis is away the node still respects what it saw itself.
 */
public final class RedisFloodRegistry implements FloodRegistry {
  /** SET the key to ARGV[1] (millis) with PX ARGV[2] unless it already holds a later value. */
  private static final String MAX_SCRIPT = """
      local cur = redis.call('GET', KEYS[1])
      if cur and tonumber(cur) >= tonumber(ARGV[1]) then return 0 end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      return 1
      """;

  private final RedisShared redis;
  private final String prefix;
  private final Clock clock;
  private final LocalFloodRegistry local = new LocalFloodRegistry();

  /** The shared view of one (account, DC) as last read, and when. */
  private record Seen(long atMillis, Optional<Instant> until) {}

  private final Duration refresh;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  /**
   * A registry under {@code prefix} (e.g. {@code "telefetch:"}) on {@code redis}; {@code clock} is
   * the one the pool measures floods on (keys expire when it passes their end). Reads Redis again
   * for an (account, DC) at most once a second: the pool asks before every part.
   */
  public RedisFloodRegistry(RedisShared redis, String prefix, Clock clock) {
    this(redis, prefix, clock, Duration.ofSeconds(1));
  }

  /**
   * Like {@link #RedisFloodRegistry(RedisShared, String, Clock)}, reading Redis again for an
   * (account, DC) once {@code refresh} passed on {@code clock} since the last read (zero: every time).
   */
  public RedisFloodRegistry(RedisShared redis, String prefix, Clock clock, Duration refresh) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (refresh.isNegative()) {
      throw new IllegalArgumentException("negative refresh");
    }
    this.refresh = refresh;
  }

  private String key(String account, int dcId) {
    return prefix + "flood:" + account + ":" + dcId;
  }

  @Override
  public void flooded(String account, int dcId, Instant until) {
    local.flooded(account, dcId, until);
    long ttl = Math.max(1, until.toEpochMilli() - clock.millis());
    redis.call(c -> c.eval(MAX_SCRIPT, ScriptOutputType.INTEGER, new String[] {key(account, dcId)},
        Long.toString(until.toEpochMilli()), Long.toString(ttl)));
  }

  @Override
  public Optional<Instant> floodedUntil(String account, int dcId, Instant now) {
    Optional<Instant> mine = local.floodedUntil(account, dcId, now);
    String key = key(account, dcId);
    long nowMillis = clock.millis();
    Seen last = seen.get(key);
    Optional<Instant> sharedUntil;
    if (last != null && !refresh.isZero() && nowMillis - last.atMillis() < refresh.toMillis()) {
      sharedUntil = last.until();
    } else {
      sharedUntil = redis.call(c -> c.get(key)).flatMap(RedisFloodRegistry::parse);
      seen.put(key, new Seen(nowMillis, sharedUntil));
    }
    Optional<Instant> shared = sharedUntil.filter(t -> t.isAfter(now));
    if (shared.isPresent() && (mine.isEmpty() || shared.get().isAfter(mine.get()))) {
      return shared;
    }
    return mine;
  }

  /**
   * Every DC {@code account} is flooded on at {@code now}: the shared entries (one SCAN of this
   * account's keys, at most {@value #MAX_DCS} DCs) merged with this node's own, the later end
   * winning; this node's own alone while Redis is away.
   */
  @Override
  public java.util.Map<Integer, Instant> floods(String account, Instant now) {
    java.util.Map<Integer, Instant> out = new java.util.TreeMap<>(local.floods(account, now));
    String match = glob(prefix + "flood:" + account + ":") + "*";
    for (String key : redis.scan(match, MAX_DCS)) {
      String dc = key.substring(key.lastIndexOf(':') + 1);
      if (!dc.matches("\\d{1,9}")) {
        continue;
      }
      redis.call(c -> c.get(key)).flatMap(RedisFloodRegistry::parse).filter(t -> t.isAfter(now))
          .ifPresent(t -> out.merge(Integer.parseInt(dc), t, (x, y) -> x.isAfter(y) ? x : y));
    }
    return out;
  }

  /** DCs one account's flood entries are read for at most (Telegram has five, plus CDN and test DCs). */
  static final int MAX_DCS = 64;

  /** {@code s} with Redis glob characters escaped. */
  static String glob(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      if (ch == '*' || ch == '?' || ch == '[' || ch == ']' || ch == '\\') {
        b.append('\\');
      }
      b.append(ch);
    }
    return b.toString();
  }

  private static Optional<Instant> parse(String millis) {
    try {
      return Optional.of(Instant.ofEpochMilli(Long.parseLong(millis)));
    } catch (NumberFormatException e) {
      return Optional.empty(); // not ours: ignored
    }
  }

  @Override
  public String toString() {
    return "RedisFloodRegistry[" + prefix + ", " + redis + "]";
  }
}
