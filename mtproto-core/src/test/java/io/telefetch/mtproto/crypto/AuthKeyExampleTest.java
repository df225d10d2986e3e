package io.telefetch.mtproto.crypto;

import static io.telefetch.mtproto.crypto.AuthKeySamples.ANSWER_WITH_HASH;
import static io.telefetch.mtproto.crypto.AuthKeySamples.AUTH_KEY;
import static io.telefetch.mtproto.crypto.AuthKeySamples.B;
import static io.telefetch.mtproto.crypto.AuthKeySamples.CLIENT_DH_INNER_DATA;
import static io.telefetch.mtproto.crypto.AuthKeySamples.CLIENT_ENCRYPTED_DATA;
import static io.telefetch.mtproto.crypto.AuthKeySamples.CLIENT_PADDING;
import static io.telefetch.mtproto.crypto.AuthKeySamples.ENCRYPTED_ANSWER;
import static io.telefetch.mtproto.crypto.AuthKeySamples.G_B;
import static io.telefetch.mtproto.crypto.AuthKeySamples.NEW_NONCE;
import static io.telefetch.mtproto.crypto.AuthKeySamples.NEW_NONCE_HASH1;
import static io.telefetch.mtproto.crypto.AuthKeySamples.NONCE;
import static io.telefetch.mtproto.crypto.AuthKeySamples.P_Q_INNER_DATA;
import static io.telefetch.mtproto.crypto.AuthKeySamples.SERVER_NONCE;
import static io.telefetch.mtproto.crypto.AuthKeySamples.TMP_AES_IV;
import static io.telefetch.mtproto.crypto.AuthKeySamples.TMP_AES_KEY;
import static io.telefetch.mtproto.crypto.TestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Replays the official auth key example from {@code tmp_aes_key} on, and checks the values before
 * it that can be checked without the server's private key.
 */
class AuthKeyExampleTest {

  private static final int ANSWER_LENGTH = 564;

  private final byte[] newNonce = hex(NEW_NONCE);
  private final byte[] serverNonce = hex(SERVER_NONCE);
  private final AesKeyIv tmpKey = ExchangeCrypto.tmpAesKeyIv(newNonce, serverNonce);

  @Test
  void pqFactorsAndDcInPqInnerData() {
    byte[] inner = hex(P_Q_INNER_DATA);
    byte[] pq = Arrays.copyOfRange(inner, 5, 13);
    PqFactorizer.Factors factors = PqFactorizer.factorize(pq);
    assertThat(factors.p()).isEqualTo(1513098571L);
    assertThat(factors.q()).isEqualTo(1780931429L);
    assertThat(factors.pBytes()).isEqualTo(Arrays.copyOfRange(inner, 17, 21));
    assertThat(factors.qBytes()).isEqualTo(Arrays.copyOfRange(inner, 25, 29));
    assertThat(inner.length).isLessThanOrEqualTo(RsaPad.MAX_DATA_LENGTH);
    assertThat(ByteBuffer.wrap(inner).order(ByteOrder.LITTLE_ENDIAN).getInt(96)).isEqualTo(2);
  }

  @Test
  void serverKeyFingerprint() {
    byte[] wire = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(RsaKeys.PRODUCTION_KEY.fingerprint()).array();
    assertThat(wire).isEqualTo(hex("85FD64DE851D9DD0"));
  }

  @Test
  void temporaryKeyFromTheNonces() {
    assertThat(tmpKey.key()).isEqualTo(hex(TMP_AES_KEY));
    assertThat(tmpKey.iv()).isEqualTo(hex(TMP_AES_IV));
  }

  @Test
  void encryptedAnswerDecryptsToServerDhInnerDataWithMatchingSha1() {
    byte[] encrypted = hex(ENCRYPTED_ANSWER);
    byte[] answerWithHash = encrypted.clone();
    tmpKey.decrypt(answerWithHash, 0, answerWithHash.length);
    assertThat(answerWithHash).isEqualTo(hex(ANSWER_WITH_HASH));

    byte[] answer = ExchangeCrypto.decryptInnerData(encrypted, tmpKey);
    assertThat(answer).hasSize(ANSWER_LENGTH);
    assertThat(Hashes.sha1(answer)).isEqualTo(Arrays.copyOf(answerWithHash, 20));
    ByteBuffer tl = ByteBuffer.wrap(answer).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(tl.getInt(0)).isEqualTo(0xb5890dba);
    assertThat(Arrays.copyOfRange(answer, 4, 20)).isEqualTo(hex(NONCE));
    assertThat(Arrays.copyOfRange(answer, 20, 36)).isEqualTo(serverNonce);
    assertThat(tl.getInt(36)).isEqualTo(3);
    assertThat(tl.getInt(560)).isEqualTo(1707425105);
  }

