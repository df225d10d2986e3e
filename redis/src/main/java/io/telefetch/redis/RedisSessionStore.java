package io.telefetch.redis;

import io.telefetch.mtproto.client.SessionData;
import io.telefetch.mtproto.client.SessionStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SessionStore} in Redis, one key per account ({@code <prefix>session:<name>}), with the
 * whole session (auth keys included) encrypted at rest: AES-256-GCM under a {@link SessionKey} from
 * the node's environment, a fresh 96-bit nonce per save, and the Redis key name as associated data
 * (a value copied under another account's key does not decrypt). Stored as base64 of {@code
 * version(1) | nonce(12) | ciphertext+tag}.
 *
 * <p>A wrong key or an altered value fails {@link #load} with {@link SessionDecryptionException},
 * never a silently empty session. While Redis is away, {@link #load} answers the last state this
 * store saw and {@link #save} keeps the state locally and writes it when Redis returns (on the next
 * save or load).
 */
public final class RedisSessionStore implements SessionStore {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  private static final byte VERSION = 1;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  /** The largest stored value read (a session string is a few KiB). */
  private static final int MAX_VALUE = 1 << 20;

  private final RedisShared redis;
  private final String key;
  private final SessionKey sessionKey;
  private final SecureRandom random;
  private @Nullable SessionData last;
  private boolean dirty;

  /** The session of account {@code name} (letters, digits, {@code _.:-}) under {@code prefix}. */
  public RedisSessionStore(RedisShared redis, String prefix, String name, SessionKey sessionKey, SecureRandom random) {
    this.redis = Objects.requireNonNull(redis, "redis");
    if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
      throw new IllegalArgumentException("a session name has 1 to 64 letters, digits or _.:-");
    }
    this.key = Objects.requireNonNull(prefix, "prefix") + "session:" + name;
    this.sessionKey = Objects.requireNonNull(sessionKey, "sessionKey");
    this.random = Objects.requireNonNull(random, "random");
  }

  @Override
  public synchronized Optional<SessionData> load() {
    flush();
    if (dirty) {
      return Optional.ofNullable(last); // Redis is away: what this node saw last
    }
    Optional<Optional<String>> stored = redis.call(c -> Optional.ofNullable(c.get(key)));
    if (stored.isEmpty()) {
      return Optional.ofNullable(last);
    }
    if (stored.get().isEmpty()) {
      return Optional.empty();
    }
    SessionData data = SessionData.fromSessionString(decrypt(stored.get().get()));
    last = data;
    return Optional.of(data);
  }

  @Override
  public synchronized void save(SessionData data) {
    Objects.requireNonNull(data, "data");
    last = data;
    dirty = true;
    flush();
  }

  /** Writes a state saved while Redis was away. */
  private void flush() {
    if (dirty && last != null) {
      String value = encrypt(last.toSessionString());
      if (redis.run(c -> c.set(key, value))) {
        dirty = false;
      }
    }
  }

  /** The names of the sessions stored under {@code prefix}, at most 10,000; empty while Redis is away. */
  public static java.util.SortedSet<String> stored(RedisShared redis, String prefix) {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    String head = prefix + "session:";
    for (String key : redis.scan(RedisFloodRegistry.glob(head) + "*", 10_000)) {
      out.add(key.substring(head.length()));
    }
    return out;
  }

  /** Whether a saved state still waits for Redis. */
  public synchronized boolean pendingWrite() {
    return dirty;
  }

  private String encrypt(String plain) {
    try {
      byte[] nonce = new byte[NONCE];
      random.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, sessionKey.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(key.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      ByteBuffer out = ByteBuffer.allocate(1 + NONCE + sealed.length);
      out.put(VERSION).put(nonce).put(sealed);
      return Base64.getEncoder().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  private String decrypt(String stored) {
    if (stored.length() > MAX_VALUE) {
      throw new SessionDecryptionException("the stored session of " + key + " is too large");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(stored);
    } catch (IllegalArgumentException e) {
      throw new SessionDecryptionException("the stored session of " + key + " is not base64", e);
    }
    if (raw.length < 1 + NONCE + TAG_BITS / 8 || raw[0] != VERSION) {
      throw new SessionDecryptionException("the stored session of " + key + " has an unknown format");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, sessionKey.secretKey(), new GCMParameterSpec(TAG_BITS, raw, 1, NONCE));
      c.updateAAD(key.getBytes(StandardCharsets.UTF_8));
      byte[] plain = c.doFinal(raw, 1 + NONCE, raw.length - 1 - NONCE);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new SessionDecryptionException("the session of " + key
          + " does not decrypt: wrong session key, or the stored value was altered", e);
    } catch (GeneralSecurityException e) {
      throw new SessionDecryptionException("the session of " + key + " does not decrypt", e);
    }
  }

  @Override
  public String toString() {
    return "RedisSessionStore[" + key + "]";
  }
}
