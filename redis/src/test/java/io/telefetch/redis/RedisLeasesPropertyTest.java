package io.telefetch.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RedisLeases} on a real Redis and a simulated clock, driven by seeded random schedules of
 * three nodes acquiring, renewing, releasing, crashing (forgetting their lease and going silent) and
 * coming back: a lease is never valid on two nodes at once, every new holder gets a larger fencing
 * token, and a lease nobody holds validly (its holder died and its TTL passed) is always taken over
 * by the next node that asks.
 */
class RedisLeasesPropertyTest {
  static final Duration TTL = Duration.ofSeconds(10);
  static RedisFixture redis;
  static final List<RedisShared> connections = new ArrayList<>();

  @BeforeAll
  static void start() {
    redis = RedisFixture.start();
    for (int i = 0; i < 3; i++) {
      connections.add(RedisShared.connect(redis.uri()));
    }
  }

  @AfterAll
  static void stop() {
    connections.forEach(RedisShared::close);
    redis.close();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 20261205})
  void neverTwoHoldersAlwaysTakenOverAfterTheTtl(long seed) {
    Random random = new Random(seed);
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    String prefix = "prop" + seed + ":";
    String account = "acc";
    int nodes = 3;
    List<RedisLeases> leases = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      leases.add(new RedisLeases(connections.get(i), prefix, "node" + i, TTL, clock));
    }
    @SuppressWarnings("unchecked")
    Optional<RedisLeases.Lease>[] held = new Optional[nodes];
    boolean[] dead = new boolean[nodes];
    for (int i = 0; i < nodes; i++) {
      held[i] = Optional.empty();
    }
    Instant[] ghost = new Instant[nodes]; // the end of the lease a crashed node forgot (Redis still has it)
    long maxToken = 0;
    int tokenHolder = -1;
    int takeovers = 0;
    int acquisitions = 0;
    for (int step = 0; step < 600; step++) {
      clock.advance(Duration.ofMillis(random.nextInt((int) (TTL.toMillis() * 7 / 10))));
      int n = random.nextInt(nodes);
      int action = random.nextInt(10);
      Instant now = clock.instant();
      if (action == 0 && !dead[n]) {
        dead[n] = true; // crash: the lease is forgotten, nothing is released
        ghost[n] = held[n].map(RedisLeases.Lease::end).orElse(null);
        held[n] = Optional.empty();
        continue;
      }
      if (dead[n]) {
        if (action < 3) {
          dead[n] = false;
        }
        continue;
      }
      boolean anyValid = false;
      for (int i = 0; i < nodes; i++) {
        anyValid |= i != n && held[i].isPresent() && held[i].get().validAt(now);
        anyValid |= i != n && ghost[i] != null && now.isBefore(ghost[i]);
      }
      Optional<RedisLeases.Lease> before = held[n];
      if (action == 1 && before.isPresent()) {
        leases.get(n).release(before.get());
        held[n] = Optional.empty();
        continue;
      }
      Optional<RedisLeases.Lease> after = before.isPresent() ? leases.get(n).renew(before.get())
          : leases.get(n).acquire(account);
      if (!anyValid) {
        assertThat(after).as("seed %d step %d: nobody holds it validly, so node%d gets it", seed, step, n).isPresent();
      }
      if (after.isPresent()) {
        long token = after.get().token();
        if (token == maxToken) {
          // the same lease, renewed (or re-acquired by the node that held it, after a restart)
          assertThat(tokenHolder).as("seed %d step %d: only its holder keeps a token", seed, step).isEqualTo(n);
        } else {
          assertThat(token).as("seed %d step %d: a new holder's token grows", seed, step).isGreaterThan(maxToken);
          maxToken = token;
          acquisitions++;
          if (tokenHolder != n) {
            takeovers++;
          }
          tokenHolder = n;
        }
        ghost[n] = null;
        assertThat(after.get().end()).isEqualTo(now.plus(TTL));
      }
      held[n] = after;
      int valid = 0;
      for (int i = 0; i < nodes; i++) {
        if (held[i].isPresent() && held[i].get().validAt(now)) {
          valid++;
        }
      }
      assertThat(valid).as("seed %d step %d: holders at once", seed, step).isLessThanOrEqualTo(1);
      Optional<String> holder = leases.get(0).holder(account);
      if (after.isPresent()) {
        assertThat(holder).contains("node" + n);
      }
    }
    assertThat(acquisitions).as("the schedule exercised takeovers").isGreaterThan(5);
    assertThat(takeovers).isGreaterThan(3);
  }

  @Test
  void aDeadNodesLeaseIsTakenOverOnlyAfterItsTtl() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    RedisLeases a = new RedisLeases(connections.get(0), "dead:", "a", TTL, clock);
    RedisLeases b = new RedisLeases(connections.get(1), "dead:", "b", TTL, clock);
    RedisLeases.Lease la = a.acquire("x").orElseThrow();
    clock.advance(TTL.minusMillis(1));
    assertThat(b.acquire("x")).isEmpty();
    clock.advance(Duration.ofMillis(1));
    RedisLeases.Lease lb = b.acquire("x").orElseThrow();
    assertThat(lb.token()).isGreaterThan(la.token());
    // the old holder's renew is fenced off: it learns that it lost the account
    assertThat(a.renew(la)).isEmpty();
    assertThat(a.holder("x")).contains("b");
  }
}
