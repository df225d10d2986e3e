package io.telefetch.mtproto.exchange;

import static io.telefetch.mtproto.exchange.ExchangeFixtures.clientOptions;
import static io.telefetch.mtproto.exchange.ExchangeFixtures.serverKey;
import static io.telefetch.mtproto.exchange.ExchangeFixtures.serverOptions;
import static io.telefetch.mtproto.exchange.ExchangeFixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.telefetch.mtproto.crypto.DhChecks;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.exchange.ExchangeFixtures.Link;
import io.telefetch.mtproto.exchange.KeyExchangeException.Reason;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlWriter;
import io.telefetch.tl.mtproto.DhGenFail;
import io.telefetch.tl.mtproto.DhGenOk;
import io.telefetch.tl.mtproto.DhGenRetry;
import io.telefetch.tl.mtproto.ReqDHParams;
import io.telefetch.tl.mtproto.ResPQ;
import io.telefetch.tl.mtproto.ServerDHInnerData;
import io.telefetch.tl.mtproto.ServerDHParamsOk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client rejects every tampered or forged answer with {@link KeyExchangeException} and never
 * yields a key afterwards. The forgeries of encrypted answers come from an attacker who holds the
 * server's RSA key ({@link ScriptedPeer}), so that only the check under test can catch them.
 */
class ClientKeyExchangeTest {

  private static final BigInteger P = DhChecks.KNOWN_DH_PRIME;
  private static final BigInteger MARGIN = BigInteger.ONE.shiftLeft(2048 - 64);

  private final ScriptedPeer attacker = new ScriptedPeer(serverKey());
  private ClientKeyExchange client;

  @BeforeAll
  static void generateServerKey() {
    serverKey();
  }

  // ---- resPQ

  @Test
  void resPqWithAnotherNonce() {
    assertRejected(Reason.NONCE_MISMATCH, toClient(ResPQ.class,
        res -> new ResPQ(flip(res.nonce(), 3), res.serverNonce(), res.pq(),
            res.serverPublicKeyFingerprints())));
  }

  @Test
  void resPqWithOnlyUnknownFingerprints() {
    assertRejected(Reason.UNKNOWN_FINGERPRINT, toClient(ResPQ.class,
        res -> new ResPQ(res.nonce(), res.serverNonce(), res.pq(),
            List.of(RsaKeys.PRODUCTION_KEY.fingerprint(), 42L))));
  }

  @Test
  void resPqWithAnEmptyFingerprintList() {
    assertRejected(Reason.UNKNOWN_FINGERPRINT, toClient(ResPQ.class,
        res -> new ResPQ(res.nonce(), res.serverNonce(), res.pq(), List.of())));
  }

  @Test
  void resPqWithAPrimePq() {
    byte[] prime = BigInteger.valueOf(2_147_483_647L).toByteArray();
    assertRejected(Reason.BAD_PQ, toClient(ResPQ.class,
        res -> new ResPQ(res.nonce(), res.serverNonce(), TlBytes.wrap(prime),
            res.serverPublicKeyFingerprints())));
  }

  @Test
  void resPqWithATooLongPq() {
    assertRejected(Reason.BAD_PQ, toClient(ResPQ.class,
        res -> new ResPQ(res.nonce(), res.serverNonce(), TlBytes.wrap(new byte[9]),
            res.serverPublicKeyFingerprints())));
  }

  // ---- server_DH_params_ok

  @Test
  void serverDhParamsWithAnotherNonceOrServerNonce() {
    assertRejected(Reason.NONCE_MISMATCH, toClient(ServerDHParamsOk.class,
        ok -> new ServerDHParamsOk(flip(ok.nonce(), 0), ok.serverNonce(), ok.encryptedAnswer())));
    assertRejected(Reason.NONCE_MISMATCH, toClient(ServerDHParamsOk.class,
        ok -> new ServerDHParamsOk(ok.nonce(), flip(ok.serverNonce(), 15),
            ok.encryptedAnswer())));
  }

  @Test
  void alteredEncryptedAnswerFailsTheSha1Check() {
    for (int position : new int[] {0, 20, 300, 590}) {
      assertRejected(Reason.HASH_MISMATCH, toClient(ServerDHParamsOk.class,
          ok -> new ServerDHParamsOk(ok.nonce(), ok.serverNonce(),
              flip(ok.encryptedAnswer(), position))));
    }
  }

