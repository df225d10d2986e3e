package io.telefetch.mtproto.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Objects;
import javax.crypto.Cipher;

/**
 * An RSA private key for the server side of auth key creation, as the in-process test server
 * uses it: it decrypts the {@code encrypted_data} of {@code req_DH_params} (see {@link
 * RsaPad#decrypt}).
 *
 * <p>The private operation runs on the JDK's RSA (CRT with blinding). Thread-safe.
 */
public final class RsaPrivateKey {

  /** The key size MTProto requires, in bits. */
  public static final int KEY_BITS = 2048;

  private final RSAPrivateCrtKey key;
  private final RsaPublicKey publicKey;

  private RsaPrivateKey(RSAPrivateCrtKey key, RsaPublicKey publicKey) {
    this.key = key;
    this.publicKey = publicKey;
  }

  /** Generates a fresh 2048-bit key pair with public exponent 65537. */
  public static RsaPrivateKey generate(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(new RSAKeyGenParameterSpec(KEY_BITS, RSAKeyGenParameterSpec.F4), random);
      KeyPair pair = generator.generateKeyPair();
      RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
      return new RsaPrivateKey((RSAPrivateCrtKey) pair.getPrivate(),
          RsaPublicKey.of(pub.getModulus(), pub.getPublicExponent()));
    } catch (GeneralSecurityException e) {
      throw new CryptoProviderException("RSA key generation is unavailable", e);
    }
  }

  /** The matching public key, whose fingerprint a server lists in {@code resPQ}. */
  public RsaPublicKey publicKey() {
    return publicKey;
  }

  /**
   * Raw RSA decryption: {@code ciphertext^d mod n} as 256 big-endian bytes.
   *
   * @param ciphertext 256 big-endian bytes, numerically below the modulus
   * @throws CryptoCheckException if the ciphertext is not 256 bytes or not below the modulus
   */
  public byte[] decryptRaw(byte[] ciphertext) {
    if (ciphertext.length != KEY_BITS / 8
        || new BigInteger(1, ciphertext).compareTo(key.getModulus()) >= 0) {
      throw new CryptoCheckException("RSA ciphertext is not a 256-byte number below the modulus");
    }
    try {
      Cipher cipher = Cipher.getInstance("RSA/ECB/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key);
      return Bytes.toFixedBigEndian(new BigInteger(1, cipher.doFinal(ciphertext)), KEY_BITS / 8);
    } catch (GeneralSecurityException e) {
      throw new CryptoProviderException("RSA decryption failed", e);
    }
  }

  @Override
  public String toString() {
    return "RsaPrivateKey[" + publicKey + "]";
  }
}
