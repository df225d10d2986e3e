package io.telefetch.link;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The default {@link MetadataCache}: bounded, in memory, on Caffeine, each entry expiring after its
 * own time to live as measured by an injectable nanosecond ticker (tests pass a fake one).
 *
 * <pre>{@code
 * MetadataCache cache = InMemoryMetadataCache.builder().maximumSize(50_000).build();
 * }</pre>
 */
public final class InMemoryMetadataCache implements MetadataCache {
  private record Entry(Object value, long ttlNanos) {}

  private final Cache<String, Entry> cache;
  private final long maximumSize;

  private InMemoryMetadataCache(Builder b) {
    this.maximumSize = b.maximumSize;
    LongSupplier ticker = b.ticker;
    Caffeine<Object, Object> c = Caffeine.newBuilder().maximumSize(b.maximumSize);
    if (ticker != null) {
      c.ticker(ticker::getAsLong);
    }
    if (b.sameThread) {
      c.executor(Runnable::run);
    }
    this.cache = c.expireAfter(new Expiry<String, Entry>() {
      @Override
      public long expireAfterCreate(String key, Entry value, long currentTime) {
        return value.ttlNanos();
      }

      @Override
      public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
        return value.ttlNanos();
      }

      @Override
      public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
        return currentDuration;
      }
    }).build();
  }

  /** A builder with the defaults: at most 10,000 entries, the system ticker. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<Peer> peer(String key) {
    Entry e = cache.getIfPresent(Objects.requireNonNull(key, "key"));
    return e != null && e.value() instanceof Peer p ? Optional.of(p) : Optional.empty();
  }

  @Override
  public void putPeer(String key, Peer peer, Duration ttl) {
    put(key, Objects.requireNonNull(peer, "peer"), ttl);
  }

  @Override
  public Optional<LinkMetadata> link(String key) {
    Entry e = cache.getIfPresent(Objects.requireNonNull(key, "key"));
    return e != null && e.value() instanceof LinkMetadata m ? Optional.of(m) : Optional.empty();
  }

  @Override
  public void putLink(String key, LinkMetadata metadata, Duration ttl) {
    put(key, Objects.requireNonNull(metadata, "metadata"), ttl);
  }

  @Override
  public void invalidate(String key) {
    cache.invalidate(Objects.requireNonNull(key, "key"));
  }

  /** How many entries are held (expired ones may count until the next maintenance). */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  private void put(String key, Object value, Duration ttl) {
    Objects.requireNonNull(key, "key");
    if (ttl.isNegative() || ttl.isZero()) {
      cache.invalidate(key);
      return;
    }
    long nanos;
    try {
      nanos = ttl.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE / 2;
    }
    cache.put(key, new Entry(value, nanos));
  }

  @Override
  public String toString() {
    return "InMemoryMetadataCache{maximumSize=" + maximumSize + "}";
  }

  /** Options of an {@link InMemoryMetadataCache}. */
  public static final class Builder {
    private long maximumSize = 10_000;
    private LongSupplier ticker;
    private boolean sameThread;

    private Builder() {}

    /** At most this many entries (the least recently used go first); default 10,000. */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize <= 0) {
        throw new IllegalArgumentException("maximumSize must be positive: " + maximumSize);
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * The time source in nanoseconds that entries expire by (default {@link System#nanoTime});
     * a test passes a fake one and cleanup then runs on the calling thread.
     */
    public Builder ticker(LongSupplier nanos) {
      this.ticker = Objects.requireNonNull(nanos, "nanos");
      this.sameThread = true;
      return this;
    }

    public InMemoryMetadataCache build() {
      return new InMemoryMetadataCache(this);
    }
  }
}
