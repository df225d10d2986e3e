package io.telefetch.mtproto.exchange;

import static io.telefetch.mtproto.exchange.ExchangeFixtures.CLIENT_NOW;
import static io.telefetch.mtproto.exchange.ExchangeFixtures.SERVER_AHEAD_SECONDS;
import static io.telefetch.mtproto.exchange.ExchangeFixtures.clientOptions;
import static io.telefetch.mtproto.exchange.ExchangeFixtures.serverKey;
import static io.telefetch.mtproto.exchange.ExchangeFixtures.serverOptions;
import static io.telefetch.mtproto.exchange.ExchangeFixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.exchange.ExchangeFixtures.Link;
import io.telefetch.mtproto.exchange.KeyExchangeException.Reason;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.mtproto.ClientDHInnerData;
import io.telefetch.tl.mtproto.PQInnerDataDc;
import io.telefetch.tl.mtproto.PQInnerDataTempDc;
import io.telefetch.tl.mtproto.ReqDHParams;
import io.telefetch.tl.mtproto.ReqPqMulti;
import io.telefetch.tl.mtproto.ResPQ;
import io.telefetch.tl.mtproto.SetClientDHParams;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client and server machines against each other, every message through real TL bytes. */
class KeyExchangeTest {

  @BeforeAll
  static void generateServerKey() {
    serverKey();
  }

  @Test
  void permanentKey() {
    ClientKeyExchange client = new ClientKeyExchange(clientOptions(1).build());
    ServerKeyExchange server = new ServerKeyExchange(serverOptions(2).build());
    Link link = new Link(client, server);

    ClientKeyExchange.Done done = link.run();

    ServerKeyExchange.Result result = server.result().orElseThrow();
    assertThat(done.authKey()).isEqualTo(result.authKey());
    assertThat(done.authKey().id()).isEqualTo(result.authKey().id());
    assertThat(done.serverSalt()).isEqualTo(result.serverSalt());
    assertThat(done.temporary()).isFalse();
    assertThat(done.expiresAt()).isEmpty();
    assertThat(done.timeOffsetMillis()).isEqualTo(SERVER_AHEAD_SECONDS * 1000);
    assertThat(result.temporary()).isFalse();
    assertThat(result.expiresIn()).isZero();
    assertThat(result.dcId()).isEqualTo(2);
    assertThat(result.createdAt()).isEqualTo(CLIENT_NOW.plusSeconds(SERVER_AHEAD_SECONDS));
    assertThat(link.requests).isEqualTo(3);
    assertThat(client.isDone()).isTrue();
    assertThat(server.isFinished()).isTrue();
    assertThat(done.toString()).doesNotContain(hexOf(done.authKey().toByteArray()));
  }

  @Test
  void phaseListenerHearsEachPhaseOnceInOrderWithTheRequestItBelongsTo() {
    List<String> heard = new ArrayList<>();
    ClientKeyExchange client = new ClientKeyExchange(clientOptions(1)
        .phaseListener(p -> heard.add(p.name())).build());
    ServerKeyExchange server = new ServerKeyExchange(serverOptions(2).build());

    new Link(client, server).toServer(m -> {
      heard.add("send " + m.tlName());
      return m;
    }).run();

    assertThat(heard).containsExactly("send req_pq_multi",
        "PQ_FACTORIZED", "RSA_PAD_ENCRYPTED", "send req_DH_params",
        "DH_PARAMS_DECRYPTED", "DH_PARAMS_CHECKED", "G_B_COMPUTED", "AUTH_KEY_COMPUTED",
        "send set_client_DH_params");
  }

  @Test
  void temporaryKeyForATestMediaDc() {
    ClientKeyExchange media = new ClientKeyExchange(ClientKeyExchange.Options
        .builder(ExchangeFixtures.trustedKeys(), -10_004).temporary(86_400)
        .random(ExchangeFixtures.seeded(3)).clock(ExchangeFixtures.clientClock()).build());
    ServerKeyExchange server = new ServerKeyExchange(serverOptions(4).build());
    List<TlObject> sent = new ArrayList<>();

    ClientKeyExchange.Done done = new Link(media, server).toServer(m -> {
      sent.add(m);
      return m;
    }).run();

    ServerKeyExchange.Result result = server.result().orElseThrow();
    assertThat(done.authKey()).isEqualTo(result.authKey());
    assertThat(done.serverSalt()).isEqualTo(result.serverSalt());
    assertThat(done.temporary()).isTrue();
    Instant serverNow = CLIENT_NOW.plusSeconds(SERVER_AHEAD_SECONDS);
    assertThat(done.expiresAt()).contains(serverNow.plusSeconds(86_400));
    assertThat(result.temporary()).isTrue();
    assertThat(result.expiresIn()).isEqualTo(86_400);
    assertThat(result.expiresAt()).contains(serverNow.plusSeconds(86_400));
    assertThat(result.dcId()).isEqualTo(-10_004);
    PQInnerDataTempDc inner = (PQInnerDataTempDc) new ScriptedPeer(serverKey())
        .decryptPqInnerData((ReqDHParams) sent.get(1));
    assertThat(inner.dc()).isEqualTo(-10_004);
    assertThat(inner.expiresIn()).isEqualTo(86_400);
  }

