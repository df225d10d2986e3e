package io.telefetch.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's connection to the shared Redis: every Redis-backed type of this module talks through
 * it. Commands fail fast while Redis is away (no queueing); {@link #call} then returns empty, the
 * outage is logged once, and the return is logged once when a command succeeds again (Lettuce
 * reconnects in the background). Whoever connects closes it.
 */
public final class RedisShared implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisShared.class);

  private final RedisClient client;
  private final String uriForLogs;
  private final Object connectLock = new Object();
  private volatile @Nullable StatefulRedisConnection<String, String> connection;
  private final AtomicBoolean down = new AtomicBoolean();
  private final Duration timeout;
  private volatile boolean closed;

  private RedisShared(RedisURI uri, Duration timeout) {
    this.timeout = timeout;
    this.uriForLogs = uri.getHost() + ":" + uri.getPort(); // never the password
    uri.setTimeout(timeout);
    this.client = RedisClient.create(uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .build());
  }

  /**
   * Connects to {@code uri} ({@code redis://host:port}, optionally with a password and database).
   * Redis need not be up yet: the first command connects.
   *
   * @param timeout how long one command may take before it counts as Redis being away
   */
  public static RedisShared connect(String uri, Duration timeout) {
    Objects.requireNonNull(uri, "uri");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    return new RedisShared(RedisURI.create(uri), timeout);
  }

  /** Connects with a 2-second command timeout. */
  public static RedisShared connect(String uri) {
    return connect(uri, Duration.ofSeconds(2));
  }

  /** Whether the last command reached Redis. */
  public boolean available() {
    return !down.get();
  }

  public Duration timeout() {
    return timeout;
  }

  /**
   * Runs {@code command} on Redis: empty when Redis is away (or the command failed on the way),
   * never throws for a lost Redis. A null result reads as empty too.
   */
  <T> Optional<T> call(Function<RedisCommands<String, String>, @Nullable T> command) {
    if (closed) {
      return Optional.empty();
    }
    try {
      T result = command.apply(connection().sync());
      if (down.compareAndSet(true, false)) {
        log.info("Redis {} is back: rejoining the shared state", uriForLogs);
      }
      return Optional.ofNullable(result);
    } catch (RedisException | IllegalStateException e) {
      if (down.compareAndSet(false, true)) {
        log.warn("Redis {} is unavailable ({}): serving on local state until it returns", uriForLogs, e.toString());
      }
      return Optional.empty();
    }
  }

  /** Like {@link #call} for commands with no useful result: whether it reached Redis. */
  boolean run(java.util.function.Consumer<RedisCommands<String, String>> command) {
    return call(c -> {
      command.accept(c);
      return Boolean.TRUE;
    }).isPresent();
  }

  /**
   * The keys matching {@code pattern} (a Redis glob), at most {@code max}, read by SCAN in pages of
   * 100 (never KEYS); empty while Redis is away.
   */
  java.util.List<String> scan(String pattern, int max) {
    return call(c -> {
      io.lettuce.core.ScanArgs args = io.lettuce.core.ScanArgs.Builder.matches(pattern).limit(100);
      io.lettuce.core.KeyScanCursor<String> cursor = c.scan(args);
      java.util.List<String> keys = new java.util.ArrayList<>();
      for (int pages = 0; pages < 10_000; pages++) {
        for (String k : cursor.getKeys()) {
          if (keys.size() < max) {
            keys.add(k);
          }
        }
        if (cursor.isFinished() || keys.size() >= max) {
          break;
        }
        cursor = c.scan(cursor, args);
      }
      return keys;
    }).orElse(java.util.List.of());
  }

  private StatefulRedisConnection<String, String> connection() {
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) {
      return c;
    }
    synchronized (connectLock) {
      if (connection == null) {
        connection = client.connect();
      }
      return connection;
    }
  }

  @Override
  public void close() {
    closed = true;
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) {
      c.close();
    }
    client.shutdown();
  }

  @Override
  public String toString() {
    return "RedisShared[" + uriForLogs + (available() ? "" : ", unavailable") + "]";
  }
}
