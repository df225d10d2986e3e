package io.telefetch.redis;

import io.telefetch.pool.AccountPool;
import io.telefetch.pool.PoolAccount;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's {@link AccountPool} to the accounts whose leases it holds: each {@link #tick()}
 * renews the leases held, drops from the pool the accounts whose lease another node took, and
 * acquires the free ones (those of a node that died, once their TTL passed), adding them to the
 * pool through {@code open} (which builds the account's client, e.g. from its {@link
 * RedisSessionStore}). The caller ticks well within the lease TTL (a third of it, say); ticking is
 * explicit so a simulated clock can drive it.
 */
public final class LeasedAccounts {
  private static final Logger log = LoggerFactory.getLogger(LeasedAccounts.class);

  private final RedisLeases leases;
  private final AccountPool pool;
  private final List<String> names;
  private final Function<String, PoolAccount> open;
  private final Map<String, RedisLeases.Lease> held = new HashMap<>();

  /**
   * @param names every account of the group of nodes (each node lists them all)
   * @param open builds the pool account for a name this node just acquired
   */
  public LeasedAccounts(RedisLeases leases, AccountPool pool, List<String> names, Function<String, PoolAccount> open) {
    this.leases = Objects.requireNonNull(leases, "leases");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.names = List.copyOf(names);
    this.open = Objects.requireNonNull(open, "open");
  }

  /** Renews, drops and acquires as described above; returns the names this node holds now. */
  public synchronized java.util.SortedSet<String> tick() {
    for (String name : names) {
      RedisLeases.Lease lease = held.get(name);
      if (lease != null) {
        Optional<RedisLeases.Lease> renewed = leases.renew(lease);
        if (renewed.isPresent()) {
          held.put(name, renewed.get());
        } else {
          held.remove(name);
          log.warn("lost the lease of account {}: another node serves it now", name);
          pool.remove(name);
        }
        continue;
      }
      Optional<RedisLeases.Lease> got = leases.acquire(name);
      if (got.isPresent()) {
        boolean inPool = pool.activeAccounts().stream().anyMatch(a -> a.name().equals(name));
        if (!inPool) {
          PoolAccount account;
          try {
            account = open.apply(name);
          } catch (RuntimeException e) {
            log.warn("cannot open account {}: leaving its lease", name, e);
            leases.release(got.get());
            continue;
          }
          pool.add(account);
        }
        held.put(name, got.get());
        log.info("node {} serves account {} (lease token {})", leases.node(), name, got.get().token());
      }
    }
    return new TreeSet<>(held.keySet());
  }

  /** The lease held for {@code name}, if any. */
  public synchronized Optional<RedisLeases.Lease> lease(String name) {
    return Optional.ofNullable(held.get(name));
  }

  /** Gives up every lease (a node shutting down cleanly hands its accounts over at once). */
  public synchronized void releaseAll() {
    for (RedisLeases.Lease l : held.values()) {
      leases.release(l);
    }
    held.clear();
  }

  @Override
  public synchronized String toString() {
    return "LeasedAccounts[" + leases.node() + ", holds " + new TreeSet<>(held.keySet()) + "]";
  }
}
