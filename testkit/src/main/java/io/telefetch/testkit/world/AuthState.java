package io.telefetch.testkit.world;

import io.telefetch.mtproto.crypto.DhChecks;
import io.telefetch.mtproto.crypto.Srp;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Login state across the cluster: codes sent to phones, keys waiting for their 2FA password, SRP
 * challenges, QR login tokens and exported authorizations. Thread-safe.
 */
final class AuthState {
  static final int SRP_G = 3;
  static final byte[] SRP_P = toBytes256(DhChecks.KNOWN_DH_PRIME.toByteArray());
  private static final long CODE_TTL_MILLIS = 300_000;
  static final long LOGIN_TOKEN_TTL_MILLIS = 30_000;
  private static final long EXPORT_TTL_MILLIS = 600_000;

  /** A code sent by auth.sendCode. */
  record PendingCode(String phone, int dc, long expiresMillis) {}

  /** An SRP check in progress: issued by account.getPassword to one key for one user. */
  record Challenge(long authKeyId, long userId, Srp.ServerChallenge srp) {}

  /** A QR login token exported by one key. */
  static final class LoginToken {
    final byte[] token;
    final long authKeyId;
    final long expiresMillis;
    volatile long acceptedUserId;

    LoginToken(byte[] token, long authKeyId, long expiresMillis) {
      this.token = token;
      this.authKeyId = authKeyId;
      this.expiresMillis = expiresMillis;
    }
  }

  /** An exported authorization: user {@code userId} may import it on DC {@code dcId}. */
  record Exported(long userId, int dcId, long expiresMillis) {}

  private final Clock clock;
  private final SplittableRandom random;
  private final SecureRandom secureRandom = new SecureRandom();
  private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
  private final Map<Long, Long> pendingPassword = new ConcurrentHashMap<>();
  private final Map<Long, Challenge> challenges = new ConcurrentHashMap<>();
  private final Map<Long, byte[]> verifiers = new ConcurrentHashMap<>();
  private final Map<String, LoginToken> loginTokens = new ConcurrentHashMap<>();
  private final Map<Long, LoginToken> loginTokenOfKey = new ConcurrentHashMap<>();
  private final Map<String, Exported> exported = new ConcurrentHashMap<>();

  AuthState(Clock clock, SplittableRandom random) {
    this.clock = clock;
    this.random = random;
  }

  // ---- phone codes

  String sendCode(String phone, int dc) {
    String hash = HexFormat.of().formatHex(bytes(9));
    codes.put(hash, new PendingCode(phone, dc, clock.millis() + CODE_TTL_MILLIS));
    return hash;
  }

  Optional<PendingCode> code(String hash) {
    PendingCode c = codes.get(hash);
    return c == null || c.expiresMillis() < clock.millis() ? Optional.empty() : Optional.of(c);
  }

  void consumeCode(String hash) {
    codes.remove(hash);
  }

  // ---- 2FA

  void passwordPending(long authKeyId, long userId) {
    pendingPassword.put(authKeyId, userId);
  }

  Optional<Long> pendingPassword(long authKeyId) {
    return Optional.ofNullable(pendingPassword.get(authKeyId));
  }

  void clearPending(long authKeyId) {
    pendingPassword.remove(authKeyId);
  }

  static Srp.Params params(WorldUser user) {
    return Srp.Params.of(user.srpSalt1(), user.srpSalt2(), SRP_G, SRP_P);
  }

  /** The password verifier of {@code user} (100,000 PBKDF2 rounds on first use, then cached). */
  byte[] verifier(WorldUser user) {
    return verifiers.computeIfAbsent(user.id(),
        id -> Srp.verifier(user.password().orElseThrow().getBytes(StandardCharsets.UTF_8), params(user)));
  }

  /** Starts an SRP check; returns its srp_id. */
  long newChallenge(long authKeyId, WorldUser user, Srp.ServerChallenge srp) {
    long id = nonZero();
    challenges.put(id, new Challenge(authKeyId, user.id(), srp));
    return id;
  }

  Optional<Challenge> challenge(long srpId) {
    return Optional.ofNullable(challenges.get(srpId));
  }

  void endChallenge(long srpId) {
    challenges.remove(srpId);
  }

  SecureRandom secureRandom() {
    return secureRandom;
  }

  // ---- QR login tokens

  LoginToken exportLoginToken(long authKeyId) {
    LoginToken t = new LoginToken(bytes(32), authKeyId, clock.millis() + LOGIN_TOKEN_TTL_MILLIS);
    loginTokens.put(HexFormat.of().formatHex(t.token), t);
    LoginToken old = loginTokenOfKey.put(authKeyId, t);
    if (old != null && old.acceptedUserId == 0) {
      loginTokens.remove(HexFormat.of().formatHex(old.token));
    }
    return t;
  }

  /** The last token {@code authKeyId} exported, if it is still pending or was accepted. */
  Optional<LoginToken> loginTokenOf(long authKeyId) {
    return Optional.ofNullable(loginTokenOfKey.get(authKeyId));
  }

  Optional<LoginToken> loginToken(byte[] token) {
    return Optional.ofNullable(loginTokens.get(HexFormat.of().formatHex(token)));
  }

  void acceptLoginToken(byte[] token, long userId) {
    LoginToken t = loginToken(token).orElseThrow(() -> new IllegalArgumentException("unknown login token"));
    if (t.expiresMillis < clock.millis()) {
      throw new IllegalArgumentException("login token expired");
    }
    t.acceptedUserId = userId;
  }

  void finishLoginToken(LoginToken t) {
    loginTokens.remove(HexFormat.of().formatHex(t.token));
    loginTokenOfKey.remove(t.authKeyId, t);
  }

  boolean expired(LoginToken t) {
    return t.expiresMillis < clock.millis();
  }

  // ---- exported authorizations

  byte[] export(long userId, int dcId) {
    byte[] b = bytes(32);
    exported.put(HexFormat.of().formatHex(b), new Exported(userId, dcId, clock.millis() + EXPORT_TTL_MILLIS));
    return b;
  }

  Optional<Exported> exported(byte[] bytes) {
    Exported e = exported.get(HexFormat.of().formatHex(bytes));
    return e == null || e.expiresMillis() < clock.millis() ? Optional.empty() : Optional.of(e);
  }

  // ---- helpers

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    synchronized (random) {
      random.nextBytes(b);
    }
    return b;
  }

  private long nonZero() {
    synchronized (random) {
      long v;
      do {
        v = random.nextLong();
      } while (v == 0);
      return v;
    }
  }

  private static byte[] toBytes256(byte[] signed) {
    byte[] out = new byte[256];
    int n = Math.min(signed.length, 256);
    System.arraycopy(signed, signed.length - n, out, 256 - n, n);
    return out;
  }
}
