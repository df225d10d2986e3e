package io.telefetch.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.link.LinkMetadata;
import io.telefetch.link.Peer;
import io.telefetch.link.TelegramLink;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RedisMetadataCache} on a real Redis, shared by two nodes: values, TTLs, planted values, outages. */
class RedisMetadataCacheTest extends OnRedis {

  static final Peer CHANNEL = new Peer(Peer.Type.CHANNEL, 1001L, 77L, "somechannel", "Some channel", 5L, 2);

  @Test
  void oneNodesEntriesServeTheOtherWithTheirTtl() {
    RedisMetadataCache a = new RedisMetadataCache(nodeA, "m1:");
    RedisMetadataCache b = new RedisMetadataCache(nodeB, "m1:");
    LinkMetadata meta = new LinkMetadata(TelegramLink.Kind.POST, CHANNEL, List.of(10, 11), List.of(), null);
    a.putPeer("somechannel", CHANNEL, Duration.ofMinutes(10));
    a.putLink("t.me/somechannel/10", meta, Duration.ofSeconds(30));

    assertThat(b.peer("somechannel")).contains(CHANNEL);
    assertThat(b.link("t.me/somechannel/10")).contains(meta);
    long peerTtl = rawConnection.sync().pttl("m1:meta:peer:somechannel");
    long linkTtl = rawConnection.sync().pttl("m1:meta:link:t.me/somechannel/10");
    assertThat(peerTtl).isBetween(Duration.ofMinutes(9).toMillis(), Duration.ofMinutes(10).toMillis());
    assertThat(linkTtl).isBetween(Duration.ofSeconds(20).toMillis(), Duration.ofSeconds(30).toMillis());

    b.invalidate("somechannel");
    assertThat(a.peer("somechannel")).isEmpty();
    assertThat(b.link("nothing")).isEmpty();
  }

  @Test
  void anEntryExpiresInRedisAfterItsTtl() throws Exception {
    RedisMetadataCache a = new RedisMetadataCache(nodeA, "m2:");
    RedisMetadataCache b = new RedisMetadataCache(nodeB, "m2:");
    a.putPeer("short", CHANNEL, Duration.ofMillis(200));
    assertThat(b.peer("short")).contains(CHANNEL);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (b.peer("short").isPresent() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(b.peer("short")).isEmpty();
    assertThat(rawConnection.sync().exists("m2:meta:peer:short")).isZero();
  }

  @Test
  void aPlantedValueIsAMissNeverAnObject() {
    RedisMetadataCache b = new RedisMetadataCache(nodeB, "m3:");
    rawConnection.sync().set("m3:meta:peer:x", "not base64!");
    assertThat(b.peer("x")).isEmpty();
    // a serialised object of a class outside the filter (java.util.HashMap) is refused
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(new java.util.HashMap<>(java.util.Map.of("a", 1)));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    rawConnection.sync().set("m3:meta:peer:y", java.util.Base64.getEncoder().encodeToString(bytes.toByteArray()));
    assertThat(b.peer("y")).isEmpty();
  }

  @Test
  void servesFromLocalStateWhileRedisIsAwayAndLogsItOnce() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(RedisShared.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
        new ch.qos.logback.core.read.ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      RedisMetadataCache a = new RedisMetadataCache(nodeA, "m4:");
      a.putPeer("kept", CHANNEL, Duration.ofMinutes(5));
      redis.down();
      try {
        for (int i = 0; i < 20; i++) {
          assertThat(a.peer("kept")).contains(CHANNEL);
        }
        a.putPeer("during", CHANNEL, Duration.ofMinutes(5)); // no exception
        assertThat(a.peer("during")).contains(CHANNEL);
        assertThat(nodeA.available()).isFalse();
        assertThat(events.list).filteredOn(e -> e.getFormattedMessage().contains("is unavailable")).hasSize(1);
      } finally {
        redis.up();
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      RedisMetadataCache b = new RedisMetadataCache(nodeB, "m4:");
      while ((!nodeA.available() || !nodeB.available()) && System.nanoTime() < deadline) {
        a.peer("kept");
        b.peer("kept");
        RedisSessionStoreTest.sleep(50);
      }
      assertThat(nodeA.available()).isTrue();
      assertThat(nodeB.available()).isTrue();
      a.putPeer("after", CHANNEL, Duration.ofMinutes(5));
      assertThat(b.peer("after")).contains(CHANNEL);
    } finally {
      logger.detachAppender(events);
    }
  }
}
