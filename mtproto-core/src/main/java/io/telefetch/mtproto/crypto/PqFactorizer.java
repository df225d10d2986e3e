package io.telefetch.mtproto.crypto;

import java.math.BigInteger;

/**
 * Factors the {@code pq} of {@code resPQ}, the client's proof of work, into its primes {@code p <
 * q} with Pollard's rho in Brent's variant over 64-bit Montgomery arithmetic.
 *
 * <p>{@code pq} is read as an unsigned 64-bit integer. A {@code pq} that is not the product of two
 * distinct primes, or that resists the step budget, is rejected with a {@link
 * CryptoCheckException}: it comes from the server and must not make the client spin. Thread-safe.
 */
public final class PqFactorizer {

  /** The two prime factors of {@code pq}, {@code p < q}. */
  public record Factors(long p, long q) {

    /** {@code p} as big-endian bytes without leading zeros, as {@code req_DH_params} sends it. */
    public byte[] pBytes() {
      return Bytes.toMinimalBigEndian(BigInteger.valueOf(p));
    }

    /** {@code q} as big-endian bytes without leading zeros, as {@code req_DH_params} sends it. */
    public byte[] qBytes() {
      return Bytes.toMinimalBigEndian(BigInteger.valueOf(q));
    }
  }

  /** Upper bound of polynomial steps before giving up; a 64-bit semiprime needs about 2^17. */
  private static final long STEP_BUDGET = 1L << 26;
  /** Steps whose differences are multiplied together before one gcd. */
  private static final int BATCH = 128;
  private static final int TRIAL_DIVISION_LIMIT = 1000;

  private PqFactorizer() {}

  /**
   * Factors {@code pq} given as big-endian bytes (the TL string of {@code resPQ}).
   *
   * @throws CryptoCheckException if {@code pq} is longer than 8 bytes or not a product of two
   *     distinct primes
   */
  public static Factors factorize(byte[] pq) {
    if (pq.length == 0 || pq.length > 8) {
      throw new CryptoCheckException("pq must be 1 to 8 bytes, not " + pq.length);
    }
    long value = 0;
    for (byte b : pq) {
      value = (value << 8) | (b & 0xFF);
    }
    return factorize(value);
  }

  /**
   * Factors {@code pq}, read as an unsigned 64-bit integer.
   *
   * @throws CryptoCheckException if {@code pq} is not a product of two distinct primes
   */
  public static Factors factorize(long pq) {
    if (Long.compareUnsigned(pq, 6) < 0 || isPrime(pq)) {
      throw notSemiprime(pq);
    }
    long divisor = smallFactor(pq);
    if (divisor == 0) {
      divisor = pollardBrent(pq);
    }
    long other = Long.divideUnsigned(pq, divisor);
    long p = Long.compareUnsigned(divisor, other) < 0 ? divisor : other;
    long q = p == divisor ? other : divisor;
    if (p == q || !isPrime(p) || !isPrime(q)) {
      throw notSemiprime(pq);
    }
    return new Factors(p, q);
  }

  private static long smallFactor(long n) {
    for (long d = 2; d <= TRIAL_DIVISION_LIMIT; d++) {
      if (Long.remainderUnsigned(n, d) == 0) {
        return d;
      }
    }
    return 0;
  }

  /** Returns a non-trivial factor of the odd composite {@code n}, which has no factor below 1000. */
  private static long pollardBrent(long n) {
    Montgomery mont = new Montgomery(n);
    long budget = STEP_BUDGET;
    for (long c = 1; ; c++) {
      long y = 2;
      long x = y;
      long ys = y;
      long product = 1;
      long g = 1;
      for (long r = 1; g == 1; r <<= 1) {
        x = y;
        for (long i = 0; i < r; i++) {
          y = mont.step(y, c);
        }
        for (long k = 0; k < r && g == 1; k += BATCH) {
          ys = y;
          long steps = Math.min(BATCH, r - k);
          for (long i = 0; i < steps; i++) {
            y = mont.step(y, c);
            product = mont.multiply(product, absoluteDifference(x, y));
          }
          g = gcd(product, n);
        }
        budget -= 2 * r;
        if (budget <= 0) {
          throw new CryptoCheckException("pq could not be factorised within the step budget");
        }
      }
      if (g == n) {
        // The batch overshot: redo it one step at a time.
        do {
          ys = mont.step(ys, c);
          g = gcd(absoluteDifference(x, ys), n);
        } while (g == 1);
      }
      if (g != n) {
        return g;
      }
    }
  }

  private static long absoluteDifference(long a, long b) {
    return Long.compareUnsigned(a, b) >= 0 ? a - b : b - a;
  }

