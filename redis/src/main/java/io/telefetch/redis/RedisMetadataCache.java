package io.telefetch.redis;

import io.telefetch.link.InMemoryMetadataCache;
import io.telefetch.link.LinkMetadata;
import io.telefetch.link.MetadataCache;
import io.telefetch.link.Peer;
import io.lettuce.core.SetArgs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * link-resolver's {@link MetadataCache} on Redis, shared by every node: {@code <prefix>meta:peer:<key>}
 * (username -> peer) and {@code <prefix>meta:link:<key>} (link -> metadata), each expiring after its
 * TTL in Redis. Values are the records' Java serial form read back through a strict filter (only
 * link-resolver's records, immutable lists, boxed numbers, strings and byte arrays; bounded size and
 * depth), so a value planted in Redis cannot instantiate anything else; an unreadable value is a
 * miss. Every entry is also kept in a local in-memory cache, which answers while Redis is away.
 */
public final class RedisMetadataCache implements MetadataCache {
  private static final Logger log = LoggerFactory.getLogger(RedisMetadataCache.class);
  /** The largest value read back. */
  static final int MAX_VALUE = 256 << 10;
  private static final java.util.Set<String> ALLOWED = java.util.Set.of("java.util.CollSer", "java.lang.Integer",
      "java.lang.Long", "java.lang.Number", "java.lang.Enum", "java.lang.String", "java.lang.Boolean",
      "java.lang.Object", "java.lang.Record");
  /** Only link-resolver's records and what they hold; bounded depth, references, bytes and arrays. */
  private static final ObjectInputFilter FILTER = info -> {
    if (info.depth() > 12 || info.references() > 10_000 || info.streamBytes() > MAX_VALUE
        || info.arrayLength() > MAX_VALUE) {
      return ObjectInputFilter.Status.REJECTED;
    }
    Class<?> c = info.serialClass();
    if (c == null) {
      return ObjectInputFilter.Status.ALLOWED;
    }
    while (c.isArray()) {
      c = c.getComponentType();
    }
    String n = c.getName();
    if (c.isPrimitive() || n.startsWith("io.telefetch.link.") || n.startsWith("java.util.ImmutableCollections$")
        || ALLOWED.contains(n)) {
      return ObjectInputFilter.Status.ALLOWED;
    }
    log.debug("cache value refused: it holds a {}", n);
    return ObjectInputFilter.Status.REJECTED;
  };

  private final RedisShared redis;
  private final String prefix;
  private final MetadataCache local;

  /** A cache under {@code prefix} on {@code redis}, with a local in-memory copy. */
  public RedisMetadataCache(RedisShared redis, String prefix) {
    this(redis, prefix, InMemoryMetadataCache.builder().build());
  }

  /** A cache under {@code prefix} on {@code redis}, keeping a copy in {@code local}. */
  public RedisMetadataCache(RedisShared redis, String prefix, MetadataCache local) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.local = Objects.requireNonNull(local, "local");
  }

  @Override
  public Optional<Peer> peer(String key) {
    Optional<Optional<String>> shared = redis.call(c -> Optional.ofNullable(c.get(prefix + "meta:peer:" + key)));
    if (shared.isEmpty()) {
      return local.peer(key); // Redis is away
    }
    return shared.get().flatMap(v -> read(v, Peer.class));
  }

  @Override
  public void putPeer(String key, Peer peer, Duration ttl) {
    local.putPeer(key, peer, ttl);
    put(prefix + "meta:peer:" + key, peer, ttl);
  }

  @Override
  public Optional<LinkMetadata> link(String key) {
    Optional<Optional<String>> shared = redis.call(c -> Optional.ofNullable(c.get(prefix + "meta:link:" + key)));
    if (shared.isEmpty()) {
      return local.link(key);
    }
    return shared.get().flatMap(v -> read(v, LinkMetadata.class));
  }

  @Override
  public void putLink(String key, LinkMetadata metadata, Duration ttl) {
    local.putLink(key, metadata, ttl);
    put(prefix + "meta:link:" + key, metadata, ttl);
  }

  @Override
  public void invalidate(String key) {
    local.invalidate(key);
    redis.run(c -> c.del(prefix + "meta:peer:" + key, prefix + "meta:link:" + key));
  }

  private void put(String redisKey, Serializable value, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      return;
    }
    String encoded = write(value);
    redis.run(c -> c.set(redisKey, encoded, SetArgs.Builder.px(ttl.toMillis())));
  }

  private static String write(Serializable value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  private static <T> Optional<T> read(String encoded, Class<T> type) {
    if (encoded.length() > MAX_VALUE * 4 / 3 + 4) {
      return Optional.empty();
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(encoded)))) {
      in.setObjectInputFilter(FILTER);
      Object o = in.readObject();
      return type.isInstance(o) ? Optional.of(type.cast(o)) : Optional.empty();
    } catch (IOException | ClassNotFoundException | IllegalArgumentException | ClassCastException e) {
      log.debug("unreadable cache value ignored: {}", e.toString());
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "RedisMetadataCache[" + prefix + ", " + redis + "]";
  }
}
