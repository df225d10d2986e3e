package io.telefetch.pool;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory {@link FloodRegistry}: one entry per (account, DC), expired entries dropped when
 * read. Bounded by the number of accounts times DCs the pool uses.
 */
public final class LocalFloodRegistry implements FloodRegistry {
  private record Key(String account, int dcId) {}

  private final Map<Key, Instant> until = new ConcurrentHashMap<>();

  /** An empty registry. */
  public LocalFloodRegistry() {}

  @Override
  public void flooded(String account, int dcId, Instant until) {
    this.until.merge(new Key(account, dcId), until, (a, b) -> a.isAfter(b) ? a : b);
  }

  @Override
  public Optional<Instant> floodedUntil(String account, int dcId, Instant now) {
    Key key = new Key(account, dcId);
    Instant t = until.get(key);
    if (t == null) {
      return Optional.empty();
    }
    if (!t.isAfter(now)) {
      until.remove(key, t);
      return Optional.empty();
    }
    return Optional.of(t);
  }

  @Override
  public Map<Integer, Instant> floods(String account, Instant now) {
    Map<Integer, Instant> out = new java.util.TreeMap<>();
    until.forEach((k, t) -> {
      if (k.account().equals(account) && t.isAfter(now)) {
        out.put(k.dcId(), t);
      }
    });
    return out;
  }

  @Override
  public String toString() {
    return "LocalFloodRegistry[" + until.size() + " entries]";
  }
}
