package io.telefetch.mtproto.crypto;

import static io.telefetch.mtproto.crypto.TestBytes.hex;
import static io.telefetch.mtproto.crypto.TestBytes.random;
import static io.telefetch.mtproto.crypto.TestBytes.seededRandom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RsaTest {

  private static RsaPrivateKey serverKey;

  @BeforeAll
  static void generateServerKey() {
    serverKey = RsaPrivateKey.generate(seededRandom(42));
  }

  @Test
  void productionKeyFingerprint() {
    assertThat(RsaKeys.PRODUCTION_KEY.fingerprint()).isEqualTo(0xd09d1d85de64fd85L);
    assertThat(RsaKeys.PRODUCTION_KEY.modulus().bitLength()).isEqualTo(2048);
    assertThat(RsaKeys.PRODUCTION_KEY.exponent()).isEqualTo(BigInteger.valueOf(65537));
  }

  @Test
  void testKeyFingerprint() {
    assertThat(RsaKeys.TEST_KEY.fingerprint()).isEqualTo(0xb25898df208d2603L);
  }

  @Test
  void spkiPemParsesToTheSameKey() throws Exception {
    RsaPublicKey pkcs1 = RsaKeys.PRODUCTION_KEY;
    byte[] spki = KeyFactory.getInstance("RSA")
        .generatePublic(new RSAPublicKeySpec(pkcs1.modulus(), pkcs1.exponent())).getEncoded();
    String pem = "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(spki) + "\n-----END PUBLIC KEY-----\n";
    RsaPublicKey parsed = RsaPublicKey.parsePem(pem);
    assertThat(parsed).isEqualTo(pkcs1);
    assertThat(parsed.fingerprint()).isEqualTo(pkcs1.fingerprint());
  }

  @Test
  void pemRoundTripAndLenientWhitespace() {
    RsaPublicKey key = serverKey.publicKey();
    assertThat(RsaPublicKey.parsePem(key.toPem())).isEqualTo(key);
    String oneLine = RsaKeys.TEST_KEY.toPem().replace("\n", " ");
    assertThat(RsaPublicKey.parsePem("  " + oneLine)).isEqualTo(RsaKeys.TEST_KEY);
  }

  @Test
  void badPemIsRejected() {
    assertThatThrownBy(() -> RsaPublicKey.parsePem("not a key"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RsaPublicKey.parsePem(
        "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RsaPublicKey.parsePem(
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void registrySelectsTheFirstTrustedFingerprint() {
    RsaKeys keys = RsaKeys.production();
    assertThat(keys.keys()).containsExactly(RsaKeys.PRODUCTION_KEY);
    // resPQ of the official example lists three fingerprints; only the last is trusted.
    List<Long> offered = List.of(0x0bc35f3509f7b7a5L, 0xc3b42b026ce86b21L, 0xd09d1d85de64fd85L);
    assertThat(keys.select(offered)).contains(RsaKeys.PRODUCTION_KEY);
    assertThat(RsaKeys.test().select(offered)).isEmpty();

    RsaPublicKey custom = serverKey.publicKey();
    RsaKeys more = keys.with(custom);
    assertThat(keys.find(custom.fingerprint())).isEmpty();
    keys = more;
    assertThat(keys.find(custom.fingerprint())).contains(custom);
    assertThat(keys.select(List.of(custom.fingerprint(), 0xd09d1d85de64fd85L))).contains(custom);
    assertThat(RsaKeys.production().find(custom.fingerprint())).isEmpty();
    assertThat(RsaKeys.empty().keys()).isEmpty();
  }

  @Test
  void registryIsImmutable() {
    RsaPublicKey custom = serverKey.publicKey();
    RsaKeys production = RsaKeys.production();
    RsaKeys both = production.with(custom);
    assertThat(production.keys()).containsExactly(RsaKeys.PRODUCTION_KEY);
    assertThat(RsaKeys.production().keys()).containsExactly(RsaKeys.PRODUCTION_KEY);
    assertThat(both.keys()).containsExactly(RsaKeys.PRODUCTION_KEY, custom);
    assertThat(both.find(custom.fingerprint())).contains(custom);
    assertThat(both.find(RsaKeys.PRODUCTION_KEY.fingerprint())).contains(RsaKeys.PRODUCTION_KEY);
    // add is only a deprecated name of with: it never changes the registry it is called on
    @SuppressWarnings("deprecation")
    RsaKeys added = RsaKeys.empty().add(custom);
    assertThat(RsaKeys.empty().keys()).isEmpty();
    assertThat(added).isEqualTo(RsaKeys.of(java.util.List.of(custom)));
    // the same fingerprint twice: the later key replaces the earlier
    assertThat(both.with(custom).keys()).hasSize(2);
    assertThat(both).isEqualTo(RsaKeys.of(java.util.List.of(custom, RsaKeys.PRODUCTION_KEY)));
    assertThatThrownByNull(both);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> both.keys().add(custom))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static void assertThatThrownByNull(RsaKeys keys) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.with(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("key");
  }

  @Test
  void rsaPadRoundTrip() {
    byte[] data = hex(AuthKeySamples.P_Q_INNER_DATA);
    byte[] encrypted = RsaPad.encrypt(data, serverKey.publicKey(), new SecureRandom());
    assertThat(encrypted).hasSize(RsaPad.ENCRYPTED_LENGTH);
    byte[] padded = RsaPad.decrypt(encrypted, serverKey);
    assertThat(padded).hasSize(RsaPad.PADDED_LENGTH);
    assertThat(Arrays.copyOf(padded, data.length)).isEqualTo(data);
  }

  @Test
  void rsaPadAcceptsEmptyAndMaximalData() {
    for (int length : new int[] {0, RsaPad.MAX_DATA_LENGTH}) {
      byte[] data = random(length, length);
      byte[] padded = RsaPad.decrypt(
          RsaPad.encrypt(data, serverKey.publicKey(), seededRandom(length)), serverKey);
      assertThat(Arrays.copyOf(padded, length)).isEqualTo(data);
    }
    assertThatThrownBy(() -> RsaPad.encrypt(new byte[145], serverKey.publicKey(), seededRandom(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("144");
  }

  @Test
  void rsaPadIsRandomised() {
    byte[] data = random(1, 100);
    assertThat(RsaPad.encrypt(data, serverKey.publicKey(), seededRandom(1)))
        .isNotEqualTo(RsaPad.encrypt(data, serverKey.publicKey(), seededRandom(2)));
  }

  /**
   * With a modulus just above 2^2047 about half of the {@code key_aes_encrypted} candidates are too
   * large, so a new temp_key must be drawn; the result must still decrypt. The modulus is a
   * product of two primes built for the purpose, so the test can decrypt with the private
   * exponent itself.
   */
  @Test
  void rsaPadRetriesTempKeysThatExceedTheModulus() {
    SecureRandom random = seededRandom(7);
    BigInteger e = BigInteger.valueOf(65537);
    BigInteger p;
    BigInteger q;
    BigInteger n;
    do {
      p = BigInteger.probablePrime(1024, random);
      q = BigInteger.ONE.shiftLeft(2047).divide(p).add(BigInteger.ONE).nextProbablePrime();
      n = p.multiply(q);
    } while (!p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE)).gcd(e)
        .equals(BigInteger.ONE));
    assertThat(n.bitLength()).isEqualTo(2048);
    assertThat(n.subtract(BigInteger.ONE.shiftLeft(2047)).bitLength()).isLessThan(2040);
    BigInteger d = e.modInverse(p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE)));
    RsaPublicKey key = RsaPublicKey.of(n, e);

    int[] tempKeysDrawn = {0};
    SecureRandom counting = new SecureRandom() {
      private static final long serialVersionUID = 1L;

      @Override
      public void nextBytes(byte[] bytes) {
        if (bytes.length == 32) {
          tempKeysDrawn[0]++;
        }
        random.nextBytes(bytes);
      }
    };
    int runs = 40;
    for (int i = 0; i < runs; i++) {
      byte[] data = random(i, 100);
      byte[] encrypted = RsaPad.encrypt(data, key, counting);
      BigInteger c = new BigInteger(1, encrypted);
      assertThat(c).isLessThan(n);
      byte[] keyAesEncrypted = Bytes.toFixedBigEndian(c.modPow(d, n), 256);
      byte[] padded = RsaPad.unpad(keyAesEncrypted);
      assertThat(Arrays.copyOf(padded, 100)).isEqualTo(data);
    }
    assertThat(tempKeysDrawn[0]).isGreaterThan(runs);
  }

  @Test
  void serverRejectsTamperedRsaPadData() {
    byte[] data = random(3, 120);
    byte[] encrypted = RsaPad.encrypt(data, serverKey.publicKey(), new SecureRandom());
    BigInteger n = serverKey.publicKey().modulus();
    BigInteger e = serverKey.publicKey().exponent();
    // Re-encrypt key_aes_encrypted with one bit flipped in each of its regions: the temp_key_xor,
    // the encrypted data and the encrypted hash.
    byte[] keyAesEncrypted = serverKey.decryptRaw(encrypted);
    for (int position : new int[] {0, 31, 32, 100, 223, 255}) {
      byte[] tampered = keyAesEncrypted.clone();
      tampered[position] ^= 0x10;
      if (new BigInteger(1, tampered).compareTo(n) >= 0) {
        continue;
      }
      byte[] forged = Bytes.toFixedBigEndian(new BigInteger(1, tampered).modPow(e, n), 256);
      assertThatThrownBy(() -> RsaPad.decrypt(forged, serverKey))
          .as("bit flipped at %d", position)
          .isInstanceOf(CryptoCheckException.class).hasMessageContaining("hash");
    }
    byte[] flipped = encrypted.clone();
    flipped[200] ^= 1;
    if (new BigInteger(1, flipped).compareTo(n) < 0) {
      assertThatThrownBy(() -> RsaPad.decrypt(flipped, serverKey))
          .isInstanceOf(CryptoCheckException.class);
    }
  }

  @Test
  void serverRejectsMalformedCiphertexts() {
    byte[] tooLarge = Bytes.toFixedBigEndian(serverKey.publicKey().modulus(), 256);
    assertThatThrownBy(() -> RsaPad.decrypt(tooLarge, serverKey))
        .isInstanceOf(CryptoCheckException.class).hasMessageContaining("modulus");
    assertThatThrownBy(() -> RsaPad.decrypt(new byte[255], serverKey))
        .isInstanceOf(CryptoCheckException.class);
  }

  @Test
  void rawRsaRoundTrip() {
    byte[] message = random(9, 256);
    message[0] = 0x01;
    byte[] encrypted = serverKey.publicKey().encryptRaw(message);
    assertThat(encrypted).hasSize(256);
    assertThat(serverKey.decryptRaw(encrypted)).isEqualTo(message);
  }
}
