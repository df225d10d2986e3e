package io.telefetch.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.pool.AccountLimits;
import io.telefetch.pool.AccountPool;
import io.telefetch.pool.AccountRemoved;
import io.telefetch.pool.PoolAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link LeasedAccounts} of two nodes on a real Redis and a simulated clock: standby accounts wait a
 * TTL for their owner, a dead node's accounts are taken over, a node that lost a lease drops the
 * account and hears of it; who holds what is readable ({@link RedisLeases#holding}); why accounts left
 * is shared ({@link RedisPoolEvents}).
 */
class LeasedAccountsTest extends OnRedis {
  static final Duration TTL = Duration.ofSeconds(30);
  /** Clients that never connect (nothing is called on them): the pool only needs them as handles. */
  static final Map<String, TelegramClient> clients = new ConcurrentHashMap<>();

  @BeforeAll
  static void clients() {
    for (String n : List.of("a", "b", "c", "d")) {
      clients.put(n, TelegramClient.builder().apiId(1).apiHash("0123456789abcdef0123456789abcdef").build());
    }
  }

  @AfterAll
  static void closeClients() {
    clients.values().forEach(TelegramClient::close);
  }

  static PoolAccount open(String name) {
    return PoolAccount.of(name, clients.get(name), AccountLimits.free());
  }

  static List<String> active(AccountPool pool) {
    return pool.activeAccounts().stream().map(PoolAccount::name).toList();
  }

  @Test
  void standbyAccountsWaitATtlForTheirOwnerThenADeadNodesAreTakenOver() {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    RedisLeases leasesA = new RedisLeases(nodeA, "la:", "A", TTL, clock);
    RedisLeases leasesB = new RedisLeases(nodeB, "la:", "B", TTL, clock);
    AccountPool poolA = AccountPool.builder().build();
    AccountPool poolB = AccountPool.builder().build();
    List<String> all = List.of("a", "b", "c", "d");
    LeasedAccounts a = new LeasedAccounts(leasesA, poolA, all, LeasedAccountsTest::open).standby(List.of("c", "d"));
    LeasedAccounts b = new LeasedAccounts(leasesB, poolB, all, LeasedAccountsTest::open).standby(List.of("a", "b"));

    // A starts first: it takes its own accounts only, B's are left for B
    assertThat(a.tick()).containsExactly("a", "b");
    clock.advance(Duration.ofSeconds(5));
    assertThat(b.tick()).containsExactly("c", "d");
    assertThat(active(poolA)).containsExactly("a", "b");
    assertThat(leasesA.leased()).containsExactly("a", "b", "c", "d");
    assertThat(leasesA.holding("c")).hasValueSatisfying(h -> {
      assertThat(h.node()).isEqualTo("B");
      assertThat(h.end()).isEqualTo(clock.instant().plus(TTL));
    });

    // both tick past a TTL: nothing moves while both are alive
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(10));
      assertThat(a.tick()).containsExactly("a", "b");
      assertThat(b.tick()).containsExactly("c", "d");
    }

    // B dies (ticks no more): once its leases end, A's next tick takes c and d
    clock.advance(Duration.ofSeconds(10));
    assertThat(a.tick()).containsExactly("a", "b");
    clock.advance(TTL);
    assertThat(a.tick()).containsExactly("a", "b", "c", "d");
    assertThat(active(poolA)).containsExactly("a", "b", "c", "d");
    assertThat(leasesB.holder("d")).contains("A");

    // B comes back: fenced off, it drops c and d and hears of each
    List<String> dropped = new ArrayList<>();
    b.onDropped(acc -> dropped.add(acc.name()));
    assertThat(b.tick()).isEmpty();
    assertThat(active(poolB)).isEmpty();
    assertThat(dropped).containsExactly("c", "d");
    assertThat(poolB.status()).allSatisfy(s -> assertThat(s.removed()).contains(AccountRemoved.Reason.REMOVED));
  }

  @Test
  void whyAnAccountLeftIsSharedAndForgottenWhenItRejoins() {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    RedisPoolEvents onA = new RedisPoolEvents(nodeA, "ev:", "A", clock);
    RedisPoolEvents onB = new RedisPoolEvents(nodeB, "ev:", "B", clock);
    onA.accountRemoved(new AccountRemoved("a", AccountRemoved.Reason.BANNED, new RuntimeException("USER_DEACTIVATED_BAN")));
    onA.accountRemoved(new AccountRemoved("b", AccountRemoved.Reason.REMOVED, new RuntimeException("lease lost")));
    assertThat(onB.left("a")).contains(new RedisPoolEvents.Left(AccountRemoved.Reason.BANNED, "A", clock.instant()));
    assertThat(onB.left("b")).as("an owner's own removal is no departure").isEmpty();
    assertThat(rawConnection.sync().ttl("ev:left:a")).isPositive();
    onB.rejoined("a");
    assertThat(onA.left("a")).isEmpty();
    rawConnection.sync().set("ev:left:c", "NOT_A_REASON|x|1");
    assertThat(onA.left("c")).isEmpty();
  }

  @Test
  void storedSessionsAreListedByName() {
    SessionKey key = SessionKey.of(new byte[32]);
    for (String n : List.of("x", "y*z")) {
      new RedisSessionStore(nodeA, "st:", n.replace("*", "."), key, new java.security.SecureRandom())
          .save(io.telefetch.mtproto.client.SessionData.empty().withUser(42, true));
    }
    rawConnection.sync().set("st:sessionless", "not a session key");
    rawConnection.sync().set("other:session:q", "another group");
    assertThat(RedisSessionStore.stored(nodeB, "st:")).containsExactly("x", "y.z");
  }
}
