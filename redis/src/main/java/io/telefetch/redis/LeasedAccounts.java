package io.telefetch.redis;

import io.telefetch.pool.AccountPool;
import io.telefetch.pool.PoolAccount;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's {@link AccountPool} to the accounts whose leases it holds: each {@link #tick()}
 * renews the leases held, drops from the pool the accounts whose lease another node took, and
 * acquires the free ones (those of a node that died, once their TTL passed), adding them to the
 * pool through {@code open} (which builds the account's client, e.g. from its {@link
 * RedisSessionStore}). The caller ticks well within the lease TTL (a third of it, say); ticking is
 * explicit so a simulated clock can drive it.
 *
 * <p>{@link #standby} accounts are another node's to serve: this node takes one only once it has
 * ticked for a whole lease TTL and the lease is still free (its owner is down, or died), so nodes
 * started together each get their own accounts. {@link #onDropped} hears of the accounts this node
 * stopped serving (to close their clients once their parts in flight are done).
 */
public final class LeasedAccounts {
  private static final Logger log = LoggerFactory.getLogger(LeasedAccounts.class);

  private final RedisLeases leases;
  private final AccountPool pool;
  private final List<String> names;
  private final Function<String, PoolAccount> open;
  private final Map<String, RedisLeases.Lease> held = new HashMap<>();
  private final Set<String> standby = new LinkedHashSet<>();
  private Consumer<PoolAccount> dropped = a -> {};
  private @Nullable Instant firstTick;

  /**
   * @param names the accounts this node may serve (each node of a group lists those it should serve
   *     and those it should take over)
   * @param open builds the pool account for a name this node just acquired
   */
  public LeasedAccounts(RedisLeases leases, AccountPool pool, List<String> names, Function<String, PoolAccount> open) {
    this.leases = Objects.requireNonNull(leases, "leases");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.names = List.copyOf(new LinkedHashSet<>(names));
    this.open = Objects.requireNonNull(open, "open");
  }

  /**
   * Marks {@code names} (some of the names given) as standby: acquired only when still free a lease
   * TTL after this node's first tick. Returns this.
   */
  public synchronized LeasedAccounts standby(java.util.Collection<String> names) {
    for (String n : names) {
      if (!this.names.contains(n)) {
        throw new IllegalArgumentException("not one of this node's accounts: " + n);
      }
    }
    standby.addAll(names);
    return this;
  }

  /** Called (on the ticking thread) with each account this node stopped serving. Returns this. */
  public synchronized LeasedAccounts onDropped(Consumer<PoolAccount> dropped) {
    this.dropped = Objects.requireNonNull(dropped, "dropped");
    return this;
  }

  /** Every account this node may serve, in order. */
  public List<String> names() {
    return names;
  }

  /** The accounts only taken over (see {@link #standby}). */
  public synchronized Set<String> standbyNames() {
    return Set.copyOf(standby);
  }

  /** Renews, drops and acquires as described above; returns the names this node holds now. */
  public synchronized java.util.SortedSet<String> tick() {
    Instant now = leases.clock().instant();
    if (firstTick == null) {
      firstTick = now;
    }
    boolean takeOver = !now.isBefore(firstTick.plus(leases.ttl()));
    for (String name : names) {
      RedisLeases.Lease lease = held.get(name);
      if (lease != null) {
        Optional<RedisLeases.Lease> renewed = leases.renew(lease);
        if (renewed.isPresent()) {
          held.put(name, renewed.get());
        } else {
          held.remove(name);
          if (leases.redisAvailable()) {
            log.warn("lost the lease of account {}: another node serves it now", name);
          } else {
            log.warn("the lease of account {} ended while Redis is away: not serving it until Redis returns", name);
          }
          drop(name);
        }
        continue;
      }
      if (standby.contains(name) && !takeOver) {
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
            log.warn("cannot open account {}: leaving its lease ({})", name, e.toString());
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

  private void drop(String name) {
    Optional<PoolAccount> account = pool.activeAccounts().stream().filter(a -> a.name().equals(name)).findFirst();
    pool.remove(name);
    account.ifPresent(a -> {
      try {
        dropped.accept(a);
      } catch (RuntimeException e) {
        log.warn("onDropped failed for {}", name, e);
      }
    });
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