  @Test
  void encryptedAnswerOfABadLength() {
    assertRejected(Reason.MALFORMED, toClient(ServerDHParamsOk.class,
        ok -> new ServerDHParamsOk(ok.nonce(), ok.serverNonce(), TlBytes.wrap(Arrays.copyOf(
            ok.encryptedAnswer().toByteArray(), ok.encryptedAnswer().length() - 4)))));
  }

  @Test
  void answerWithoutItsSha1() {
    // The raw answer, padded but with no hash in front: no length matches a SHA1.
    assertRejected(Reason.HASH_MISMATCH, forgeAnswer((req, ok, inner) -> {
      byte[] data = ExchangeFixtures.encode(inner);
      return attacker.encryptRaw(Arrays.copyOf(data, (data.length + 15) / 16 * 16));
    }));
  }

  @Test
  void answerWithBytesAfterTheObjectUnderTheHash() {
    assertRejected(Reason.MALFORMED, forgeAnswer((req, ok, inner) -> {
      byte[] data = ExchangeFixtures.encode(inner);
      return attacker.envelope(Arrays.copyOf(data, data.length + 4));
    }));
  }

  @Test
  void answerThatIsNotServerDhInnerData() {
    assertRejected(Reason.MALFORMED, forgeAnswer((req, ok, inner) ->
        attacker.envelope(ExchangeFixtures.encode(req))));
  }

  @Test
  void answerThatIsGzipPacked() {
    assertRejected(Reason.MALFORMED, forgeAnswer((req, ok, inner) ->
        attacker.envelope(gzipPacked(ExchangeFixtures.encode(inner)))));
  }

  @Test
  void innerDataWithAnotherNonceOrServerNonce() {
    assertRejected(Reason.NONCE_MISMATCH, forgeInner(inner -> new ServerDHInnerData(
        flip(inner.nonce(), 7), inner.serverNonce(), inner.g(), inner.dhPrime(), inner.gA(),
        inner.serverTime())));
    assertRejected(Reason.NONCE_MISMATCH, forgeInner(inner -> new ServerDHInnerData(
        inner.nonce(), flip(inner.serverNonce(), 7), inner.g(), inner.dhPrime(), inner.gA(),
        inner.serverTime())));
  }

  @Test
  void dhPrimeThatIsNotASafePrime() {
    // Same residue mod 3 as the real prime, so g = 3 passes and the primality test must catch it.
    BigInteger composite = P.add(BigInteger.valueOf(6));
    assertRejected(Reason.BAD_DH_PARAMS, forgeGroup(composite, 3, null));
    // A number of 2047 bits.
    assertRejected(Reason.BAD_DH_PARAMS,
        forgeGroup(BigInteger.ONE.shiftLeft(2047).subtract(BigInteger.ONE), 3, null));
  }

  @Test
  void generatorThatDoesNotSuitThePrime() {
    for (int g : new int[] {0, 1, 8, -3}) {
      assertRejected(Reason.BAD_DH_PARAMS, forgeGroup(P, g, null));
    }
  }

  @Test
  void gaOutsideTheSafeRange() {
    for (BigInteger ga : List.of(BigInteger.ONE, BigInteger.TWO, P.subtract(BigInteger.ONE), P,
        MARGIN.subtract(BigInteger.ONE), P.subtract(MARGIN).add(BigInteger.ONE))) {
      assertRejected(Reason.BAD_DH_VALUE, forgeGroup(P, 3, ga));
    }
  }

