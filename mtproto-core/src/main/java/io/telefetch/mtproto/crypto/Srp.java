package io.telefetch.mtproto.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The SRP check of 2FA passwords with the KDF {@code
 * passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow}: the client computes {@code A}
 * and {@code M1} for {@code inputCheckPasswordSRP}; the server side (for the in-process test
 * server) derives the verifier, issues {@code srp_B} and verifies {@code M1}.
 *
 * <p>With {@code H = SHA256} and {@code SH(d, s) = H(s | d | s)}: {@code x =
 * SH(PBKDF2-HMAC-SHA512(SH(SH(password, salt1), salt2), salt1, 100000), salt2)}, {@code v = g^x},
 * {@code k = H(p | g)}, {@code u = H(g_a | g_b)}, {@code s_a = (g_b - k v)^(a + u x)}, {@code M1 =
 * H(H(p) xor H(g) | H(salt1) | H(salt2) | g_a | g_b | H(s_a))}, all modulo {@code p}, numbers as
 * 256 big-endian bytes. Computing {@code x} takes 100,000 HMAC iterations, a noticeable fraction
 * of a second. All methods are thread-safe.
 *
 * @see <a href="https://core.telegram.org/api/srp">Two-factor authentication</a>
 */
public final class Srp {

  /** The PBKDF2 iteration count of this KDF. */
  public static final int PBKDF2_ITERATIONS = 100_000;

  private static final int SIZE = 256;

  private Srp() {}

  /** The KDF parameters of an account's password, from {@code account.password.current_algo}. */
  public static final class Params {
    private final byte[] salt1;
    private final byte[] salt2;
    private final int g;
    private final BigInteger p;

    private Params(byte[] salt1, byte[] salt2, int g, BigInteger p) {
      this.salt1 = salt1;
      this.salt2 = salt2;
      this.g = g;
      this.p = p;
    }

    /**
     * Returns parameters holding copies of the given arrays; nothing is checked until they are
     * used.
     *
     * @param p the 2048-bit prime as big-endian bytes
     */
    public static Params of(byte[] salt1, byte[] salt2, int g, byte[] p) {
      Objects.requireNonNull(salt1, "salt1");
      Objects.requireNonNull(salt2, "salt2");
      Objects.requireNonNull(p, "p");
      return new Params(salt1.clone(), salt2.clone(), g, new BigInteger(1, p));
    }

    /** Returns a copy of {@code salt1}. */
    public byte[] salt1() {
      return salt1.clone();
    }

    /** Returns a copy of {@code salt2}. */
    public byte[] salt2() {
      return salt2.clone();
    }

    /** The generator {@code g}. */
    public int g() {
      return g;
    }

    /** The prime {@code p}. */
    public BigInteger p() {
      return p;
    }

    @Override
    public String toString() {
      return "Srp.Params[g=" + g + ", p=" + p.bitLength() + " bits]";
    }
  }

  /** What {@code inputCheckPasswordSRP} carries besides {@code srp_id}: {@code A} and {@code M1}. */
  public static final class PasswordCheck {
    private final byte[] a;
    private final byte[] m1;

    private PasswordCheck(byte[] a, byte[] m1) {
      this.a = a;
      this.m1 = m1;
    }

    /** Returns a copy of {@code A = g^a mod p}, 256 bytes. */
    public byte[] a() {
      return a.clone();
    }

    /** Returns a copy of {@code M1}, 32 bytes. */
    public byte[] m1() {
      return m1.clone();
    }

    @Override
    public String toString() {
      return "Srp.PasswordCheck[secret]";
    }
  }

  /**
   * Computes the password check with a fresh random 2048-bit {@code a} (drawn again until {@code A}
   * passes {@link DhChecks#checkPublicValue}).
   *
   * @param password the password as UTF-8 bytes
   * @param srpB the server's {@code srp_B}
   * @throws CryptoCheckException if {@code p} or {@code g} fails {@link
   *     DhChecks#checkPrimeAndGenerator} or {@code srp_B} is not in {@code (0, p)}
   */
  public static PasswordCheck computeCheck(
      byte[] password, Params params, byte[] srpB, SecureRandom random) {
    checkGroup(params);
    BigInteger g = BigInteger.valueOf(params.g);
    while (true) {
      BigInteger a = ExchangeCrypto.randomExponent(random);
      BigInteger gA = g.modPow(a, params.p);
      try {
        DhChecks.checkPublicValue(gA, params.p);
      } catch (CryptoCheckException unlucky) {
        continue;
      }
      return compute(password, params, srpB, a, gA);
    }
  }

  /**
   * Computes the password check with the given secret {@code a}, which must be a fresh random
   * 2048-bit number; this overload exists for reproducible results (test vectors) and does not
   * check {@code A}.
   *
   * @throws CryptoCheckException if {@code p} or {@code g} fails {@link
   *     DhChecks#checkPrimeAndGenerator} or {@code srp_B} is not in {@code (0, p)}
   */
  public static PasswordCheck computeCheck(
      byte[] password, Params params, byte[] srpB, BigInteger a) {
    checkGroup(params);
    return compute(password, params, srpB, a, BigInteger.valueOf(params.g).modPow(a, params.p));
  }

  /**
   * Returns {@code x = PH2(password, salt1, salt2)}, the 32-byte password hash behind the
   * verifier.
   */
  public static byte[] passwordHash(byte[] password, Params params) {
    byte[] ph1 = saltedHash(saltedHash(password, params.salt1), params.salt2);
    byte[] stretched = Hashes.pbkdf2HmacSha512(ph1, params.salt1, PBKDF2_ITERATIONS, 64);
    return saltedHash(stretched, params.salt2);
  }

