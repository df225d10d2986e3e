package io.telefetch.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A real Redis per test class ({@link RedisFixture}), two nodes' connections to it ({@code nodeA},
 * {@code nodeB}) and a raw Lettuce connection to look at what they stored. Test classes run one after
 * another (no parallel execution), so the static fields belong to one class at a time.
 */
abstract class OnRedis {
  static RedisFixture redis;
  static RedisShared nodeA;
  static RedisShared nodeB;
  static RedisClient raw;
  static StatefulRedisConnection<String, String> rawConnection;

  @BeforeAll
  static void startRedis() {
    redis = RedisFixture.start();
    nodeA = RedisShared.connect(redis.uri());
    nodeB = RedisShared.connect(redis.uri());
    raw = RedisClient.create(redis.uri());
    rawConnection = raw.connect();
  }

  @AfterAll
  static void stopRedis() {
    rawConnection.close();
    raw.shutdown();
    nodeA.close();
    nodeB.close();
    redis.close();
  }
}