  /** Binary gcd of two unsigned longs. */
  private static long gcd(long a, long b) {
    if (a == 0) {
      return b;
    }
    if (b == 0) {
      return a;
    }
    int shift = Long.numberOfTrailingZeros(a | b);
    a >>>= Long.numberOfTrailingZeros(a);
    while (b != 0) {
      b >>>= Long.numberOfTrailingZeros(b);
      if (Long.compareUnsigned(a, b) > 0) {
        long t = a;
        a = b;
        b = t;
      }
      b -= a;
    }
    return a << shift;
  }

  /**
   * The first twelve primes: Miller-Rabin with all of them as bases is exact for every {@code n <
   * 3.3 * 10^24}, so for every unsigned 64-bit {@code n} (Sorenson and Webster, 2015).
   */
  private static final long[] WITNESSES = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};

  /**
   * Whether the unsigned 64-bit {@code n} is prime: deterministic Miller-Rabin in 64-bit
   * Montgomery arithmetic (no BigInteger: a cold JVM runs this in the interpreter, see issue 16).
   */
  static boolean isPrime(long n) {
    if (Long.compareUnsigned(n, 2) < 0) {
      return false;
    }
    for (long w : WITNESSES) {
      if (Long.remainderUnsigned(n, w) == 0) {
        return n == w;
      }
    }
    // n is odd, has no factor up to 37, so n > 37^2.
    long d = n - 1;
    int s = Long.numberOfTrailingZeros(d);
    d >>>= s;
    Montgomery mont = new Montgomery(n);
    long one = mont.one();
    long minusOne = n - one;
    long rSquared = mont.rSquared();
    for (long w : WITNESSES) {
      long x = mont.pow(mont.multiply(w, rSquared), d); // w < n: w in Montgomery form
      if (x == one || x == minusOne) {
        continue;
      }
      boolean probable = false;
      for (int i = 1; i < s && !probable; i++) {
        x = mont.multiply(x, x);
        probable = x == minusOne;
      }
      if (!probable) {
        return false;
      }
    }
    return true;
  }

  private static CryptoCheckException notSemiprime(long pq) {
    return new CryptoCheckException(
        "pq " + Long.toUnsignedString(pq) + " is not a product of two distinct primes");
  }

  /** Montgomery arithmetic modulo an odd unsigned 64-bit {@code n}, with {@code R = 2^64}. */
  private static final class Montgomery {
    private final long n;
    /** {@code -n^-1 mod 2^64}. */
    private final long negInverse;

    Montgomery(long n) {
      this.n = n;
      long inverse = n; // correct to 3 bits for odd n; each Newton step doubles that
      for (int i = 0; i < 5; i++) {
        inverse *= 2 - n * inverse;
      }
      this.negInverse = -inverse;
    }

    /** {@code R mod n}: 1 in Montgomery form. */
    long one() {
      return Long.remainderUnsigned(-n, n); // (2^64 - n) mod n
    }

    /** {@code R^2 mod n}; {@code multiply(a, rSquared())} is {@code a} in Montgomery form. */
    long rSquared() {
      long r2 = one(); // R mod n, doubled 64 times
      for (int i = 0; i < 64; i++) {
        r2 = add(r2, r2);
      }
      return r2;
    }

    /** {@code base^exponent} in Montgomery form, for {@code base} in Montgomery form. */
    long pow(long base, long exponent) {
      long result = one();
      while (exponent != 0) {
        if ((exponent & 1) != 0) {
          result = multiply(result, base);
        }
        base = multiply(base, base);
        exponent >>>= 1;
      }
      return result;
    }

    /** {@code a + b mod n} for {@code a, b < n}. */
    long add(long a, long b) {
      long sum = a + b;
      return Long.compareUnsigned(sum, a) < 0 || Long.compareUnsigned(sum, n) >= 0 ? sum - n : sum;
    }

    /** {@code a * b * R^-1 mod n} for {@code a, b < n}. */
    long multiply(long a, long b) {
      long low = a * b;
      long high = unsignedMultiplyHigh(a, b);
      long m = low * negInverse;
      long sum = high + unsignedMultiplyHigh(m, n);
      boolean overflow = Long.compareUnsigned(sum, high) < 0;
      if (low != 0) {
        // low + (m * n mod 2^64) == 2^64 exactly: carry one.
        sum++;
        overflow |= sum == 0;
      }
      return overflow || Long.compareUnsigned(sum, n) >= 0 ? sum - n : sum;
    }

    /** The rho polynomial {@code y -> y^2 R^-1 + c mod n}. */
    long step(long y, long c) {
      long sum = multiply(y, y) + c;
      return Long.compareUnsigned(sum, c) < 0 || Long.compareUnsigned(sum, n) >= 0 ? sum - n : sum;
    }

    private static long unsignedMultiplyHigh(long a, long b) {
      return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }
  }
}
