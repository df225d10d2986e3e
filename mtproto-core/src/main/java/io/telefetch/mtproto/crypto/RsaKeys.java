package io.telefetch.mtproto.crypto;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A registry of the server RSA keys a client trusts, looked up by fingerprint when {@code resPQ}
 * arrives: Telegram's built-in keys plus any added ones (a private server's, or a CDN DC's from
 * {@code help.getCdnConfig}).
 *
 * <p>Immutable: {@link #with(RsaPublicKey)} returns a new registry and leaves this one as it is, so
 * a registry held by options never changes under them.
 */
public final class RsaKeys {

  /**
   * Telegram's production server key, fingerprint {@code 0xd09d1d85de64fd85}; it is also the key
   * of the official auth key example.
   */
  public static final RsaPublicKey PRODUCTION_KEY = RsaPublicKey.parsePem(
      "-----BEGIN RSA PUBLIC KEY-----\n"
          + "MIIBCgKCAQEA6LszBcC1LGzyr992NzE0ieY+BSaOW622Aa9Bd4ZHLl+TuFQ4lo4g\n"
          + "5nKaMBwK/BIb9xUfg0Q29/2mgIR6Zr9krM7HjuIcCzFvDtr+L0GQjae9H0pRB2OO\n"
          + "62cECs5HKhT5DZ98K33vmWiLowc621dQuwKWSQKjWf50XYFw42h21P2KXUGyp2y/\n"
          + "+aEyZ+uVgLLQbRA1dEjSDZ2iGRy12Mk5gpYc397aYp438fsJoHIgJ2lgMv5h7WY9\n"
          + "t6N/byY9Nw9p21Og3AoXSL2q/2IJ1WRUhebgAdGVMlV1fkuOQoEzR7EdpqtQD9Cs\n"
          + "5+bfo3Nhmcyvk5ftB0WkJ9z6bNZ7yxrP8wIDAQAB\n"
          + "-----END RSA PUBLIC KEY-----\n");

  /** Telegram's test server key, fingerprint {@code 0xb25898df208d2603}. */
  public static final RsaPublicKey TEST_KEY = RsaPublicKey.parsePem(
      "-----BEGIN RSA PUBLIC KEY-----\n"
          + "MIIBCgKCAQEAyMEdY1aR+sCR3ZSJrtztKTKqigvO/vBfqACJLZtS7QMgCGXJ6XIR\n"
          + "yy7mx66W0/sOFa7/1mAZtEoIokDP3ShoqF4fVNb6XeqgQfaUHd8wJpDWHcR2OFwv\n"
          + "plUUI1PLTktZ9uW2WE23b+ixNwJjJGwBDJPQEQFBE+vfmH0JP503wr5INS1poWg/\n"
          + "j25sIWeYPHYeOrFp/eXaqhISP6G+q2IeTaWTXpwZj4LzXq5YOpk4bYEQ6mvRq7D1\n"
          + "aHWfYmlEGepfaYR8Q0YqvvhYtMte3ITnuSJs171+GDqpdKcSwHnd6FudwGO4pcCO\n"
          + "j4WcDuXc2CTHgH8gFTNhp/Y8/SpDOhvn9QIDAQAB\n"
          + "-----END RSA PUBLIC KEY-----\n");

  private static final RsaKeys EMPTY = new RsaKeys(Map.of());
  private static final RsaKeys PRODUCTION = EMPTY.with(PRODUCTION_KEY);
  private static final RsaKeys TEST = EMPTY.with(TEST_KEY);

  /** Fingerprint to key, in the order the keys were added; never modified. */
  private final Map<Long, RsaPublicKey> keys;

  private RsaKeys(Map<Long, RsaPublicKey> keys) {
    this.keys = keys;
  }

  /** The registry trusting Telegram's production key. */
  public static RsaKeys production() {
    return PRODUCTION;
  }

  /** The registry trusting Telegram's test-DC key. */
  public static RsaKeys test() {
    return TEST;
  }

  /** The registry trusting no key. */
  public static RsaKeys empty() {
    return EMPTY;
  }

  /** The registry trusting {@code keys}; of two with the same fingerprint the later one wins. */
  public static RsaKeys of(Collection<RsaPublicKey> keys) {
    RsaKeys result = EMPTY;
    for (RsaPublicKey key : Objects.requireNonNull(keys, "keys")) {
      result = result.with(key);
    }
    return result;
  }

  /**
   * A registry trusting these keys and {@code key}; a key with the same fingerprint is replaced.
   * This registry is unchanged.
   */
  public RsaKeys with(RsaPublicKey key) {
    Objects.requireNonNull(key, "key");
    Map<Long, RsaPublicKey> copy = new LinkedHashMap<>(keys);
    copy.remove(key.fingerprint());
    copy.put(key.fingerprint(), key);
    return new RsaKeys(java.util.Collections.unmodifiableMap(copy));
  }

  /**
   * The same as {@link #with(RsaPublicKey)}: returns a new registry, this one is unchanged.
   *
   * @deprecated the name suggests a change in place; use {@link #with(RsaPublicKey)}
   */
  @Deprecated
  public RsaKeys add(RsaPublicKey key) {
    return with(key);
  }

  /** Returns the trusted key with this fingerprint, if any. */
  public Optional<RsaPublicKey> find(long fingerprint) {
    return Optional.ofNullable(keys.get(fingerprint));
  }

  /**
   * Returns the first key of the server's list ({@code resPQ.server_public_key_fingerprints}) that
   * is trusted, if any.
   */
  public Optional<RsaPublicKey> select(List<Long> serverFingerprints) {
    for (long fingerprint : serverFingerprints) {
      RsaPublicKey key = keys.get(fingerprint);
      if (key != null) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  /** Returns the trusted keys in the order they were added. */
  public List<RsaPublicKey> keys() {
    return List.copyOf(keys.values());
  }

  /** Equal when the same keys are trusted (in any order). */
  @Override
  public boolean equals(Object o) {
    return o instanceof RsaKeys other && other.keys.equals(keys);
  }

  @Override
  public int hashCode() {
    return keys.hashCode();
  }

  @Override
  public String toString() {
    return "RsaKeys" + keys.values();
  }
}