  @Test
  void differentExchangesMakeDifferentKeys() {
    ClientKeyExchange.Done first = new Link(new ClientKeyExchange(clientOptions(5).build()),
        new ServerKeyExchange(serverOptions(6).build())).run();
    ClientKeyExchange.Done second = new Link(new ClientKeyExchange(clientOptions(7).build()),
        new ServerKeyExchange(serverOptions(8).build())).run();
    assertThat(first.authKey()).isNotEqualTo(second.authKey());
    assertThat(first.serverSalt()).isNotEqualTo(second.serverSalt());
  }

  @Test
  void dhGenRetryRestartsWithANewBAndTheRetryId() {
    ClientKeyExchange client = new ClientKeyExchange(clientOptions(9).build());
    ServerKeyExchange server =
        new ServerKeyExchange(serverOptions(10).answerDhGenRetry(2).build());
    List<SetClientDHParams> attempts = new ArrayList<>();

    ClientKeyExchange.Done done = new Link(client, server).toServer(m -> {
      if (m instanceof SetClientDHParams set) {
        attempts.add(set);
      }
      return m;
    }).run();

    // The server checks retry_id: 0, then the auth_key_aux_hash of each rejected attempt.
    assertThat(attempts).hasSize(3);
    assertThat(attempts.get(0).encryptedData()).isNotEqualTo(attempts.get(1).encryptedData());
    assertThat(attempts.get(0).nonce()).isEqualTo(attempts.get(2).nonce());
    assertThat(done.authKey()).isEqualTo(server.result().orElseThrow().authKey());
    assertThat(done.serverSalt()).isEqualTo(server.result().orElseThrow().serverSalt());
  }

