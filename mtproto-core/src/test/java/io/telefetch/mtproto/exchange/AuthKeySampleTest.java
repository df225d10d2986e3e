package io.telefetch.mtproto.exchange;

import static io.telefetch.mtproto.exchange.ExchangeFixtures.hex;
import static io.telefetch.mtproto.exchange.ExchangeFixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPad;
import io.telefetch.mtproto.crypto.RsaPrivateKey;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.mtproto.DhGenOk;
import io.telefetch.tl.mtproto.ReqDHParams;
import io.telefetch.tl.mtproto.ReqPqMulti;
import io.telefetch.tl.mtproto.ResPQ;
import io.telefetch.tl.mtproto.ServerDHParamsOk;
import io.telefetch.tl.mtproto.SetClientDHParams;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drives the client through the published auth key example: with the example's nonce, new_nonce
 * and b injected through the random source and the published server answers fed in, the client
 * must produce the published p_q_inner_data, set_client_DH_params and auth key. Only the RSA step
 * cannot be reproduced (the example's temp_key and the server's private key are not published), so
 * p_q_inner_data is checked by running the same client against a test key.
 *
 * <p>The values come from the transcription in the crypto tests ({@code AuthKeySamples}).
 *
 * @see <a href="https://core.telegram.org/mtproto/samples-auth_key">Auth key generation example</a>
 */
class AuthKeySampleTest {

  private static final int SERVER_TIME = 1707425105;
  private static final Clock CLOCK =
      Clock.fixed(Instant.ofEpochSecond(SERVER_TIME - 3, 250_000_000), ZoneOffset.UTC);

  private final byte[] nonce = sample("NONCE");
  private final byte[] serverNonce = sample("SERVER_NONCE");
  private final byte[] newNonce = sample("NEW_NONCE");
  private final byte[] pqInnerData = sample("P_Q_INNER_DATA");
  private final byte[] pq = Arrays.copyOfRange(pqInnerData, 5, 13);

  @Test
  void clientReproducesThePublishedExchange() {
    ClientKeyExchange client = client(RsaKeys.production());

    ReqPqMulti reqPq = (ReqPqMulti) transfer(client.firstRequest());
    assertThat(reqPq.nonce().toByteArray()).isEqualTo(nonce);

    ReqDHParams reqDh = (ReqDHParams) send(client,
        resPq(RsaKeys.PRODUCTION_KEY.fingerprint()));
    assertThat(reqDh.nonce().toByteArray()).isEqualTo(nonce);
    assertThat(reqDh.serverNonce().toByteArray()).isEqualTo(serverNonce);
    assertThat(reqDh.p().toByteArray()).isEqualTo(Arrays.copyOfRange(pqInnerData, 17, 21));
    assertThat(reqDh.q().toByteArray()).isEqualTo(Arrays.copyOfRange(pqInnerData, 25, 29));
    assertThat(reqDh.publicKeyFingerprint()).isEqualTo(0xd09d1d85de64fd85L);
    assertThat(reqDh.encryptedData().length()).isEqualTo(256);

    SetClientDHParams setDh = (SetClientDHParams) send(client, new ServerDHParamsOk(
        TlBytes.wrap(nonce), TlBytes.wrap(serverNonce), TlBytes.wrap(sample("ENCRYPTED_ANSWER"))));
    assertThat(setDh.nonce().toByteArray()).isEqualTo(nonce);
    assertThat(setDh.serverNonce().toByteArray()).isEqualTo(serverNonce);
    assertThat(setDh.encryptedData().toByteArray()).isEqualTo(sample("CLIENT_ENCRYPTED_DATA"));

    ClientKeyExchange.Step step = client.onResponse(transfer(new DhGenOk(TlBytes.wrap(nonce),
        TlBytes.wrap(serverNonce), TlBytes.wrap(sample("NEW_NONCE_HASH1")))));
    ClientKeyExchange.Done done = (ClientKeyExchange.Done) step;
    assertThat(done.authKey().toByteArray()).isEqualTo(sample("AUTH_KEY"));
    assertThat(le(done.authKey().id())).isEqualTo(hex("65588B3350EF784E"));
    assertThat(le(done.serverSalt())).isEqualTo(hex("49A6747298503DCE"));
    assertThat(done.timeOffsetMillis()).isEqualTo(2_750);
    assertThat(done.temporary()).isFalse();
  }

  @Test
  void clientBuildsThePublishedPqInnerData() {
    RsaPrivateKey testKey = ExchangeFixtures.serverKey();
    ClientKeyExchange client = client(RsaKeys.empty().add(testKey.publicKey()));
    transfer(client.firstRequest());

    ReqDHParams reqDh = (ReqDHParams) send(client, resPq(testKey.publicKey().fingerprint()));

    byte[] dataWithPadding = RsaPad.decrypt(reqDh.encryptedData().toByteArray(), testKey);
    assertThat(Arrays.copyOf(dataWithPadding, pqInnerData.length)).isEqualTo(pqInnerData);
  }

  private ClientKeyExchange client(RsaKeys keys) {
    SecureRandom random = ExchangeFixtures.scripted(7, Map.of(
        16, new byte[][] {nonce},
        32, new byte[][] {newNonce},
        256, new byte[][] {sample("B")},
        12, new byte[][] {sample("CLIENT_PADDING")}));
    return new ClientKeyExchange(
        ClientKeyExchange.Options.builder(keys, 2).random(random).clock(CLOCK).build());
  }

  private ResPQ resPq(long fingerprint) {
    return new ResPQ(TlBytes.wrap(nonce), TlBytes.wrap(serverNonce), TlBytes.wrap(pq),
        List.of(fingerprint));
  }

  private static io.telefetch.tl.TlObject send(ClientKeyExchange client,
      io.telefetch.tl.TlObject response) {
    ClientKeyExchange.Step step = client.onResponse(transfer(response));
    return transfer(((ClientKeyExchange.Send) step).request());
  }

  private static byte[] le(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
  }

  /** A published value from the crypto package's transcription (package-private there). */
  private static byte[] sample(String name) {
    try {
      Class<?> samples = Class.forName("io.telefetch.mtproto.crypto.AuthKeySamples");
      Field field = samples.getDeclaredField(name);
      field.setAccessible(true);
      return hex((String) field.get(null));
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("AuthKeySamples." + name + " is not available", e);
    }
  }
}
