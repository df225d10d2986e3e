package io.telefetch.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.mtproto.client.SessionData;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RedisSessionStore} on a real Redis: round trip, encrypted at rest, wrong key typed, outages. */
class RedisSessionStoreTest extends OnRedis {

  static SessionKey key(long seed) {
    byte[] k = new byte[32];
    new Random(seed).nextBytes(k);
    return SessionKey.of(k);
  }

  static byte[] authKeyBytes(long seed) {
    byte[] k = new byte[256];
    new Random(seed).nextBytes(k);
    return k;
  }

  static SessionData session(long seed) {
    return SessionData.empty().withMainDc(2).withUser(1234567L + seed, false)
        .withKey(SessionData.DcKey.of(2, authKeyBytes(seed), 99L, 5L, true));
  }

  RedisSessionStore store(String name, SessionKey key) {
    return new RedisSessionStore(nodeA, "t:", name, key, new SecureRandom());
  }

  @Test
  void roundTripEncryptedAtRest() {
    SessionKey k = key(1);
    store("alice", k).save(session(1));
    SessionData loaded = store("alice", k).load().orElseThrow();
    assertThat(loaded.toSessionString()).isEqualTo(session(1).toSessionString());
    assertThat(loaded.key(2).orElseThrow()).isEqualTo(SessionData.DcKey.of(2, authKeyBytes(1), 99L, 5L, true))
        .isNotEqualTo(SessionData.DcKey.of(2, authKeyBytes(2), 99L, 5L, true));

    String stored = rawConnection.sync().get("t:session:alice");
    byte[] bytes = Base64.getDecoder().decode(stored);
    String hex = HexFormat.of().formatHex(bytes);
    // neither the auth key nor the encryption key is in the value, in any encoding we know of
    assertThat(hex).doesNotContain(HexFormat.of().formatHex(authKeyBytes(1), 0, 16));
    assertThat(stored).doesNotContain(Base64.getEncoder().encodeToString(authKeyBytes(1)).substring(0, 24));
    assertThat(stored).doesNotContain(session(1).toSessionString().substring(0, 24));
    assertThat(k.appearsIn(bytes)).isFalse();
    // two saves of the same state differ (fresh nonce)
    store("alice", k).save(session(1));
    assertThat(rawConnection.sync().get("t:session:alice")).isNotEqualTo(stored);
  }

  @Test
  void wrongKeyAndTamperingFailTyped() {
    store("bob", key(2)).save(session(2));
    assertThatThrownBy(() -> store("bob", key(3)).load()).isInstanceOf(SessionDecryptionException.class)
        .hasMessageContaining("wrong session key");
    // a value copied under another account's key does not decrypt either (the key name is bound in)
    rawConnection.sync().set("t:session:carol", rawConnection.sync().get("t:session:bob"));
    assertThatThrownBy(() -> store("carol", key(2)).load()).isInstanceOf(SessionDecryptionException.class);
    rawConnection.sync().set("t:session:dave", "not base64 !!");
    assertThatThrownBy(() -> store("dave", key(2)).load()).isInstanceOf(SessionDecryptionException.class);
    assertThat(store("nobody", key(2)).load()).isEmpty();
  }

  @Test
  void keyComesFromTheEnvironmentAndIsMasked() {
    byte[] k = new byte[32];
    new Random(4).nextBytes(k);
    String b64 = Base64.getEncoder().encodeToString(k);
    SessionKey fromEnv = SessionKey.fromEnvironment(Map.of(SessionKey.ENV, b64)::get);
    assertThat(fromEnv).isEqualTo(SessionKey.of(k));
    assertThat(fromEnv.toString()).doesNotContain(b64).doesNotContain(b64.substring(0, 8));
    assertThatThrownBy(() -> SessionKey.fromEnvironment(Map.<String, String>of()::get))
        .isInstanceOf(InvalidSessionKeyException.class).hasMessageContaining(SessionKey.ENV);
    assertThatThrownBy(() -> SessionKey.fromBase64("c2hvcnQ=")).isInstanceOf(InvalidSessionKeyException.class);
  }

  @Test
  void savedWhileRedisIsAwayIsWrittenWhenItReturns() {
    SessionKey k = key(5);
    RedisSessionStore s = store("erin", k);
    s.save(session(5));
    redis.down();
    try {
      s.save(session(6));
      assertThat(s.pendingWrite()).isTrue();
      assertThat(s.load().orElseThrow().toSessionString()).isEqualTo(session(6).toSessionString());
      assertThat(nodeA.available()).isFalse();
    } finally {
      redis.up();
    }
    // Redis came back empty (no persistence): the next load writes the pending state first
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (s.pendingWrite() && System.nanoTime() < deadline) {
      s.load();
      sleep(50);
    }
    assertThat(s.pendingWrite()).isFalse();
    assertThat(nodeA.available()).isTrue();
    assertThat(store("erin", k).load().orElseThrow().toSessionString()).isEqualTo(session(6).toSessionString());
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
