package io.telefetch.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.examples.cli.CliFixture.Run;
import io.telefetch.examples.serve.Gateway;
import io.telefetch.examples.serve.GatewayMetrics;
import io.telefetch.examples.serve.PoolNode;
import io.telefetch.examples.serve.ServeOptions;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.SessionData;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.pool.AccountRemoved;
import io.telefetch.redis.RedisFixture;
import io.telefetch.redis.RedisFloodRegistry;
import io.telefetch.redis.RedisLeases;
import io.telefetch.redis.RedisPoolEvents;
import io.telefetch.redis.RedisSessionStore;
import io.telefetch.redis.RedisShared;
import io.telefetch.redis.SessionKey;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code telefetch accounts} with the pool's state: {@code --redis} shows the group's leases, flood
 * waits per DC and departures from a real Redis; {@code --serve} asks a running gateway's {@code
 * /v1/accounts} (behind its token).
 */
class AccountsPoolStateTest {
  @TempDir
  Path tmp;

  @Test
  void theGroupsStateOnRedis() {
    try (RedisFixture redis = RedisFixture.start(); RedisShared shared = RedisShared.connect(redis.uri())) {
      Clock clock = Clock.systemUTC();
      Instant until = clock.instant().plus(Duration.ofHours(1));
      new RedisLeases(shared, "g:", "node-A", Duration.ofMinutes(5), clock).acquire("alpha").orElseThrow();
      new RedisLeases(shared, "g:", "node-B", Duration.ofMinutes(5), clock).acquire("bravo").orElseThrow();
      new RedisFloodRegistry(shared, "g:", clock).flooded("bravo", 2, until);
      new RedisSessionStore(shared, "g:", "charlie", SessionKey.of(new byte[32]), new SecureRandom())
          .save(SessionData.empty().withUser(123456789L, true));
      new RedisPoolEvents(shared, "g:", "node-A", clock).accountRemoved(new AccountRemoved("charlie",
          AccountRemoved.Reason.BANNED, new RuntimeException("USER_DEACTIVATED_BAN")));

      Run r = CliFixture.run(tmp.resolve("home"), "", "accounts", "--redis", redis.uri(), "--redis-prefix", "g:");
      assertThat(r.status()).as(r.toString()).isZero();
      List<String> lines = r.outLines();
      assertThat(lines.get(0)).contains("STATE").contains("HOLDER");
      assertThat(lines.get(1)).startsWith("alpha ").contains(" held ").contains(" node-A ");
      assertThat(lines.get(2)).startsWith("bravo ").contains(" flood_wait ").contains(" node-B ");
      assertThat(lines.get(3)).startsWith("charlie ").contains(" removed ").endsWith(" redis");
      assertThat(r.out()).contains("  bravo: flood-waiting on DC 2 until " + Instant.ofEpochMilli(until.toEpochMilli()))
          .contains("  charlie: left the pool: banned (seen by node node-A at ")
          .contains("  alpha: lease held by node node-A until ")
          .doesNotContain("123456789");

      redis.down();
      Run away = CliFixture.run(tmp.resolve("home"), "", "accounts", "--redis", redis.uri());
      assertThat(away.status()).isEqualTo(CliException.FAILED);
      assertThat(away.err()).contains("cannot reach Redis").doesNotContain("\tat ");
    }
  }

  @Test
  void aRunningGatewaysPoolBehindItsToken() throws Exception {
    String token = "accounts-cmd-token-0123456789";
    try (DemoCluster demo = DemoCluster.builder().dcs(1).file(FileSpec.parse("f.bin:4096"))
        .accounts(List.of("one", "two")).build().start()) {
      LaunchConfig cfg = demo.config();
      PoolNode.Opener opener = (name, store) -> {
        TelegramClient c = cfg.clientOptions().callTimeout(Duration.ofSeconds(60)).build();
        c.login(Login.botToken(cfg.account(name).orElseThrow().botToken())).get(60, TimeUnit.SECONDS);
        return c;
      };
      try (PoolNode node = PoolNode.builder(opener).accounts(List.of("one", "two")).start();
          Gateway g = Gateway.start(node, ServeOptions.builder().port(0).token(token).build(), new GatewayMetrics())) {
        String url = "http://127.0.0.1:" + g.port();
        Run r = CliFixture.run(tmp.resolve("home"), "", "accounts", "--serve", url, "--token", token);
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.outLines().get(1)).startsWith("one ").contains(" active ").containsPattern("\\d\\d\\*\\*\\*\\d\\d");
        assertThat(r.outLines().get(2)).startsWith("two ").contains(" active ");
        assertThat(r.out()).contains("  one: parts fetched 0, in flight 0");

        Run noToken = CliFixture.run(tmp.resolve("home"), "", "accounts", "--serve", url);
        assertThat(noToken.status()).isEqualTo(CliException.USAGE);
        assertThat(noToken.err()).contains("wants its token").contains("--token");
      }
    }
  }
}
