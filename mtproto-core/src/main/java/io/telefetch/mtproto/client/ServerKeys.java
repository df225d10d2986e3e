package io.telefetch.mtproto.client;

import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPublicKey;
import java.util.List;
import java.util.Objects;

/**
 * The RSA public keys of the servers a client trusts when it creates an auth key: Telegram's
 * production key, its test-DC key, or a private server's (a PEM, as {@code my.telegram.org} or a
 * server's operator publishes it). A {@code resPQ} whose fingerprints name none of them ends the key
 * exchange with a security error.
 *
 * <p>Immutable: {@link #with(String)} returns a new set and leaves this one as it is.
 */
public final class ServerKeys {
  private static final ServerKeys PRODUCTION = new ServerKeys(RsaKeys.production());
  private static final ServerKeys TEST = new ServerKeys(RsaKeys.test());
  private static final ServerKeys NONE = new ServerKeys(RsaKeys.empty());

  private final RsaKeys keys;

  private ServerKeys(RsaKeys keys) {
    this.keys = keys;
  }

  /** Telegram's production server key (fingerprint {@code 0xd09d1d85de64fd85}). */
  public static ServerKeys production() {
    return PRODUCTION;
  }

  /** Telegram's test-DC key (fingerprint {@code 0xb25898df208d2603}). */
  public static ServerKeys test() {
    return TEST;
  }

  /** No key: a start for {@link #with(String)}. */
  public static ServerKeys none() {
    return NONE;
  }

  /**
   * The keys of these PEMs: PKCS#1 ({@code -----BEGIN RSA PUBLIC KEY-----}, as Telegram publishes
   * them) or X.509 ({@code -----BEGIN PUBLIC KEY-----}).
   *
   * @throws IllegalArgumentException when a text is not an RSA public key PEM
   */
  public static ServerKeys fromPem(String... pems) {
    ServerKeys result = NONE;
    for (String pem : pems) {
      result = result.with(pem);
    }
    return result;
  }

  /**
   * These keys and the one of {@code pem}; a key with the same fingerprint is replaced.
   *
   * @throws IllegalArgumentException when {@code pem} is not an RSA public key PEM
   */
  public ServerKeys with(String pem) {
    return new ServerKeys(keys.with(RsaPublicKey.parsePem(Objects.requireNonNull(pem, "pem"))));
  }

  /** The MTProto fingerprints of the keys, in the order they were added. */
  public List<Long> fingerprints() {
    return keys.keys().stream().map(RsaPublicKey::fingerprint).toList();
  }

  /** The keys as PEM texts (PKCS#1), in the order they were added. */
  public List<String> pems() {
    return keys.keys().stream().map(RsaPublicKey::toPem).toList();
  }

  /** The registry the key exchange looks keys up in. */
  RsaKeys registry() {
    return keys;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServerKeys other && other.keys.equals(keys);
  }

  @Override
  public int hashCode() {
    return keys.hashCode();
  }

  /** Fingerprints only (public keys are no secret, but long). */
  @Override
  public String toString() {
    return "ServerKeys" + fingerprints().stream().map(f -> String.format("%016x", f)).toList();
  }
}
