package io.telefetch.redis;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Function;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key that encrypts sessions at rest in Redis. It comes from the node's environment
 * (never from Redis: it is not stored beside the data it protects). {@code toString} never shows it.
 */
public final class SessionKey {
  /** The environment variable {@link #fromEnvironment()} reads: 32 bytes, base64. */
  public static final String ENV = "TELEFETCH_SESSION_KEY";

  private final byte[] key;

  private SessionKey(byte[] key) {
    if (key.length != 32) {
      throw new InvalidSessionKeyException("a session key is 32 bytes (AES-256), got " + key.length);
    }
    this.key = key.clone();
  }

  /** A key of 32 raw bytes (copied). */
  public static SessionKey of(byte[] key) {
    return new SessionKey(Objects.requireNonNull(key, "key"));
  }

  /** A key from 32 bytes in base64. */
  public static SessionKey fromBase64(String base64) {
    try {
      return new SessionKey(Base64.getDecoder().decode(Objects.requireNonNull(base64, "base64").trim()));
    } catch (IllegalArgumentException e) {
      throw new InvalidSessionKeyException("a session key is 32 bytes in base64");
    }
  }

  /** The key in {@value #ENV}. */
  public static SessionKey fromEnvironment() {
    return fromEnvironment(System::getenv);
  }

  /** The key in {@value #ENV} as {@code env} reads variables (for tests). */
  public static SessionKey fromEnvironment(Function<String, String> env) {
    String v = env.apply(ENV);
    if (v == null || v.isBlank()) {
      throw new InvalidSessionKeyException(ENV + " is not set: it must hold a 32-byte key in base64");
    }
    return fromBase64(v);
  }

  SecretKey secretKey() {
    return new SecretKeySpec(key, "AES");
  }

  /** Whether {@code bytes} appear anywhere in {@code haystack} (tests use it on raw Redis values). */
  boolean appearsIn(byte[] haystack) {
    outer:
    for (int i = 0; i + key.length <= haystack.length; i++) {
      for (int j = 0; j < key.length; j++) {
        if (haystack[i + j] != key[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionKey k && java.security.MessageDigest.isEqual(k.key, key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "SessionKey[***]";
  }
}
