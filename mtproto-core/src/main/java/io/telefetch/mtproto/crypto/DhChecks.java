package io.telefetch.mtproto.crypto;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The checks a Diffie-Hellman group and its public values must pass, in auth key creation and in
 * SRP: {@code dh_prime} is a safe 2048-bit prime, {@code g} generates its subgroup of prime order
 * {@code (p-1)/2}, and {@code g_a}/{@code g_b} lie safely inside {@code (1, p-1)}.
 *
 * <p>Primality testing takes a noticeable fraction of a second, so the well-known prime Telegram
 * uses is recognised without a test and other primes that passed are remembered (a few of them).
 * Thread-safe.
 *
 * @see <a href="https://core.telegram.org/mtproto/auth_key">Creating an authorization key, 6</a>
 */
public final class DhChecks {

  /** The 2048-bit safe prime Telegram's servers use as {@code dh_prime} and as SRP's {@code p}. */
  public static final BigInteger KNOWN_DH_PRIME = new BigInteger(
      "C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F"
          + "48198A0AA7C14058229493D22530F4DBFA336F6E0AC925139543AED44CCE7C37"
          + "20FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F64"
          + "2477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4"
          + "A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754"
          + "FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4"
          + "E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F"
          + "0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B",
      16);

  private static final int PRIME_BITS = 2048;
  private static final int PRIME_CERTAINTY = 64;
  /** Distance {@code g_a} and {@code g_b} must keep from 0 and from {@code p}: 2^(2048-64). */
  private static final BigInteger MARGIN = BigInteger.ONE.shiftLeft(PRIME_BITS - 64);
  private static final int MAX_REMEMBERED_PRIMES = 8;
  private static final Set<BigInteger> VERIFIED_SAFE_PRIMES = ConcurrentHashMap.newKeySet();

  private DhChecks() {}

  /**
   * Checks that {@code dhPrime} is a safe 2048-bit prime ({@code 2^2047 < p < 2^2048}, {@code p}
   * and {@code (p-1)/2} prime) and that {@code g} is one of 2..7 and a quadratic residue modulo it:
   * {@code p mod 8 = 7} for 2; {@code p mod 3 = 2} for 3; nothing for 4; {@code p mod 5} in {1, 4}
   * for 5; {@code p mod 24} in {19, 23} for 6; {@code p mod 7} in {3, 5, 6} for 7.
   *
   * @throws CryptoCheckException naming the first check that fails
   */
  public static void checkPrimeAndGenerator(BigInteger dhPrime, int g) {
    Objects.requireNonNull(dhPrime, "dhPrime");
    if (dhPrime.signum() <= 0 || dhPrime.bitLength() != PRIME_BITS) {
      throw new CryptoCheckException("dh_prime is not a 2048-bit number");
    }
    if (!isQuadraticResidue(dhPrime, g)) {
      throw new CryptoCheckException(
          "g = " + g + " is not in 2..7 or does not generate the subgroup of order (p-1)/2");
    }
    if (!isSafePrime(dhPrime)) {
      throw new CryptoCheckException("dh_prime is not a safe prime");
    }
  }

  /**
   * Checks a Diffie-Hellman public value {@code g_a} or {@code g_b}: {@code 1 < x < p - 1} and
   * {@code 2^(2048-64) <= x <= p - 2^(2048-64)}.
   *
   * @throws CryptoCheckException if {@code value} is outside that range
   */
  public static void checkPublicValue(BigInteger value, BigInteger dhPrime) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(dhPrime, "dhPrime");
    BigInteger pMinusOne = dhPrime.subtract(BigInteger.ONE);
    if (value.compareTo(BigInteger.ONE) <= 0 || value.compareTo(pMinusOne) >= 0) {
      throw new CryptoCheckException("DH value is not between 1 and dh_prime - 1");
    }
    if (value.compareTo(MARGIN) < 0 || value.compareTo(dhPrime.subtract(MARGIN)) > 0) {
      throw new CryptoCheckException(
          "DH value is not between 2^(2048-64) and dh_prime - 2^(2048-64)");
    }
  }

  private static boolean isQuadraticResidue(BigInteger p, int g) {
    switch (g) {
      case 2:
        return mod(p, 8) == 7;
      case 3:
        return mod(p, 3) == 2;
      case 4:
        return true;
      case 5: {
        int r = mod(p, 5);
        return r == 1 || r == 4;
      }
      case 6: {
        int r = mod(p, 24);
        return r == 19 || r == 23;
      }
      case 7: {
        int r = mod(p, 7);
        return r == 3 || r == 5 || r == 6;
      }
      default:
        return false;
    }
  }

  private static int mod(BigInteger p, int m) {
    return p.mod(BigInteger.valueOf(m)).intValue();
  }

  private static boolean isSafePrime(BigInteger p) {
    if (p.equals(KNOWN_DH_PRIME) || VERIFIED_SAFE_PRIMES.contains(p)) {
      return true;
    }
    boolean safe = p.isProbablePrime(PRIME_CERTAINTY)
        && p.shiftRight(1).isProbablePrime(PRIME_CERTAINTY);
    if (safe && VERIFIED_SAFE_PRIMES.size() < MAX_REMEMBERED_PRIMES) {
      VERIFIED_SAFE_PRIMES.add(p);
    }
    return safe;
  }
}
