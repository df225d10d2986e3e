package io.telefetch.link;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a {@link LinkResolver} keeps what it learnt: usernames and channel ids to {@link Peer}s
 * (with the account's access hash), and links to their {@link LinkMetadata}; each entry with its
 * own time to live. Values are plain serialisable records (primitives, strings, byte arrays), so
 * an implementation may keep them out of process (a Redis one comes with the scale-out work).
 *
 * <p>Access hashes and file references belong to one account: give each account its own cache (or
 * its own key space). Implementations are thread-safe; a lookup never blocks on I/O for long
 * (they are called on the resolver's callback threads). The default is {@link #inMemory()}.
 *
 * <p>Keys are short strings the resolver builds: {@code username:<lower-case username>}, {@code
 * channel:<id>}, {@code link:<canonical link>} (an invite's key carries a hash of its invite hash,
 * never the hash itself).
 */
public interface MetadataCache {
  /** The peer stored under {@code key}, unless missing or expired. */
  Optional<Peer> peer(String key);

  /** Stores {@code peer} under {@code key} for {@code ttl}. */
  void putPeer(String key, Peer peer, Duration ttl);

  /** The link metadata stored under {@code key}, unless missing or expired. */
  Optional<LinkMetadata> link(String key);

  /** Stores {@code metadata} under {@code key} for {@code ttl}. */
  void putLink(String key, LinkMetadata metadata, Duration ttl);

  /** Forgets {@code key} (a peer or a link). */
  void invalidate(String key);

  /** An in-memory cache on Caffeine with default bounds (see {@link InMemoryMetadataCache}). */
  static MetadataCache inMemory() {
    return InMemoryMetadataCache.builder().build();
  }

  /** A cache that keeps nothing: every resolve asks Telegram. */
  static MetadataCache none() {
    return NoCache.INSTANCE;
  }

  /** The cache of {@link #none()}. */
  enum NoCache implements MetadataCache {
    INSTANCE;

    @Override
    public Optional<Peer> peer(String key) {
      return Optional.empty();
    }

    @Override
    public void putPeer(String key, Peer peer, Duration ttl) {}

    @Override
    public Optional<LinkMetadata> link(String key) {
      return Optional.empty();
    }

    @Override
    public void putLink(String key, LinkMetadata metadata, Duration ttl) {}

    @Override
    public void invalidate(String key) {}
  }
}