  /**
   * Returns the verifier {@code v = g^x mod p} as 256 bytes: what the server stores, and the {@code
   * new_password_hash} a client sends when setting a password.
   *
   * @throws CryptoCheckException if {@code p} or {@code g} fails {@link
   *     DhChecks#checkPrimeAndGenerator}
   */
  public static byte[] verifier(byte[] password, Params params) {
    checkGroup(params);
    BigInteger x = new BigInteger(1, passwordHash(password, params));
    return pad(BigInteger.valueOf(params.g).modPow(x, params.p));
  }

  /** The server side of one password check: it issues {@code srp_B} and verifies {@code M1}. */
  public static final class ServerChallenge {
    private final Params params;
    private final BigInteger v;
    private final BigInteger b;
    private final byte[] srpB;

    private ServerChallenge(Params params, BigInteger v, BigInteger b, byte[] srpB) {
      this.params = params;
      this.v = v;
      this.b = b;
      this.srpB = srpB;
    }

    /**
     * Starts a check against the stored {@code verifier} (see {@link Srp#verifier}) with a fresh
     * random {@code b}: {@code srp_B = (k v + g^b) mod p}.
     *
     * @throws CryptoCheckException if {@code p} or {@code g} fails {@link
     *     DhChecks#checkPrimeAndGenerator}
     */
    public static ServerChallenge create(Params params, byte[] verifier, SecureRandom random) {
      checkGroup(params);
      BigInteger p = params.p;
      BigInteger g = BigInteger.valueOf(params.g);
      BigInteger v = new BigInteger(1, verifier);
      BigInteger kv = multiplier(params).multiply(v).mod(p);
      while (true) {
        BigInteger b = ExchangeCrypto.randomExponent(random);
        BigInteger srpB = kv.add(g.modPow(b, p)).mod(p);
        try {
          DhChecks.checkPublicValue(srpB, p);
        } catch (CryptoCheckException unlucky) {
          continue;
        }
        return new ServerChallenge(params, v, b, pad(srpB));
      }
    }

    /** Returns a copy of {@code srp_B}, 256 bytes. */
    public byte[] srpB() {
      return srpB.clone();
    }

    /**
     * Returns whether the client's {@code A} and {@code M1} prove knowledge of the password:
     * {@code A} must be in {@code (1, p - 1)}, and {@code M1} is compared in constant time with
     * the value computed from {@code s_b = (A v^u)^b mod p}.
     */
    public boolean verify(byte[] a, byte[] m1) {
      BigInteger p = params.p;
      BigInteger gA = new BigInteger(1, a);
      if (gA.compareTo(BigInteger.ONE) <= 0 || gA.compareTo(p.subtract(BigInteger.ONE)) >= 0) {
        return false;
      }
      byte[] aBytes = pad(gA);
      BigInteger u = new BigInteger(1, Hashes.sha256(aBytes, srpB));
      BigInteger sB = gA.multiply(v.modPow(u, p)).mod(p).modPow(b, p);
      byte[] expected = m1(params, aBytes, srpB, Hashes.sha256(pad(sB)));
      return ConstantTime.equals(expected, m1);
    }

    @Override
    public String toString() {
      return "Srp.ServerChallenge[" + params + "]";
    }
  }

  private static PasswordCheck compute(
      byte[] password, Params params, byte[] srpB, BigInteger a, BigInteger gA) {
    BigInteger p = params.p;
    BigInteger gB = new BigInteger(1, srpB);
    if (gB.signum() == 0 || gB.compareTo(p) >= 0) {
      throw new CryptoCheckException("srp_B is not between 0 and p");
    }
    BigInteger g = BigInteger.valueOf(params.g);
    byte[] aBytes = pad(gA);
    byte[] bBytes = pad(gB);
    BigInteger u = new BigInteger(1, Hashes.sha256(aBytes, bBytes));
    BigInteger x = new BigInteger(1, passwordHash(password, params));
    BigInteger kv = multiplier(params).multiply(g.modPow(x, p)).mod(p);
    BigInteger t = gB.subtract(kv).mod(p);
    BigInteger sA = t.modPow(a.add(u.multiply(x)), p);
    byte[] m1 = m1(params, aBytes, bBytes, Hashes.sha256(pad(sA)));
    return new PasswordCheck(aBytes, m1);
  }

  /** {@code k = H(p | g)}. */
  private static BigInteger multiplier(Params params) {
    return new BigInteger(1, Hashes.sha256(pad(params.p), pad(BigInteger.valueOf(params.g))));
  }

  /** {@code M = H(H(p) xor H(g) | H(salt1) | H(salt2) | g_a | g_b | k)}. */
  private static byte[] m1(Params params, byte[] gA, byte[] gB, byte[] sessionKey) {
    byte[] hashP = Hashes.sha256(pad(params.p));
    byte[] hashG = Hashes.sha256(pad(BigInteger.valueOf(params.g)));
    for (int i = 0; i < hashP.length; i++) {
      hashP[i] ^= hashG[i];
    }
    return Hashes.sha256(hashP, Hashes.sha256(params.salt1), Hashes.sha256(params.salt2), gA, gB,
        sessionKey);
  }

  /** {@code SH(data, salt) = H(salt | data | salt)}. */
  private static byte[] saltedHash(byte[] data, byte[] salt) {
    return Hashes.sha256(salt, data, salt);
  }

  private static byte[] pad(BigInteger value) {
    return Bytes.toFixedBigEndian(value, SIZE);
  }

  private static void checkGroup(Params params) {
    DhChecks.checkPrimeAndGenerator(params.p, params.g);
  }
}