  @Test
  void dhParametersPassTheChecksAndGbAndTheAuthKeyMatch() {
    byte[] answer = ExchangeCrypto.decryptInnerData(hex(ENCRYPTED_ANSWER), tmpKey);
    BigInteger dhPrime = new BigInteger(1, Arrays.copyOfRange(answer, 44, 300));
    BigInteger gA = new BigInteger(1, Arrays.copyOfRange(answer, 304, 560));
    assertThat(dhPrime).isEqualTo(DhChecks.KNOWN_DH_PRIME);
    DhChecks.checkPrimeAndGenerator(dhPrime, 3);
    DhChecks.checkPublicValue(gA, dhPrime);

    BigInteger b = new BigInteger(1, hex(B));
    byte[] gB = ExchangeCrypto.powMod(BigInteger.valueOf(3), b, dhPrime);
    assertThat(gB).isEqualTo(hex(G_B));
    DhChecks.checkPublicValue(new BigInteger(1, gB), dhPrime);

    AuthKey authKey = AuthKey.of(ExchangeCrypto.powMod(gA, b, dhPrime));
    assertThat(authKey.toByteArray()).isEqualTo(hex(AUTH_KEY));
  }

  @Test
  void clientDhInnerDataEncryptsToThePublishedDataAndBack() {
    byte[] data = hex(CLIENT_DH_INNER_DATA);
    byte[] expectedLayout = ByteBuffer.allocate(data.length).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(0x6643b654).put(hex(NONCE)).put(serverNonce).putLong(0)
        .put(hex("FE000100")).put(hex(G_B)).array();
    assertThat(data).isEqualTo(expectedLayout);

    byte[] encrypted = ExchangeCrypto.encryptInnerData(
        data, tmpKey, TestBytes.fixedRandom(hex(CLIENT_PADDING)));
    assertThat(encrypted).isEqualTo(hex(CLIENT_ENCRYPTED_DATA));
    assertThat(ExchangeCrypto.decryptInnerData(hex(CLIENT_ENCRYPTED_DATA), tmpKey))
        .isEqualTo(data);
  }

  @Test
  void authKeyIdNewNonceHashAndServerSalt() {
    AuthKey authKey = AuthKey.of(hex(AUTH_KEY));
    assertThat(le(authKey.id())).isEqualTo(hex("65588B3350EF784E"));
    assertThat(ExchangeCrypto.newNonceHash(newNonce, 1, authKey)).isEqualTo(hex(NEW_NONCE_HASH1));
    assertThat(le(ExchangeCrypto.initialServerSalt(newNonce, serverNonce)))
        .isEqualTo(hex("49A6747298503DCE"));
  }

  @Test
  void newNonceHashesDifferPerOutcome() {
    AuthKey authKey = AuthKey.of(hex(AUTH_KEY));
    byte[] one = ExchangeCrypto.newNonceHash(newNonce, 1, authKey);
    byte[] two = ExchangeCrypto.newNonceHash(newNonce, 2, authKey);
    byte[] three = ExchangeCrypto.newNonceHash(newNonce, 3, authKey);
    assertThat(one).isNotEqualTo(two).isNotEqualTo(three);
    assertThat(two).isNotEqualTo(three);
    assertThatThrownBy(() -> ExchangeCrypto.newNonceHash(newNonce, 4, authKey))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tamperedEncryptedAnswerIsRejected() {
    byte[] encrypted = hex(ENCRYPTED_ANSWER);
    encrypted[100] ^= 4;
    assertThatThrownBy(() -> ExchangeCrypto.decryptInnerData(encrypted, tmpKey))
        .isInstanceOf(CryptoCheckException.class).hasMessageContaining("SHA1");
    assertThatThrownBy(() -> ExchangeCrypto.decryptInnerData(new byte[40], tmpKey))
        .isInstanceOf(CryptoCheckException.class).hasMessageContaining("length");
  }

  private static byte[] le(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
  }
}
