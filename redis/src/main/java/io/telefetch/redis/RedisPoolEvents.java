package io.telefetch.redis;

import io.telefetch.pool.AccountPoolListener;
import io.telefetch.pool.AccountRemoved;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Why accounts left the pool, shared by the nodes on one Redis, so that any node (and {@code
 * telefetch accounts --redis}) shows it: as an {@link AccountPoolListener} it records each account
 * that was logged out, banned, deactivated or lost its key under {@code <prefix>left:<account>}
 * ({@code reason|node|epochMillis}, kept {@link #KEEP}); an owner's own removal (a lease handed to
 * another node) is not recorded. {@link #rejoined} forgets the record when the account serves again.
 * While Redis is away nothing is recorded (the node's own pool still knows).
 */
public final class RedisPoolEvents implements AccountPoolListener {
  /** How long a record is kept. */
  public static final Duration KEEP = Duration.ofDays(30);

  /**
   * An account's departure as recorded.
   *
   * @param reason why it left
   * @param node the node whose pool saw it
   * @param at when
   */
  public record Left(AccountRemoved.Reason reason, String node, Instant at) {}

  private final RedisShared redis;
  private final String prefix;
  private final String node;
  private final Clock clock;

  /** Records of node {@code node} under {@code prefix}, stamped with {@code clock}. */
  public RedisPoolEvents(RedisShared redis, String prefix, String node, Clock clock) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.node = Objects.requireNonNull(node, "node");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void accountRemoved(AccountRemoved event) {
    if (event.reason() == AccountRemoved.Reason.REMOVED) {
      return;
    }
    String value = event.reason().name() + "|" + node + "|" + clock.millis();
    redis.run(c -> c.setex(prefix + "left:" + event.account(), KEEP.toSeconds(), value));
  }

  /** Why {@code account} left, if a node recorded it (empty too while Redis is away). */
  public Optional<Left> left(String account) {
    return redis.call(c -> c.get(prefix + "left:" + account)).flatMap(v -> {
      String[] p = v.split("\\|");
      if (p.length != 3) {
        return Optional.empty();
      }
      try {
        return Optional.of(new Left(AccountRemoved.Reason.valueOf(p[0]), p[1], Instant.ofEpochMilli(Long.parseLong(p[2]))));
      } catch (IllegalArgumentException e) { // an unknown reason or a number that is not one: not ours
        return Optional.empty();
      }
    });
  }

  /** Forgets {@code account}'s departure (it serves again, e.g. logged in anew). */
  public void rejoined(String account) {
    redis.run(c -> c.del(prefix + "left:" + account));
  }

  @Override
  public String toString() {
    return "RedisPoolEvents[" + prefix + ", " + node + "]";
  }
}