  @Test
  void gaAtTheEdgesOfTheSafeRangeIsAccepted() {
    for (BigInteger ga : List.of(MARGIN, P.subtract(MARGIN))) {
      client = new ClientKeyExchange(clientOptions(7).build());
      ServerKeyExchange server = new ServerKeyExchange(serverOptions(8).build());
      UnaryOperator<TlObject> forged = forgeGroup(P, 3, ga);
      Link link = new Link(client, server).toServer(toServerHook).toClient(forged);
      // g_a passes; the server's key does not match it, so the exchange fails at dh_gen_ok.
      assertThatThrownBy(link::run)
          .isInstanceOfSatisfying(KeyExchangeException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.NEW_NONCE_HASH));
    }
  }

  // ---- dh_gen_ok / dh_gen_retry / dh_gen_fail

  @Test
  void dhGenOkWithAWrongNewNonceHash1() {
    assertRejected(Reason.NEW_NONCE_HASH, toClient(DhGenOk.class,
        ok -> new DhGenOk(ok.nonce(), ok.serverNonce(), flip(ok.newNonceHash1(), 0))));
  }

  @Test
  void dhGenOkWithAnotherNonceOrServerNonce() {
    assertRejected(Reason.NONCE_MISMATCH, toClient(DhGenOk.class,
        ok -> new DhGenOk(flip(ok.nonce(), 1), ok.serverNonce(), ok.newNonceHash1())));
    assertRejected(Reason.NONCE_MISMATCH, toClient(DhGenOk.class,
        ok -> new DhGenOk(ok.nonce(), flip(ok.serverNonce(), 1), ok.newNonceHash1())));
  }

  @Test
  void dhGenRetryTurnedIntoDhGenOkIsRejected() {
    ServerKeyExchange.Options retrying = serverOptions(2).answerDhGenRetry(1).build();
    assertRejected(Reason.NEW_NONCE_HASH, retrying, toClient(DhGenRetry.class,
        retry -> new DhGenOk(retry.nonce(), retry.serverNonce(), retry.newNonceHash2())));
  }

  @Test
  void dhGenRetryWithAWrongNewNonceHash2() {
    ServerKeyExchange.Options retrying = serverOptions(2).answerDhGenRetry(1).build();
    assertRejected(Reason.NEW_NONCE_HASH, retrying, toClient(DhGenRetry.class,
        retry -> new DhGenRetry(retry.nonce(), retry.serverNonce(),
            flip(retry.newNonceHash2(), 15))));
  }

  @Test
  void dhGenFailWithAWrongNewNonceHash3() {
    ServerKeyExchange.Options failing = serverOptions(2).answerDhGenFail().build();
    assertRejected(Reason.NEW_NONCE_HASH, failing, toClient(DhGenFail.class,
        fail -> new DhGenFail(fail.nonce(), fail.serverNonce(), flip(fail.newNonceHash3(), 8))));
  }

  @Test
  void dhGenOkInsteadOfDhGenFailIsRejected() {
    ServerKeyExchange.Options failing = serverOptions(2).answerDhGenFail().build();
    assertRejected(Reason.NEW_NONCE_HASH, failing, toClient(DhGenFail.class,
        fail -> new DhGenOk(fail.nonce(), fail.serverNonce(), fail.newNonceHash3())));
  }

  // ---- order

  @Test
  void answersOfTheWrongTypeAtEachStep() {
    // dh_gen_ok where resPQ is due.
    assertRejected(Reason.UNEXPECTED_MESSAGE, toClient(ResPQ.class,
        res -> new DhGenOk(res.nonce(), res.serverNonce(), TlBytes.wrap(new byte[16]))));
    // resPQ again where server_DH_params_ok is due.
    assertRejected(Reason.UNEXPECTED_MESSAGE, toClient(ServerDHParamsOk.class,
        ok -> new ResPQ(ok.nonce(), ok.serverNonce(), TlBytes.wrap(new byte[] {21}),
            List.of(serverKey().publicKey().fingerprint()))));
    // server_DH_params_ok again where dh_gen_* is due.
    assertRejected(Reason.UNEXPECTED_MESSAGE, toClient(DhGenOk.class,
        ok -> new ServerDHParamsOk(ok.nonce(), ok.serverNonce(), TlBytes.wrap(new byte[32]))));
  }

  @Test
  void aFailedExchangeAcceptsNothingMore() {
    client = new ClientKeyExchange(clientOptions(3).build());
    ServerKeyExchange server = new ServerKeyExchange(serverOptions(4).build());
    TlObject resPq = server.handle(transfer(client.firstRequest()));
    ResPQ forged = (ResPQ) resPq;
    assertThatThrownBy(() -> client.onResponse(new ResPQ(flip(forged.nonce(), 0),
        forged.serverNonce(), forged.pq(), forged.serverPublicKeyFingerprints())))
        .isInstanceOf(KeyExchangeException.class);
    assertThat(client.isFailed()).isTrue();
    assertThatThrownBy(() -> client.onResponse(resPq)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aCompletedExchangeAcceptsNothingMore() {
    client = new ClientKeyExchange(clientOptions(5).build());
    ServerKeyExchange server = new ServerKeyExchange(serverOptions(6).build());
    new Link(client, server).run();
    assertThat(client.isDone()).isTrue();
    assertThatThrownBy(() -> client.onResponse(new DhGenOk(TlBytes.wrap(new byte[16]),
        TlBytes.wrap(new byte[16]), TlBytes.wrap(new byte[16]))))
        .isInstanceOf(IllegalStateException.class);
  }

  // ---- helpers

  /**
   * Forges the answer bytes of server_DH_params_ok. The forgery needs the tmp key, which the
   * attacker learns from the req_DH_params that {@link #toServerHook} intercepts.
   */
  private interface AnswerForger {
    byte[] forge(ReqDHParams request, ServerDHParamsOk genuine, ServerDHInnerData inner);
  }

  private UnaryOperator<TlObject> forgeAnswer(AnswerForger forger) {
    ReqDHParams[] request = new ReqDHParams[1];
    toServerHook = m -> {
      if (m instanceof ReqDHParams req) {
        request[0] = req;
        attacker.decryptPqInnerData(req);
      }
      return m;
    };
    return toClient(ServerDHParamsOk.class, ok -> {
      ServerDHInnerData inner = attacker.decryptServerDhInnerData(ok);
      return new ServerDHParamsOk(ok.nonce(), ok.serverNonce(),
          TlBytes.wrap(forger.forge(request[0], ok, inner)));
    });
  }

  private UnaryOperator<TlObject> forgeInner(UnaryOperator<ServerDHInnerData> change) {
    return forgeAnswer((req, ok, inner) ->
        attacker.envelope(ExchangeFixtures.encode(change.apply(inner))));
  }

  /** Replaces dh_prime and g, and g_a unless {@code ga} is null. */
  private UnaryOperator<TlObject> forgeGroup(BigInteger prime, int g, BigInteger ga) {
    return forgeInner(inner -> new ServerDHInnerData(inner.nonce(), inner.serverNonce(), g,
        TlBytes.wrap(unsigned(prime)), ga == null ? inner.gA() : TlBytes.wrap(unsigned(ga)),
        inner.serverTime()));
  }

  private UnaryOperator<TlObject> toServerHook = UnaryOperator.identity();

  private static <T extends TlObject> UnaryOperator<TlObject> toClient(
      Class<T> type, java.util.function.Function<T, TlObject> change) {
    return m -> type.isInstance(m) ? change.apply(type.cast(m)) : m;
  }

  private void assertRejected(Reason reason, UnaryOperator<TlObject> toClient) {
    assertRejected(reason, serverOptions(2).build(), toClient);
  }

  private void assertRejected(Reason reason, ServerKeyExchange.Options serverOptions,
      UnaryOperator<TlObject> toClient) {
    client = new ClientKeyExchange(clientOptions(1).build());
    ServerKeyExchange server = new ServerKeyExchange(serverOptions);
    Link link = new Link(client, server).toServer(toServerHook).toClient(toClient);
    assertThatThrownBy(link::run)
        .isInstanceOfSatisfying(KeyExchangeException.class,
            e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    assertThat(client.isFailed()).isTrue();
    assertThat(client.isDone()).isFalse();
    assertThatThrownBy(() -> client.onResponse(new DhGenOk(TlBytes.wrap(new byte[16]),
        TlBytes.wrap(new byte[16]), TlBytes.wrap(new byte[16]))))
        .isInstanceOf(IllegalStateException.class);
    toServerHook = UnaryOperator.identity();
  }

  private static TlBytes flip(TlBytes value, int index) {
    byte[] bytes = value.toByteArray();
    bytes[index] ^= 1;
    return TlBytes.wrap(bytes);
  }

  private static byte[] gzipPacked(byte[] data) {
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(packed)) {
      gzip.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteBuf out = Unpooled.buffer();
    try {
      new TlWriter(out).writeInt(TlReader.GZIP_PACKED_ID).writeBytes(packed.toByteArray());
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 && bytes.length > 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }
}