  @Test
  void retriesAreBounded() {
    ClientKeyExchange client = new ClientKeyExchange(clientOptions(11).maxRetries(2).build());
    ServerKeyExchange server =
        new ServerKeyExchange(serverOptions(12).answerDhGenRetry(3).build());

    assertThatThrownBy(() -> new Link(client, server).run())
        .isInstanceOfSatisfying(KeyExchangeException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_RETRIES));
    assertThat(client.isFailed()).isTrue();
    assertThat(server.result()).isEmpty();
  }

  @Test
  void dhGenFailEndsTheExchangeWithoutAKey() {
    ClientKeyExchange client = new ClientKeyExchange(clientOptions(13).build());
    ServerKeyExchange server = new ServerKeyExchange(serverOptions(14).answerDhGenFail().build());

    assertThatThrownBy(() -> new Link(client, server).run())
        .isInstanceOfSatisfying(KeyExchangeException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.DH_GEN_FAIL));
    assertThat(client.isFailed()).isTrue();
    assertThat(client.isDone()).isFalse();
    assertThat(server.isFinished()).isTrue();
    assertThat(server.result()).isEmpty();
    assertThatThrownBy(() -> client.onResponse(new ReqPqMulti(
        io.telefetch.tl.TlBytes.wrap(new byte[16])))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aResentRequestGetsTheSameAnswer() {
    ClientKeyExchange client = new ClientKeyExchange(clientOptions(15).build());
    ServerKeyExchange server = new ServerKeyExchange(serverOptions(16).build());

    TlObject resPq = server.handle(transfer(client.firstRequest()));
    assertThat(client.lastRequest()).isSameAs(client.firstRequest());
    assertThat(server.handle(transfer(client.lastRequest()))).isEqualTo(resPq);
    ClientKeyExchange.Step step = client.onResponse(transfer(resPq));
    TlObject reqDh = ((ClientKeyExchange.Send) step).request();
    assertThat(client.lastRequest()).isSameAs(reqDh);
    TlObject dhParams = server.handle(transfer(reqDh));
    assertThat(server.handle(transfer(reqDh))).isEqualTo(dhParams);
    TlObject setDh = ((ClientKeyExchange.Send) client.onResponse(transfer(dhParams))).request();
    TlObject dhGen = server.handle(transfer(setDh));
    assertThat(server.handle(transfer(setDh))).isEqualTo(dhGen);
    ClientKeyExchange.Done done = (ClientKeyExchange.Done) client.onResponse(transfer(dhGen));
    assertThat(done.authKey()).isEqualTo(server.result().orElseThrow().authKey());
  }

  @Test
  void clientPicksTheFirstTrustedFingerprint() {
    RsaKeys keys = RsaKeys.production().add(serverKey().publicKey());
    ClientKeyExchange client = new ClientKeyExchange(
        ClientKeyExchange.Options.builder(keys, 2).random(ExchangeFixtures.seeded(17))
            .clock(ExchangeFixtures.clientClock()).build());
    ServerKeyExchange server = new ServerKeyExchange(serverOptions(18).build());
    long unknown = 0x0123456789abcdefL;

    ClientKeyExchange.Done done = new Link(client, server).toClient(m -> {
      if (m instanceof ResPQ res) {
        List<Long> fingerprints = new ArrayList<>();
        fingerprints.add(unknown);
        fingerprints.addAll(res.serverPublicKeyFingerprints());
        return new ResPQ(res.nonce(), res.serverNonce(), res.pq(), fingerprints);
      }
      return m;
    }).toServer(m -> {
      if (m instanceof ReqDHParams req) {
        assertThat(req.publicKeyFingerprint()).isEqualTo(serverKey().publicKey().fingerprint());
      }
      return m;
    }).run();

    assertThat(done.authKey()).isEqualTo(server.result().orElseThrow().authKey());
  }

  @Test
  void serverRejectsADcItDoesNotServe() {
    ClientKeyExchange client = new ClientKeyExchange(
        ClientKeyExchange.Options.builder(ExchangeFixtures.trustedKeys(), 3)
            .random(ExchangeFixtures.seeded(19)).build());
    ServerKeyExchange server = new ServerKeyExchange(
        serverOptions(20).acceptedDcIds(Set.of(2, -2)).build());

    assertThatThrownBy(() -> new Link(client, server).run())
        .isInstanceOfSatisfying(KeyExchangeException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_DC));
    assertThat(server.result()).isEmpty();
    assertThat(server.isFinished()).isTrue();
  }

  @Test
  void innerDataTheServerDecryptsIsWhatTheClientMeant() {
    // Decrypt both inner messages as the server would and check their fields.
    ClientKeyExchange client = new ClientKeyExchange(clientOptions(21).build());
    ServerKeyExchange server = new ServerKeyExchange(serverOptions(22).build());
    ScriptedPeer peer = new ScriptedPeer(serverKey());
    new Link(client, server).toServer(m -> {
      if (m instanceof ReqDHParams req) {
        PQInnerDataDc inner = (PQInnerDataDc) peer.decryptPqInnerData(req);
        assertThat(inner.dc()).isEqualTo(2);
        assertThat(inner.nonce()).isEqualTo(req.nonce());
        assertThat(inner.serverNonce()).isEqualTo(req.serverNonce());
        assertThat(inner.p()).isEqualTo(req.p());
        assertThat(inner.q()).isEqualTo(req.q());
        assertThat(inner.newNonce().length()).isEqualTo(32);
      }
      if (m instanceof SetClientDHParams set) {
        ClientDHInnerData inner = peer.decryptClientDhInnerData(set);
        assertThat(inner.retryId()).isZero();
        assertThat(inner.gB().length()).isEqualTo(256);
      }
      return m;
    }).run();
  }

  /**
   * Measures (and prints) the cost of one exchange; tests assert behaviour, not timing, so the
   * figure goes to the report rather than into an assertion.
   */
  @Test
  void measuresOneFullExchange() {
    long[] warmUp = new long[2];
    for (int i = 0; i < 5; i++) {
      timedExchange(warmUp);
    }
    int runs = 20;
    long[] nanos = new long[2];
    for (int i = 0; i < runs; i++) {
      timedExchange(nanos);
    }
    double client = nanos[0] / 1e6 / runs;
    double server = nanos[1] / 1e6 / runs;
    System.out.printf("one full in-memory key exchange: %.1f ms (client %.1f ms, server %.1f ms,"
        + " TL encoding included)%n", client + server, client, server);
  }

  /** Runs one exchange with production randomness, adding each side's time to {@code nanos}. */
  private static void timedExchange(long[] nanos) {
    long start = System.nanoTime();
    ClientKeyExchange client = new ClientKeyExchange(ClientKeyExchange.Options
        .builder(ExchangeFixtures.trustedKeys(), 2).random(new SecureRandom()).build());
    TlObject request = transfer(client.firstRequest());
    nanos[0] += System.nanoTime() - start;
    start = System.nanoTime();
    ServerKeyExchange server = new ServerKeyExchange(
        ServerKeyExchange.Options.builder(serverKey()).random(new SecureRandom()).build());
    for (int i = 0; i < 3; i++) {
      TlObject response = transfer(server.handle(transfer(request)));
      long middle = System.nanoTime();
      nanos[1] += middle - start;
      ClientKeyExchange.Step step = client.onResponse(response);
      if (step instanceof ClientKeyExchange.Send send) {
        request = transfer(send.request());
      }
      start = System.nanoTime();
      nanos[0] += start - middle;
    }
    assertThat(client.isDone()).isTrue();
    assertThat(server.result()).isPresent();
  }

  private static String hexOf(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }
}
