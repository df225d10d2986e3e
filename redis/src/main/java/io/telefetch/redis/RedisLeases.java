package io.telefetch.redis;

import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Account leases shared by the nodes on one Redis: a node serves an account only while it holds the
 * account's lease. A lease has a time to live and a fencing token; the holder renews it before it
 * ends; a dead node's accounts are taken over by another node once its leases ended. A lease is
 * never held twice: acquiring and renewing are Lua scripts that compare the stored holder, token
 * and end with the caller's clock in one step, and every new holder gets a larger token.
 *
 * <p>Key {@code <prefix>lease:<account>} holds {@code owner|token|endMillis} (expiring in Redis
 * twice the TTL after the end, as garbage collection only: the stored end decides); {@code
 * <prefix>fence:<account>} counts tokens. Clocks of the nodes must agree to well within the TTL.
 *
 * <p>While Redis is away: {@link #acquire} gets nothing, {@link #renew} returns the lease unchanged
 * (still valid on the local clock until its end, never extended), so the node keeps serving what it
 * holds until then; when Redis returns, {@link #renew} re-acquires a lease Redis forgot (a restart)
 * with a token above the one it held.
 */
public final class RedisLeases {
  private static final Pattern NODE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  /**
   * KEYS: lease, fence. ARGV: owner, now, ttl, minToken, gcMillis. Returns "OK|token|end" or
   * "HELD|owner|end".
   */
  private static final String ACQUIRE = """
      local cur = redis.call('GET', KEYS[1])
      local now = tonumber(ARGV[2])
      if cur then
        local o, t, e = string.match(cur, '^(.*)|(%d+)|(%d+)$')
        if o and tonumber(e) > now then
          if o == ARGV[1] then
            local ne = now + tonumber(ARGV[3])
            redis.call('SET', KEYS[1], o .. '|' .. t .. '|' .. ne, 'PX', ARGV[5])
            return 'OK|' .. t .. '|' .. ne
          end
          return 'HELD|' .. o .. '|' .. e
        end
      end
      local tok = redis.call('INCR', KEYS[2])
      if tok <= tonumber(ARGV[4]) then
        tok = tonumber(ARGV[4]) + 1
        redis.call('SET', KEYS[2], tok)
      end
      local e = now + tonumber(ARGV[3])
      redis.call('SET', KEYS[1], ARGV[1] .. '|' .. tok .. '|' .. e, 'PX', ARGV[5])
      return 'OK|' .. tok .. '|' .. e
      """;

  /**
   * KEYS: lease. ARGV: owner, token, now, ttl, gcMillis. Returns "OK|token|end", "GONE" (no lease
   * stored), "EXPIRED" or "HELD|owner|end".
   */
  private static final String RENEW = """
      local cur = redis.call('GET', KEYS[1])
      if not cur then return 'GONE' end
      local o, t, e = string.match(cur, '^(.*)|(%d+)|(%d+)$')
      local now = tonumber(ARGV[3])
      if not o then return 'GONE' end
      if tonumber(e) <= now then return 'EXPIRED' end
      if o ~= ARGV[1] or t ~= ARGV[2] then return 'HELD|' .. o .. '|' .. e end
      local ne = now + tonumber(ARGV[4])
      redis.call('SET', KEYS[1], o .. '|' .. t .. '|' .. ne, 'PX', ARGV[5])
      return 'OK|' .. t .. '|' .. ne
      """;

  /** KEYS: lease. ARGV: owner, token. Deletes the lease only if it is this one. */
  private static final String RELEASE = """
      local cur = redis.call('GET', KEYS[1])
      if not cur then return 0 end
      local o, t = string.match(cur, '^(.*)|(%d+)|')
      if o == ARGV[1] and t == ARGV[2] then redis.call('DEL', KEYS[1]) return 1 end
      return 0
      """;

  /**
   * A lease this node holds.
   *
   * @param account the account
   * @param owner this node's id
   * @param token the fencing token (larger for every new holder)
   * @param end when the lease ends unless renewed
   */
  public record Lease(String account, String owner, long token, Instant end) {
    /** Whether the lease is still valid at {@code now}. */
    public boolean validAt(Instant now) {
      return now.isBefore(end);
    }
  }

  private final RedisShared redis;
  private final String prefix;
  private final String node;
  private final Duration ttl;
  private final Clock clock;

  /**
   * Leases of node {@code node} (letters, digits, {@code _.:-}) under {@code prefix}, each living
   * {@code ttl} on {@code clock} unless renewed.
   */
  public RedisLeases(RedisShared redis, String prefix, String node, Duration ttl, Clock clock) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    if (!NODE.matcher(Objects.requireNonNull(node, "node")).matches()) {
      throw new IllegalArgumentException("a node id has 1 to 64 letters, digits or _.:-");
    }
    if (ttl.toMillis() < 1) {
      throw new IllegalArgumentException("ttl must be at least a millisecond");
    }
    this.node = node;
    this.ttl = ttl;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public String node() {
    return node;
  }

  public Duration ttl() {
    return ttl;
  }

  /**
   * The lease of {@code account}, ending a TTL from now, if it is free, ended, or already this
   * node's (a restarted node with the same id gets its lease back, same token); empty if another
   * node holds it or Redis is away.
   */
  public Optional<Lease> acquire(String account) {
    return acquire(account, 0);
  }

  private Optional<Lease> acquire(String account, long minToken) {
    long now = clock.millis();
    Optional<String> answer = redis.call(c -> c.eval(ACQUIRE, ScriptOutputType.VALUE,
        new String[] {prefix + "lease:" + account, prefix + "fence:" + account},
        node, Long.toString(now), Long.toString(ttl.toMillis()), Long.toString(minToken), Long.toString(gcMillis())));
    return answer.flatMap(a -> parseOk(account, a));
  }

  /**
   * Renews {@code lease}: the renewed lease; the same lease when Redis is away (valid until its
   * end); a new lease with a larger token when Redis lost it or it ended and nobody took it; empty
   * when another node holds the account now (stop serving it).
   */
  public Optional<Lease> renew(Lease lease) {
    Objects.requireNonNull(lease, "lease");
    if (!lease.owner().equals(node)) {
      throw new IllegalArgumentException("not this node's lease: " + lease);
    }
    long now = clock.millis();
    Optional<String> answer = redis.call(c -> c.eval(RENEW, ScriptOutputType.VALUE,
        new String[] {prefix + "lease:" + lease.account()},
        node, Long.toString(lease.token()), Long.toString(now), Long.toString(ttl.toMillis()),
        Long.toString(gcMillis())));
    if (answer.isEmpty()) {
      return lease.validAt(clock.instant()) ? Optional.of(lease) : Optional.empty();
    }
    String a = answer.get();
    if (a.equals("GONE") || a.equals("EXPIRED")) {
      return acquire(lease.account(), lease.token());
    }
    return parseOk(lease.account(), a);
  }

  /** Gives {@code lease} up (only if it is still the stored one); whether Redis deleted it. */
  public boolean release(Lease lease) {
    return redis.call(c -> c.eval(RELEASE, ScriptOutputType.INTEGER,
        new String[] {prefix + "lease:" + lease.account()}, lease.owner(), Long.toString(lease.token())))
        .map(n -> ((Long) n) == 1L).orElse(false);
  }

  /** The node holding {@code account} now, as Redis says (empty if none or Redis is away). */
  public Optional<String> holder(String account) {
    return holding(account).map(Holding::node);
  }

  /**
   * Who holds {@code account}'s lease, with its token and end, as Redis says: empty if nobody (or
   * the lease ended) or Redis is away.
   *
   * @param node the holder's node id
   * @param token its fencing token
   * @param end when the lease ends unless renewed
   */
  public record Holding(String node, long token, Instant end) {}

  /** The lease of {@code account} as Redis stores it now, if it is still valid. */
  public Optional<Holding> holding(String account) {
    long now = clock.millis();
    return redis.call(c -> c.get(prefix + "lease:" + account)).flatMap(v -> {
      int last = v.lastIndexOf('|');
      int mid = last < 0 ? -1 : v.lastIndexOf('|', last - 1);
      if (mid <= 0) {
        return Optional.empty();
      }
      try {
        long end = Long.parseLong(v.substring(last + 1));
        long token = Long.parseLong(v.substring(mid + 1, last));
        return end > now ? Optional.of(new Holding(v.substring(0, mid), token, Instant.ofEpochMilli(end)))
            : Optional.empty();
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }

  /** The accounts with a lease stored (held or ended, not yet collected), at most 10,000; empty while Redis is away. */
  public java.util.SortedSet<String> leased() {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    String head = prefix + "lease:";
    for (String key : redis.scan(RedisFloodRegistry.glob(head) + "*", 10_000)) {
      out.add(key.substring(head.length()));
    }
    return out;
  }

  Clock clock() {
    return clock;
  }

  /** Whether the last Redis command reached Redis. */
  boolean redisAvailable() {
    return redis.available();
  }

  private long gcMillis() {
    return Math.max(1000, 2 * ttl.toMillis());
  }

  private Optional<Lease> parseOk(String account, String answer) {
    if (!answer.startsWith("OK|")) {
      return Optional.empty();
    }
    String[] p = answer.split("\\|");
    return Optional.of(new Lease(account, node, Long.parseLong(p[1]), Instant.ofEpochMilli(Long.parseLong(p[2]))));
  }

  @Override
  public String toString() {
    return "RedisLeases[" + node + ", ttl " + ttl + "]";
  }
}
