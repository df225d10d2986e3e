package io.telefetch.mtproto.client;

import io.telefetch.mtproto.crypto.Srp;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.InputCheckPasswordSRP;
import io.telefetch.tl.api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow;
import io.telefetch.tl.api.account.Password;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/** Turns {@code account.password} and the user's password into {@code inputCheckPasswordSRP} (SRP, PROTOCOL-NOTES section 9). */
final class Passwords {
  private Passwords() {}

  /** The check with a fresh random secret. */
  static InputCheckPasswordSRP check(Password password, String text, SecureRandom random) {
    Srp.PasswordCheck c = Srp.computeCheck(text.getBytes(StandardCharsets.UTF_8), params(password),
        password.srpB().toByteArray(), random);
    return new InputCheckPasswordSRP(password.srpId(), TlBytes.wrap(c.a()), TlBytes.wrap(c.m1()));
  }

  /** The check with the secret {@code a} (test vectors only). */
  static InputCheckPasswordSRP check(Password password, String text, BigInteger a) {
    Srp.PasswordCheck c = Srp.computeCheck(text.getBytes(StandardCharsets.UTF_8), params(password),
        password.srpB().toByteArray(), a);
    return new InputCheckPasswordSRP(password.srpId(), TlBytes.wrap(c.a()), TlBytes.wrap(c.m1()));
  }

  private static Srp.Params params(Password password) {
    if (!password.hasPassword() || password.srpB() == null || password.srpId() == null) {
      throw new LoginException("the account has no 2FA password");
    }
    if (!(password.currentAlgo() instanceof PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow algo)) {
      throw new LoginException("unsupported password KDF: " + password.currentAlgo());
    }
    return Srp.Params.of(algo.salt1().toByteArray(), algo.salt2().toByteArray(), algo.g(), algo.p().toByteArray());
  }
}
