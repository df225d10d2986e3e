package io.telefetch.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link RedisFloodRegistry} shared by two nodes on a real Redis, on a simulated clock. */
class RedisFloodRegistryTest extends OnRedis {

  @Test
  void aFloodIsSharedPerAccountAndDcAndALaterOneWins() {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    RedisFloodRegistry a = new RedisFloodRegistry(nodeA, "fr:", clock, Duration.ZERO);
    RedisFloodRegistry b = new RedisFloodRegistry(nodeB, "fr:", clock, Duration.ZERO);
    Instant now = clock.instant();
    a.flooded("alice", 2, now.plusSeconds(100));
    assertThat(b.floodedUntil("alice", 2, now)).contains(now.plusSeconds(100));
    assertThat(b.floodedUntil("alice", 1, now)).isEmpty(); // per DC
    assertThat(b.floodedUntil("bob", 2, now)).isEmpty(); // per account
    b.flooded("alice", 2, now.plusSeconds(10)); // shorter: does not shorten the shared one
    assertThat(a.floodedUntil("alice", 2, now)).contains(now.plusSeconds(100));
    assertThat(rawConnection.sync().pttl("fr:flood:alice:2")).isBetween(90_000L, 100_000L);
    b.flooded("alice", 2, now.plusSeconds(300)); // longer: wins
    assertThat(a.floodedUntil("alice", 2, now)).contains(now.plusSeconds(300));
    clock.advance(Duration.ofSeconds(301));
    assertThat(a.floodedUntil("alice", 2, clock.instant())).isEmpty();
  }

  @Test
  void anotherNodesFloodIsSeenWithinTheRefresh() {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    RedisFloodRegistry a = new RedisFloodRegistry(nodeA, "fr3:", clock, Duration.ofSeconds(1));
    RedisFloodRegistry b = new RedisFloodRegistry(nodeB, "fr3:", clock, Duration.ofSeconds(1));
    Instant now = clock.instant();
    assertThat(b.floodedUntil("dave", 1, now)).isEmpty();
    a.flooded("dave", 1, now.plusSeconds(600));
    assertThat(a.floodedUntil("dave", 1, now)).contains(now.plusSeconds(600)); // its own: at once
    assertThat(b.floodedUntil("dave", 1, now)).isEmpty(); // read less than a second ago
    clock.advance(Duration.ofSeconds(1));
    assertThat(b.floodedUntil("dave", 1, clock.instant())).contains(now.plusSeconds(600));
  }

  @Test
  void aNodeRemembersItsOwnFloodsWhileRedisIsAway() {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    RedisFloodRegistry a = new RedisFloodRegistry(nodeA, "fr2:", clock);
    Instant now = clock.instant();
    redis.down();
    try {
      a.flooded("carol", 4, now.plusSeconds(60));
      assertThat(a.floodedUntil("carol", 4, now)).contains(now.plusSeconds(60));
    } finally {
      redis.up();
    }
  }

  @Test
  void everyDcAnAccountIsFloodedOnMergesSharedAndOwn() {
    MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    RedisFloodRegistry a = new RedisFloodRegistry(nodeA, "fr4:", clock, Duration.ZERO);
    RedisFloodRegistry b = new RedisFloodRegistry(nodeB, "fr4:", clock, Duration.ZERO);
    Instant now = clock.instant();
    a.flooded("erin", 2, now.plusSeconds(100));
    a.flooded("erin", 4, now.plusSeconds(50));
    b.flooded("erin", 4, now.plusSeconds(70)); // B's later end wins on DC 4
    b.flooded("erin*", 1, now.plusSeconds(10)); // a glob character is a name, not a pattern
    a.flooded("erinn", 3, now.plusSeconds(10));
    assertThat(b.floods("erin", now)).containsExactly(java.util.Map.entry(2, now.plusSeconds(100)),
        java.util.Map.entry(4, now.plusSeconds(70)));
    assertThat(a.floods("erin*", now)).containsOnlyKeys(1);
    clock.advance(Duration.ofSeconds(80));
    assertThat(a.floods("erin", clock.instant())).containsOnlyKeys(2);
    redis.down();
    try {
      assertThat(a.floods("erin", clock.instant())).as("its own, while Redis is away").containsOnlyKeys(2);
      assertThat(b.floods("erin", clock.instant())).as("B saw none itself").isEmpty();
    } finally {
      redis.up();
    }
  }
}
