package io.telefetch.mtproto.crypto;

import static io.telefetch.mtproto.crypto.TestBytes.hex;
import static io.telefetch.mtproto.crypto.TestBytes.seededRandom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SrpTest {

  private static final Srp.Params PARAMS = Srp.Params.of(
      hex("4D11FB6BEC38F9D2546BB0F61E4F1C99A1BC0DB8F0D5F35B1291B37B213123D7ED48F3C6794D495B"),
      hex("A1B181AAFE88188680AE32860D60BB01"),
      3,
      Bytes.toFixedBigEndian(DhChecks.KNOWN_DH_PRIME, 256));
  /** {@code srp_B} of the vector, from gotd/td's {@code srp_test.go}. */
  private static final byte[] SRP_B = hex(
      "9C52401A6A8084EC82F01C3725D3FB448BD2F0C909F9D97726EAC4B7A74172D9"
          + "52F02466BE6734FA274D2B7429E27397F10372D66B400B80A5C5AE3F28B17BF3"
          + "105D7A2D2A885998CDC2DEFC208AEC217AB58859A9ABC2374AD93DC285F4B3FB"
          + "CAFF4143D7888F2425BD2FB711B25609CEB21757D935B1EF2F042173AD0CE2FE"
          + "0E474DAC53914BD25A8A9AED4AEA8953D55CB88621DB37B871EA0D04393AC098"
          + "7F68094CCC9DE8239251375D8FFFD263316CD528C097B7BC9FB919FBEDB76C52"
          + "5DF3413C374EE076D97A1E6D352BB7CC80FD13651B04B32E2E48C5268150842C"
          + "FD07CF855958B1B5EA9C36FDAD697FE3AEC8DCC6B1EFEC36874AF226204676CF");
  private static final byte[] PASSWORD = "123123".getBytes(StandardCharsets.UTF_8);

  @Test
  void clientVector() {
    Srp.PasswordCheck check = Srp.computeCheck(PASSWORD, PARAMS, SRP_B, BigInteger.ONE);
    assertThat(check.a()).isEqualTo(Bytes.toFixedBigEndian(BigInteger.valueOf(3), 256));
    assertThat(check.m1()).isEqualTo(
        hex("999DF906BDA2C6CBB52F503406EBA2D0D0503ACE0CC302C38F13EE5010AD4051"));
  }

  @Test
  void serverAcceptsTheRightPasswordAndRejectsOthers() {
    byte[] verifier = Srp.verifier(PASSWORD, PARAMS);
    assertThat(verifier).hasSize(256);

    Srp.ServerChallenge challenge =
        Srp.ServerChallenge.create(PARAMS, verifier, seededRandom(1));
    byte[] srpB = challenge.srpB();
    DhChecks.checkPublicValue(new BigInteger(1, srpB), DhChecks.KNOWN_DH_PRIME);

    Srp.PasswordCheck right = Srp.computeCheck(PASSWORD, PARAMS, srpB, seededRandom(2));
    assertThat(challenge.verify(right.a(), right.m1())).isTrue();

    Srp.PasswordCheck wrong = Srp.computeCheck(
        "123124".getBytes(StandardCharsets.UTF_8), PARAMS, srpB, seededRandom(3));
    assertThat(challenge.verify(wrong.a(), wrong.m1())).isFalse();

    byte[] tamperedM1 = right.m1();
    tamperedM1[31] ^= 1;
    assertThat(challenge.verify(right.a(), tamperedM1)).isFalse();
    assertThat(challenge.verify(wrong.a(), right.m1())).isFalse();
  }

  @Test
  void serverRejectsDegenerateClientValues() {
    Srp.ServerChallenge challenge =
        Srp.ServerChallenge.create(PARAMS, Srp.verifier(PASSWORD, PARAMS), seededRandom(4));
    byte[] m1 = new byte[32];
    BigInteger p = DhChecks.KNOWN_DH_PRIME;
    for (BigInteger a : new BigInteger[] {
        BigInteger.ZERO, BigInteger.ONE, p.subtract(BigInteger.ONE), p, p.add(BigInteger.ONE)}) {
      assertThat(challenge.verify(Bytes.toMinimalBigEndian(a), m1)).isFalse();
    }
  }

  @Test
  void clientRejectsBadSrpBAndBadGroups() {
    byte[] zero = new byte[256];
    assertThatThrownBy(() -> Srp.computeCheck(PASSWORD, PARAMS, zero, BigInteger.TWO))
        .isInstanceOf(CryptoCheckException.class).hasMessageContaining("srp_B");
    byte[] p = Bytes.toFixedBigEndian(DhChecks.KNOWN_DH_PRIME, 256);
    assertThatThrownBy(() -> Srp.computeCheck(PASSWORD, PARAMS, p, BigInteger.TWO))
        .isInstanceOf(CryptoCheckException.class).hasMessageContaining("srp_B");

    Srp.Params badG = Srp.Params.of(PARAMS.salt1(), PARAMS.salt2(), 2, p);
    assertThatThrownBy(() -> Srp.computeCheck(PASSWORD, badG, SRP_B, seededRandom(5)))
        .isInstanceOf(CryptoCheckException.class);
    byte[] notPrime = p.clone();
    notPrime[255] += 2;
    Srp.Params badP = Srp.Params.of(PARAMS.salt1(), PARAMS.salt2(), 4, notPrime);
    assertThatThrownBy(() -> Srp.computeCheck(PASSWORD, badP, SRP_B, seededRandom(6)))
        .isInstanceOf(CryptoCheckException.class).hasMessageContaining("safe prime");
  }

  @Test
  void paramsAreCopied() {
    byte[] salt1 = {1, 2, 3};
    Srp.Params params = Srp.Params.of(salt1, new byte[] {4}, 3, new byte[] {5});
    salt1[0] = 9;
    assertThat(params.salt1()).containsExactly(1, 2, 3);
    params.salt1()[1] = 9;
    assertThat(params.salt1()).containsExactly(1, 2, 3);
    assertThat(params.g()).isEqualTo(3);
    assertThat(params.p()).isEqualTo(BigInteger.valueOf(5));
  }
}
