package io.telefetch.mtproto.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DhChecksTest {

  /** RFC 3526 group 14: a well-known 2048-bit safe prime other than Telegram's. */
  private static final BigInteger RFC3526_PRIME = new BigInteger(
      "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
          + "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
          + "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
          + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
          + "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
          + "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
          + "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
          + "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF",
      16);
  private static final BigInteger P = DhChecks.KNOWN_DH_PRIME;
  private static final BigInteger MARGIN = BigInteger.ONE.shiftLeft(2048 - 64);

  @Test
  void knownPrimeIsReallyASafePrime() {
    assertThat(P.bitLength()).isEqualTo(2048);
    assertThat(P.isProbablePrime(64)).isTrue();
    assertThat(P.shiftRight(1).isProbablePrime(64)).isTrue();
  }

  @Test
  void knownPrimeAcceptsExactlyTheGeneratorsThatAreResidues() {
    // P mod 8 = 3, mod 3 = 2, mod 5 = 3, mod 24 = 11, mod 7 = 6.
    for (int g : new int[] {3, 4, 7}) {
      assertThatCode(() -> DhChecks.checkPrimeAndGenerator(P, g)).doesNotThrowAnyException();
    }
    for (int g : new int[] {-1, 0, 1, 2, 5, 6, 8, 256}) {
      assertThatThrownBy(() -> DhChecks.checkPrimeAndGenerator(P, g))
          .as("g = %d", g)
          .isInstanceOf(CryptoCheckException.class).hasMessageContaining("g = " + g);
    }
  }

  @Test
  void otherSafePrimesAreTestedAndAccepted() {
    // RFC 3526's prime is 7 mod 8, 2 mod 3, 4 mod 5, 23 mod 24 and 5 mod 7: every g qualifies.
    for (int g = 2; g <= 7; g++) {
      int generator = g;
      assertThatCode(() -> DhChecks.checkPrimeAndGenerator(RFC3526_PRIME, generator))
          .doesNotThrowAnyException();
    }
    assertThatThrownBy(() -> DhChecks.checkPrimeAndGenerator(RFC3526_PRIME, 8))
        .isInstanceOf(CryptoCheckException.class);
  }

  @Test
  void rejectsPrimesOfTheWrongSize() {
    BigInteger small = BigInteger.probablePrime(1024, new Random(1));
    assertThatThrownBy(() -> DhChecks.checkPrimeAndGenerator(small, 4))
        .isInstanceOf(CryptoCheckException.class).hasMessageContaining("2048-bit");
    BigInteger large = BigInteger.ONE.shiftLeft(2048).add(BigInteger.valueOf(981));
    assertThatThrownBy(() -> DhChecks.checkPrimeAndGenerator(large, 4))
        .isInstanceOf(CryptoCheckException.class).hasMessageContaining("2048-bit");
    assertThatThrownBy(() -> DhChecks.checkPrimeAndGenerator(P.negate(), 4))
        .isInstanceOf(CryptoCheckException.class);
  }

  @Test
  void rejectsComposites() {
    BigInteger composite = P.add(BigInteger.TWO);
    assertThatThrownBy(() -> DhChecks.checkPrimeAndGenerator(composite, 4))
        .isInstanceOf(CryptoCheckException.class).hasMessageContaining("safe prime");
    BigInteger even = P.add(BigInteger.ONE);
    assertThatThrownBy(() -> DhChecks.checkPrimeAndGenerator(even, 4))
        .isInstanceOf(CryptoCheckException.class).hasMessageContaining("safe prime");
  }

  @Test
  void rejectsPrimesThatAreNotSafe() {
    BigInteger prime = BigInteger.probablePrime(2048, new Random(2048));
    assertThat(prime.shiftRight(1).isProbablePrime(64)).isFalse();
    assertThatThrownBy(() -> DhChecks.checkPrimeAndGenerator(prime, 4))
        .isInstanceOf(CryptoCheckException.class).hasMessageContaining("safe prime");
  }

  @Test
  void acceptsPublicValuesInsideTheSafeRange() {
    for (BigInteger value : new BigInteger[] {
        MARGIN, P.subtract(MARGIN), P.shiftRight(1), new BigInteger(2047, new Random(3))}) {
      assertThatCode(() -> DhChecks.checkPublicValue(value, P)).doesNotThrowAnyException();
    }
  }

  @Test
  void rejectsPublicValuesOutsideTheSafeRange() {
    BigInteger[] bad = {
        BigInteger.valueOf(-5), BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO,
        MARGIN.subtract(BigInteger.ONE), P.subtract(MARGIN).add(BigInteger.ONE),
        P.subtract(BigInteger.TWO), P.subtract(BigInteger.ONE), P, P.add(BigInteger.ONE),
    };
    for (BigInteger value : bad) {
      assertThatThrownBy(() -> DhChecks.checkPublicValue(value, P))
          .as("value %s", value.toString(16))
          .isInstanceOf(CryptoCheckException.class);
    }
  }
}
