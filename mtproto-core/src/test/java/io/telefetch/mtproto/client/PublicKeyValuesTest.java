package io.telefetch.mtproto.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.mtproto.crypto.RsaKeys;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The client-package values that stand for crypto types in the public API: {@link ServerKeys} (the
 * trusted server RSA keys) and {@link SessionData.DcKey} (an auth key that shows only its id).
 */
class PublicKeyValuesTest {
  private static final long PRODUCTION = 0xd09d1d85de64fd85L;
  private static final long TEST = 0xb25898df208d2603L;

  private static String pem(RsaKeys keys) {
    return keys.keys().get(0).toPem();
  }

  @Test
  void serverKeysAreTelegramsKnownKeysByFingerprint() {
    assertThat(ServerKeys.production().fingerprints()).containsExactly(PRODUCTION);
    assertThat(ServerKeys.test().fingerprints()).containsExactly(TEST);
    assertThat(ServerKeys.none().fingerprints()).isEmpty();
    assertThat(ServerKeys.production().registry()).isEqualTo(RsaKeys.production());
  }

  @Test
  void serverKeysFromPemKeepOrderReplaceSameFingerprintAndStayImmutable() {
    String prod = pem(RsaKeys.production());
    String test = pem(RsaKeys.test());
    ServerKeys both = ServerKeys.fromPem(test, prod);
    assertThat(both.fingerprints()).containsExactly(TEST, PRODUCTION);
    assertThat(both.with(test).fingerprints()).containsExactly(PRODUCTION, TEST);
    ServerKeys one = ServerKeys.fromPem(prod);
    assertThat(one.with(test)).isEqualTo(both).isNotSameAs(one);
    assertThat(one.fingerprints()).containsExactly(PRODUCTION);
    assertThat(one).isEqualTo(ServerKeys.production()).hasSameHashCodeAs(ServerKeys.production());
    assertThat(ServerKeys.fromPem(both.pems().toArray(String[]::new))).isEqualTo(both);
    assertThat(both.toString()).contains("b25898df208d2603", "d09d1d85de64fd85").doesNotContain("BEGIN");
  }

  @Test
  void aTextThatIsNotAnRsaPublicKeyIsRejected() {
    assertThatThrownBy(() -> ServerKeys.fromPem("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerKeys.none().with("not a pem")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theClientTrustsProductionOrTestKeysByDefaultAndKeepsGivenOnes() {
    ClientOptions.Builder b = TelegramClient.builder().apiId(1).apiHash("h");
    assertThat(b.buildOptions().serverKeys()).isEqualTo(ServerKeys.production());
    assertThat(TelegramClient.builder().apiId(1).apiHash("h").testServers().buildOptions().serverKeys())
        .isEqualTo(ServerKeys.test());
    ServerKeys custom = ServerKeys.fromPem(pem(RsaKeys.test()), pem(RsaKeys.production()));
    ClientOptions o = TelegramClient.builder().apiId(1).apiHash("h").serverKeys(custom).buildOptions();
    assertThat(o.serverKeys()).isEqualTo(custom);
    assertThat(o.newBuilder().buildOptions().serverKeys()).isEqualTo(custom);
  }

  private static byte[] key(int seed) {
    byte[] k = new byte[256];
    new Random(seed).nextBytes(k);
    return k;
  }

  @Test
  void aDcKeyCopiesItsBytesComparesThemAndShowsOnlyTheId() {
    byte[] bytes = key(7);
    SessionData.DcKey k = SessionData.DcKey.of(2, bytes, 0x1234_5678_9abc_def0L, -250, true);
    SessionData.DcKey same = SessionData.DcKey.of(2, key(7), 0x1234_5678_9abc_def0L, -250, true);
    assertThat(k).isEqualTo(same).hasSameHashCodeAs(same);
    bytes[100] ^= 1; // the caller's array is not the key
    assertThat(k).isEqualTo(same);
    byte[] other = key(7);
    other[255] ^= 1;
    assertThat(k).isNotEqualTo(SessionData.DcKey.of(2, other, 0x1234_5678_9abc_def0L, -250, true));
    assertThat(k).isNotEqualTo(SessionData.DcKey.of(2, key(7), 0x1234_5678_9abc_def0L, -250, false));
    assertThat(k.authKeyId()).isEqualTo(k.authKey().id()).isNotEqualTo(SessionData.DcKey.of(2, other, 0, 0, true).authKeyId());
    assertThat(List.of(k.dcId(), k.serverSalt(), k.timeOffsetMillis(), k.authorized()))
        .containsExactly(2, 0x1234_5678_9abc_def0L, -250L, true);

    String shown = k.toString() + SessionData.empty().withKey(k);
    assertThat(shown).contains(String.format("%016x", k.authKeyId()))
        .doesNotContain(HexFormat.of().formatHex(key(7), 0, 8), "123456789abcdef0", "-250");
    assertThatThrownBy(() -> SessionData.DcKey.of(2, new byte[255], 0, 0, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
  }

  @Test
  void aDcKeyOfAnotherClientSurvivesTheSessionString() {
    SessionData.DcKey k = SessionData.DcKey.of(4, key(9), 99, 5, false);
    SessionData d = SessionData.empty().withMainDc(4).withUser(42, false).withKey(k);
    assertThat(SessionData.fromSessionString(d.toSessionString()).key(4)).contains(k);
  }
}
