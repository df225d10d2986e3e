package io.telefetch.mtproto.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.mtproto.crypto.DhChecks;
import io.telefetch.mtproto.crypto.Srp;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.InputCheckPasswordSRP;
import io.telefetch.tl.api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow;
import io.telefetch.tl.api.PasswordKdfAlgoUnknown;
import io.telefetch.tl.api.SecurePasswordKdfAlgoUnknown;
import io.telefetch.tl.api.account.Password;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The 2FA step of the login flow: account.password in, inputCheckPasswordSRP out (PROTOCOL-NOTES section 9). */
class PasswordsTest {
  private static final byte[] SALT1 = HexFormat.of().parseHex(
      "4D11FB6BEC38F9D2546BB0F61E4F1C99A1BC0DB8F0D5F35B1291B37B213123D7ED48F3C6794D495B");
  private static final byte[] SALT2 = HexFormat.of().parseHex("A1B181AAFE88188680AE32860D60BB01");
  /** srp_B of the vector (gotd/td crypto/srp/srp_test.go). */
  private static final byte[] SRP_B = HexFormat.of().parseHex(
      "9C52401A6A8084EC82F01C3725D3FB448BD2F0C909F9D97726EAC4B7A74172D9"
          + "52F02466BE6734FA274D2B7429E27397F10372D66B400B80A5C5AE3F28B17BF3"
          + "105D7A2D2A885998CDC2DEFC208AEC217AB58859A9ABC2374AD93DC285F4B3FB"
          + "CAFF4143D7888F2425BD2FB711B25609CEB21757D935B1EF2F042173AD0CE2FE"
          + "0E474DAC53914BD25A8A9AED4AEA8953D55CB88621DB37B871EA0D04393AC098"
          + "7F68094CCC9DE8239251375D8FFFD263316CD528C097B7BC9FB919FBEDB76C52"
          + "5DF3413C374EE076D97A1E6D352BB7CC80FD13651B04B32E2E48C5268150842C"
          + "FD07CF855958B1B5EA9C36FDAD697FE3AEC8DCC6B1EFEC36874AF226204676CF");

  private static byte[] prime() {
    byte[] signed = DhChecks.KNOWN_DH_PRIME.toByteArray();
    byte[] p = new byte[256];
    System.arraycopy(signed, signed.length - 256, p, 0, 256);
    return p;
  }

  private static Password password(io.telefetch.tl.api.PasswordKdfAlgo algo, byte[] srpB, Long srpId) {
    return new Password(false, false, true, algo, srpB == null ? null : TlBytes.wrap(srpB), srpId, "hint", null,
        new PasswordKdfAlgoUnknown(), new SecurePasswordKdfAlgoUnknown(), TlBytes.wrap(new byte[32]), null, null);
  }

  private static PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow vectorAlgo() {
    return new PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(TlBytes.wrap(SALT1),
        TlBytes.wrap(SALT2), 3, TlBytes.wrap(prime()));
  }

  @Test
  void vectorThroughTheLoginCodePath() {
    InputCheckPasswordSRP check = Passwords.check(password(vectorAlgo(), SRP_B, 42L), "123123", BigInteger.ONE);
    assertThat(check.srpId()).isEqualTo(42L);
    byte[] a = new byte[256];
    a[255] = 3;
    assertThat(check.A().toByteArray()).isEqualTo(a);
    assertThat(check.M1().toHex().toUpperCase())
        .isEqualTo("999DF906BDA2C6CBB52F503406EBA2D0D0503ACE0CC302C38F13EE5010AD4051");
  }

  @Test
  void randomSecretIsAcceptedByTheServerSide() {
    Srp.Params params = Srp.Params.of(SALT1, SALT2, 3, prime());
    byte[] verifier = Srp.verifier("s3cret".getBytes(StandardCharsets.UTF_8), params);
    Srp.ServerChallenge server = Srp.ServerChallenge.create(params, verifier, new SecureRandom());
    Password pw = password(vectorAlgo(), server.srpB(), 7L);
    InputCheckPasswordSRP right = Passwords.check(pw, "s3cret", new SecureRandom());
    assertThat(server.verify(right.A().toByteArray(), right.M1().toByteArray())).isTrue();
    assertThat(right.srpId()).isEqualTo(7L);
  }

  @Test
  void noPasswordOrUnknownKdfIsAClearError() {
    Password none = new Password(false, false, false, null, null, null, null, null, new PasswordKdfAlgoUnknown(),
        new SecurePasswordKdfAlgoUnknown(), TlBytes.wrap(new byte[32]), null, null);
    assertThatThrownBy(() -> Passwords.check(none, "x", BigInteger.TWO)).isInstanceOf(LoginException.class)
        .hasMessageContaining("no 2FA password");
    assertThatThrownBy(() -> Passwords.check(password(new PasswordKdfAlgoUnknown(), SRP_B, 1L), "x", BigInteger.TWO))
        .isInstanceOf(LoginException.class).hasMessageContaining("unsupported password KDF");
    Login.QrCallback noPassword = token -> { };
    assertThat(noPassword.password(null).toCompletableFuture()).isCompletedExceptionally();
    assertThatThrownBy(() -> noPassword.password(null).toCompletableFuture().join()).cause()
        .isInstanceOf(LoginException.class).hasMessageContaining("supplies none");
  }
}
