package io.telefetch.mtproto.crypto;

import static io.telefetch.mtproto.crypto.TestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PqFactorizerTest {

  @Test
  void officialExample() {
    PqFactorizer.Factors factors = PqFactorizer.factorize(2694724800268887959L);
    assertThat(factors.p()).isEqualTo(1513098571L);
    assertThat(factors.q()).isEqualTo(1780931429L);
    assertThat(factors.pBytes()).isEqualTo(hex("5A300D4B"));
    assertThat(factors.qBytes()).isEqualTo(hex("6A26DB65"));
    assertThat(PqFactorizer.factorize(hex("256595EDB7766797"))).isEqualTo(factors);
  }

  @Test
  void randomProductsOfTwo31BitPrimes() {
    Random random = new Random(31);
    for (int i = 0; i < 300; i++) {
      assertFactors(BigInteger.probablePrime(31, random).longValueExact(),
          BigInteger.probablePrime(31, random).longValueExact());
    }
  }

  @Test
  void productsAbove2To63AreReadUnsigned() {
    Random random = new Random(32);
    for (int i = 0; i < 50; i++) {
      assertFactors(BigInteger.probablePrime(32, random).longValueExact(),
          BigInteger.probablePrime(32, random).longValueExact());
    }
    // The largest product of two 32-bit primes: 4294967291 * 4294967279.
    assertFactors(4294967279L, 4294967291L);
  }

  @Test
  void unbalancedAndSmallFactors() {
    assertFactors(3, 1_000_000_007L);
    assertFactors(2, 4_611_686_018_427_388_039L); // the smallest prime above 2^62
    assertFactors(1009, 1_000_000_007L);
    assertFactors(65_537, 1_000_000_000_039L);
  }

  @Test
  void rejectsWhatIsNotAProductOfTwoDistinctPrimes() {
    long[] bad = {
      0, 1, 4, 5, 2_305_843_009_213_693_951L, // 2^61 - 1 is prime
      1_000_000_007L * 1_000_000_007L, // a square
      3L * 5 * 1_000_000_007L, // three primes
      1_000_003L * 1_000_033L * 1_000_037L,
    };
    for (long pq : bad) {
      assertThatThrownBy(() -> PqFactorizer.factorize(pq))
          .as("pq = %s", Long.toUnsignedString(pq))
          .isInstanceOf(CryptoCheckException.class);
    }
    assertThatThrownBy(() -> PqFactorizer.factorize(new byte[9]))
        .isInstanceOf(CryptoCheckException.class);
    assertThatThrownBy(() -> PqFactorizer.factorize(new byte[0]))
        .isInstanceOf(CryptoCheckException.class);
  }

  @Test
  void primalityIsExactOnPseudoprimesAndAgreesWithBigInteger() {
    // Strong pseudoprimes to several small bases (composite): a test with fewer witnesses passes them.
    long[] composite = {561, 2047, 1_373_653, 25_326_001, 3_215_031_751L, 2_152_302_898_747L,
        3_474_749_660_383L, 341_550_071_728_321L, 3_825_123_056_546_413_051L,
        1_000_000_007L * 1_000_000_009L};
    for (long n : composite) {
      assertThat(PqFactorizer.isPrime(n)).as("%s", Long.toUnsignedString(n)).isFalse();
    }
    long[] prime = {2, 3, 37, 41, 1_000_000_007L, 2_305_843_009_213_693_951L, 4_294_967_291L,
        -59L /* 2^64 - 59, the largest 64-bit prime */};
    for (long n : prime) {
      assertThat(PqFactorizer.isPrime(n)).as("%s", Long.toUnsignedString(n)).isTrue();
    }
    Random random = new Random(64);
    for (int i = 0; i < 20_000; i++) {
      long n = i % 2 == 0 ? random.nextLong() : random.nextLong() >>> (1 + random.nextInt(62));
      boolean expected = new BigInteger(Long.toUnsignedString(n)).isProbablePrime(100);
      assertThat(PqFactorizer.isPrime(n)).as("%s", Long.toUnsignedString(n)).isEqualTo(expected);
    }
    for (int i = 0; i < 500; i++) {
      long p = BigInteger.probablePrime(2 + random.nextInt(63), random).longValue();
      assertThat(PqFactorizer.isPrime(p)).as("%s", Long.toUnsignedString(p)).isTrue();
    }
  }

  private static void assertFactors(long a, long b) {
    long p = Math.min(a, b);
    long q = Math.max(a, b);
    PqFactorizer.Factors factors = PqFactorizer.factorize(p * q);
    assertThat(factors).as("%d * %d", p, q).isEqualTo(new PqFactorizer.Factors(p, q));
  }
}
