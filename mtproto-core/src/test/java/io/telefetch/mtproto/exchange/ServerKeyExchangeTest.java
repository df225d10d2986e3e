package io.telefetch.mtproto.exchange;

import static io.telefetch.mtproto.exchange.ExchangeFixtures.serverKey;
import static io.telefetch.mtproto.exchange.ExchangeFixtures.serverOptions;
import static io.telefetch.mtproto.exchange.ExchangeFixtures.transfer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.crypto.DhChecks;
import io.telefetch.mtproto.crypto.ExchangeCrypto;
import io.telefetch.mtproto.crypto.Hashes;
import io.telefetch.mtproto.crypto.PqFactorizer;
import io.telefetch.mtproto.crypto.RsaPad;
import io.telefetch.mtproto.exchange.KeyExchangeException.Reason;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlWriter;
import io.telefetch.tl.mtproto.ClientDHInnerData;
import io.telefetch.tl.mtproto.DhGenOk;
import io.telefetch.tl.mtproto.DhGenRetry;
import io.telefetch.tl.mtproto.PQInnerData;
import io.telefetch.tl.mtproto.PQInnerDataDc;
import io.telefetch.tl.mtproto.PQInnerDataTempDc;
import io.telefetch.tl.mtproto.ReqDHParams;
import io.telefetch.tl.mtproto.ReqPqMulti;
import io.telefetch.tl.mtproto.ResPQ;
import io.telefetch.tl.mtproto.ServerDHInnerData;
import io.telefetch.tl.mtproto.ServerDHParamsOk;
import io.telefetch.tl.mtproto.SetClientDHParams;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server machine against a scripted client that can send anything: the server answers what
 * is valid and rejects everything else with {@link KeyExchangeException}, yielding no key.
 */
class ServerKeyExchangeTest {

  private static final BigInteger P = DhChecks.KNOWN_DH_PRIME;
  private static final BigInteger MARGIN = BigInteger.ONE.shiftLeft(2048 - 64);

  @BeforeAll
  static void generateServerKey() {
    serverKey();
  }

  @Test
  void resPqOffersAFreshPqAndTheServerKeys() {
    Peer peer = new Peer(serverOptions(1).build());
    ResPQ res = peer.res;
    assertThat(res.nonce().toByteArray()).isEqualTo(peer.nonce);
    assertThat(res.serverNonce().length()).isEqualTo(16);
    assertThat(res.serverPublicKeyFingerprints())
        .containsExactly(serverKey().publicKey().fingerprint());
    BigInteger pq = new BigInteger(1, res.pq().toByteArray());
    assertThat(pq.bitLength()).isBetween(61, 63);
    PqFactorizer.Factors factors = PqFactorizer.factorize(res.pq().toByteArray());
    assertThat(factors.p()).isLessThan(factors.q());
    assertThat(64 - Long.numberOfLeadingZeros(factors.p())).isBetween(31, 32);
    assertThat(64 - Long.numberOfLeadingZeros(factors.q())).isBetween(31, 32);

    ResPQ other = new Peer(serverOptions(2).build()).res;
    assertThat(other.serverNonce()).isNotEqualTo(res.serverNonce());
    assertThat(other.pq()).isNotEqualTo(res.pq());
  }

  @Test
  void aScriptedClientGetsTheKeyTheServerComputes() {
    Peer peer = new Peer(serverOptions(3).build());
    ServerDHParamsOk ok = (ServerDHParamsOk) peer.send(peer.reqDh(peer.innerData()));
    ServerDHInnerData inner = peer.peer.decryptServerDhInnerData(ok);
    assertThat(inner.g()).isEqualTo(3);
    assertThat(new BigInteger(1, inner.dhPrime().toByteArray())).isEqualTo(P);
    assertThat(inner.serverTime()).isEqualTo(
        (int) ExchangeFixtures.serverClock().instant().getEpochSecond());
    BigInteger ga = new BigInteger(1, inner.gA().toByteArray());
    DhChecks.checkPublicValue(ga, P);

    BigInteger b = new BigInteger(2048, new SecureRandom());
    DhGenOk answer = (DhGenOk) peer.send(peer.setClientDh(0, BigInteger.valueOf(3).modPow(b, P)));
    AuthKey key = AuthKey.of(ExchangeCrypto.powMod(ga, b, P));
    assertThat(answer.newNonceHash1().toByteArray())
        .isEqualTo(ExchangeCrypto.newNonceHash(peer.newNonce, 1, key));
    ServerKeyExchange.Result result = peer.server.result().orElseThrow();
    assertThat(result.authKey()).isEqualTo(key);
    assertThat(result.serverSalt()).isEqualTo(
        ExchangeCrypto.initialServerSalt(peer.newNonce, peer.res.serverNonce().toByteArray()));
    assertThat(result.dcId()).isEqualTo(2);
  }

  /**
   * GramJS (and Telethon) send the official schema's legacy {@code p_q_inner_data#83c95aec}
   * without {@code dc}, which Telegram accepts; the server used to close the connection on it.
   */
  @Test
  void theLegacyPqInnerDataWithoutDcCreatesTheSameKey() {
    Peer peer = new Peer(serverOptions(30).acceptedDcIds(Set.of(2)).build());
    ServerDHParamsOk ok = (ServerDHParamsOk) peer.send(peer.reqDhLegacy(peer.innerData()));
    BigInteger ga = new BigInteger(1, peer.peer.decryptServerDhInnerData(ok).gA().toByteArray());
    BigInteger b = new BigInteger(2048, new SecureRandom());
    DhGenOk answer = (DhGenOk) peer.send(peer.setClientDh(0, BigInteger.valueOf(3).modPow(b, P)));
    AuthKey key = AuthKey.of(ExchangeCrypto.powMod(ga, b, P));
    assertThat(answer.newNonceHash1().toByteArray())
        .isEqualTo(ExchangeCrypto.newNonceHash(peer.newNonce, 1, key));
    ServerKeyExchange.Result result = peer.server.result().orElseThrow();
    assertThat(result.authKey()).isEqualTo(key);
    assertThat(result.dcId()).isEqualTo(ServerKeyExchange.NO_DC);
    assertThat(result.temporary()).isFalse();
  }

  /**
   * Telegram still accepts the earlier req_DH_params encryption {@code RSA(SHA1(data) | data |
   * random bytes to 255 bytes)}, which widely used clients send (with either inner data form);
   * the server used to reject it as a bad RSA_PAD.
   */
  @Test
  void theLegacyRsaEncryptionCreatesTheSameKey() {
    for (boolean legacyInner : new boolean[] {false, true}) {
      Peer peer = new Peer(serverOptions(40).acceptedDcIds(Set.of(2)).build());
      byte[] inner = legacyInner ? peer.legacyInnerData(peer.innerData())
          : ExchangeFixtures.encode(peer.innerData());
      ServerDHParamsOk ok = (ServerDHParamsOk) peer.send(peer.reqDhLegacyRsa(inner, plain -> { }));
      BigInteger ga = new BigInteger(1, peer.peer.decryptServerDhInnerData(ok).gA().toByteArray());
      BigInteger b = new BigInteger(2048, new SecureRandom());
      DhGenOk answer = (DhGenOk) peer.send(peer.setClientDh(0, BigInteger.valueOf(3).modPow(b, P)));
      AuthKey key = AuthKey.of(ExchangeCrypto.powMod(ga, b, P));
      assertThat(answer.newNonceHash1().toByteArray())
          .isEqualTo(ExchangeCrypto.newNonceHash(peer.newNonce, 1, key));
      ServerKeyExchange.Result result = peer.server.result().orElseThrow();
      assertThat(result.authKey()).isEqualTo(key);
      assertThat(result.dcId()).isEqualTo(legacyInner ? ServerKeyExchange.NO_DC : 2);
    }
  }

  @Test
  void aCorruptedLegacyRsaEncryptionIsRejected() {
    // the SHA1, the data, or the leading zero byte of the 255-byte plaintext changed
    for (int position : new int[] {0, 19, 20, 40, 20 + 99}) {
      Peer peer = new Peer(serverOptions(41).build());
      byte[] inner = ExchangeFixtures.encode(peer.innerData());
      assertRejected(peer.server, Reason.RSA_PAD, () -> peer.send(peer.reqDhLegacyRsa(inner,
          plain -> plain[position] ^= 0x01)));
    }
    // the whole form shifted into a 256-byte number (no leading zero byte)
    Peer shifted = new Peer(serverOptions(45).build());
    byte[] data = ExchangeFixtures.encode(shifted.innerData());
    byte[] wide = new byte[256];
    wide[0] = 1;
    System.arraycopy(Hashes.sha1(data), 0, wide, 1, 20);
    System.arraycopy(data, 0, wide, 21, data.length);
    assertRejected(shifted.server, Reason.RSA_PAD, () -> shifted.send(shifted.reqDhRawRsa(wide)));
    // the SHA1 covers more than the inner data (padding included): not what the form says
    Peer padded = new Peer(serverOptions(42).build());
    byte[] inner = ExchangeFixtures.encode(padded.innerData());
    assertRejected(padded.server, Reason.RSA_PAD, () -> padded.send(padded.reqDhLegacyRsa(inner,
        plain -> System.arraycopy(Hashes.sha1(plain, 20, inner.length + 4), 0, plain, 0, 20))));
    // a valid SHA1 over something that is not p_q_inner_data
    Peer other = new Peer(serverOptions(43).build());
    byte[] notInner = ExchangeFixtures.encode(new ReqPqMulti(TlBytes.wrap(new byte[16])));
    assertRejected(other.server, Reason.RSA_PAD, () -> other.send(other.reqDhLegacyRsa(notInner, plain -> { })));
    // well formed, but its fields are checked like those of RSA_PAD
    Peer wrongNonce = new Peer(serverOptions(44).build());
    PQInnerDataDc good = wrongNonce.innerData();
    byte[] bad = ExchangeFixtures.encode(new PQInnerDataDc(good.pq(), good.p(), good.q(), good.nonce(),
        flip(good.serverNonce()), good.newNonce(), 2));
    assertRejected(wrongNonce.server, Reason.NONCE_MISMATCH,
        () -> wrongNonce.send(wrongNonce.reqDhLegacyRsa(bad, plain -> { })));
  }

  @Test
  void theLegacyPqInnerDataIsCheckedLikeTheOthers() {
    Peer a = new Peer(serverOptions(31).build());
    PQInnerDataDc good = a.innerData();
    assertRejected(a.server, Reason.NONCE_MISMATCH, () -> a.send(a.reqDhLegacy(new PQInnerDataDc(
        good.pq(), good.p(), good.q(), good.nonce(), flip(good.serverNonce()), good.newNonce(),
        2))));
    Peer b = new Peer(serverOptions(32).build());
    PQInnerDataDc good2 = b.innerData();
    assertRejected(b.server, Reason.BAD_PQ, () -> b.send(b.reqDhLegacy(new PQInnerDataDc(
        flip(good2.pq()), good2.p(), good2.q(), good2.nonce(), good2.serverNonce(),
        good2.newNonce(), 2))));
    Peer c = new Peer(serverOptions(33).build());
    // pq claims 0xfffe bytes, more than the 192 bytes RSA_PAD carries
    byte[] overlong = Arrays.copyOf(c.legacyInnerData(c.innerData()), 8);
    overlong[4] = (byte) 0xfe;
    overlong[5] = (byte) 0xfe;
    overlong[6] = (byte) 0xff;
    overlong[7] = 0;
    assertRejected(c.server, Reason.MALFORMED, () -> c.send(c.reqDhEncrypting(overlong)));
  }

  @Test
  void requestsOutOfOrder() {
    ServerKeyExchange fresh = new ServerKeyExchange(serverOptions(4).build());
    Peer peer = new Peer(serverOptions(5).build());
    ReqDHParams reqDh = peer.reqDh(peer.innerData());
    assertRejected(fresh, Reason.UNEXPECTED_MESSAGE, () -> fresh.handle(transfer(reqDh)));
    assertRejected(peer.server, Reason.UNEXPECTED_MESSAGE,
        () -> peer.server.handle(new ReqPqMulti(TlBytes.wrap(new byte[16]))));

    Peer early = new Peer(serverOptions(6).build());
    assertRejected(early.server, Reason.UNEXPECTED_MESSAGE,
        () -> early.send(new SetClientDHParams(early.res.nonce(), early.res.serverNonce(),
            TlBytes.wrap(new byte[32]))));
  }

  @Test
  void reqDhParamsWithAnotherNonceOrServerNonce() {
    Peer peer = new Peer(serverOptions(7).build());
    ReqDHParams req = peer.reqDh(peer.innerData());
    assertRejected(peer.server, Reason.NONCE_MISMATCH, () -> peer.send(new ReqDHParams(
        flip(req.nonce()), req.serverNonce(), req.p(), req.q(), req.publicKeyFingerprint(),
        req.encryptedData())));
    Peer other = new Peer(serverOptions(8).build());
    ReqDHParams req2 = other.reqDh(other.innerData());
    assertRejected(other.server, Reason.NONCE_MISMATCH, () -> other.send(new ReqDHParams(
        req2.nonce(), flip(req2.serverNonce()), req2.p(), req2.q(),
        req2.publicKeyFingerprint(), req2.encryptedData())));
  }

  @Test
  void reqDhParamsWithWrongFactors() {
    for (int variant = 0; variant < 3; variant++) {
      Peer peer = new Peer(serverOptions(10 + variant).build());
      ReqDHParams req = peer.reqDh(peer.innerData());
      BigInteger p = new BigInteger(1, req.p().toByteArray());
      BigInteger q = new BigInteger(1, req.q().toByteArray());
      BigInteger[] bad = switch (variant) {
        case 0 -> new BigInteger[] {q, p};
        case 1 -> new BigInteger[] {BigInteger.ONE, p.multiply(q)};
        default -> new BigInteger[] {p.add(BigInteger.TWO), q};
      };
      assertRejected(peer.server, Reason.BAD_PQ, () -> peer.send(new ReqDHParams(req.nonce(),
          req.serverNonce(), TlBytes.wrap(unsigned(bad[0])), TlBytes.wrap(unsigned(bad[1])),
          req.publicKeyFingerprint(), req.encryptedData())));
    }
  }

  @Test
  void reqDhParamsWithAnUnknownFingerprint() {
    Peer peer = new Peer(serverOptions(13).build());
    ReqDHParams req = peer.reqDh(peer.innerData());
    assertRejected(peer.server, Reason.UNKNOWN_FINGERPRINT, () -> peer.send(new ReqDHParams(
        req.nonce(), req.serverNonce(), req.p(), req.q(), req.publicKeyFingerprint() ^ 1,
        req.encryptedData())));
  }

  @Test
  void tamperedRsaPadCiphertext() {
    for (int position : new int[] {5, 128, 255}) {
      Peer peer = new Peer(serverOptions(14).build());
      ReqDHParams req = peer.reqDh(peer.innerData());
      byte[] data = req.encryptedData().toByteArray();
      data[position] ^= 0x40;
      assertRejected(peer.server, Reason.RSA_PAD, () -> peer.send(new ReqDHParams(req.nonce(),
          req.serverNonce(), req.p(), req.q(), req.publicKeyFingerprint(), TlBytes.wrap(data))));
    }
    Peer peer = new Peer(serverOptions(15).build());
    ReqDHParams req = peer.reqDh(peer.innerData());
    assertRejected(peer.server, Reason.RSA_PAD, () -> peer.send(new ReqDHParams(req.nonce(),
        req.serverNonce(), req.p(), req.q(), req.publicKeyFingerprint(),
        TlBytes.wrap(Arrays.copyOf(req.encryptedData().toByteArray(), 255)))));
  }

  @Test
  void pqInnerDataThatDisagreesWithTheExchange() {
    Peer a = new Peer(serverOptions(16).build());
    PQInnerDataDc good = a.innerData();
    assertRejected(a.server, Reason.NONCE_MISMATCH, () -> a.send(a.reqDh(new PQInnerDataDc(
        good.pq(), good.p(), good.q(), flip(good.nonce()), good.serverNonce(), good.newNonce(),
        2))));
    Peer b = new Peer(serverOptions(17).build());
    PQInnerDataDc good2 = b.innerData();
    assertRejected(b.server, Reason.NONCE_MISMATCH, () -> b.send(b.reqDh(new PQInnerDataDc(
        good2.pq(), good2.p(), good2.q(), good2.nonce(), flip(good2.serverNonce()),
        good2.newNonce(), 2))));
    Peer c = new Peer(serverOptions(18).build());
    PQInnerDataDc good3 = c.innerData();
    assertRejected(c.server, Reason.BAD_PQ, () -> c.send(c.reqDh(new PQInnerDataDc(
        flip(good3.pq()), good3.p(), good3.q(), good3.nonce(), good3.serverNonce(),
        good3.newNonce(), 2))));
  }

  @Test
  void pqInnerDataForAnotherDcOrWithABadExpiry() {
    Peer a = new Peer(serverOptions(19).acceptedDcIds(Set.of(2)).build());
    PQInnerDataDc good = a.innerData();
    assertRejected(a.server, Reason.BAD_DC, () -> a.send(a.reqDh(new PQInnerDataDc(
        good.pq(), good.p(), good.q(), good.nonce(), good.serverNonce(), good.newNonce(), 4))));
    Peer b = new Peer(serverOptions(20).build());
    PQInnerDataDc good2 = b.innerData();
    assertRejected(b.server, Reason.BAD_DC, () -> b.send(b.reqDh(new PQInnerDataTempDc(
        good2.pq(), good2.p(), good2.q(), good2.nonce(), good2.serverNonce(), good2.newNonce(),
        2, 0))));
  }

  @Test
  void encryptedDataThatIsNotPqInnerData() {
    Peer peer = new Peer(serverOptions(21).build());
    ReqDHParams req = peer.reqDh(peer.innerData());
    byte[] notInner = ExchangeFixtures.encode(new ReqPqMulti(req.nonce()));
    assertRejected(peer.server, Reason.MALFORMED, () -> peer.send(new ReqDHParams(req.nonce(),
        req.serverNonce(), req.p(), req.q(), req.publicKeyFingerprint(),
        TlBytes.wrap(RsaPad.encrypt(notInner, serverKey().publicKey(), new SecureRandom())))));
  }

  @Test
  void tamperedSetClientDhParams() {
    Peer peer = Peer.atSetClientDh(serverOptions(22).build());
    SetClientDHParams set = peer.setClientDh(0, peer.validGb());
    byte[] data = set.encryptedData().toByteArray();
    data[40] ^= 1;
    assertRejected(peer.server, Reason.HASH_MISMATCH, () -> peer.send(
        new SetClientDHParams(set.nonce(), set.serverNonce(), TlBytes.wrap(data))));

    Peer other = Peer.atSetClientDh(serverOptions(23).build());
    SetClientDHParams set2 = other.setClientDh(0, other.validGb());
    assertRejected(other.server, Reason.NONCE_MISMATCH, () -> other.send(
        new SetClientDHParams(set2.nonce(), flip(set2.serverNonce()), set2.encryptedData())));
  }

  @Test
  void clientDhInnerDataWithAnotherNonce() {
    Peer peer = Peer.atSetClientDh(serverOptions(24).build());
    ClientDHInnerData inner = new ClientDHInnerData(flip(peer.res.nonce()),
        peer.res.serverNonce(), 0, TlBytes.wrap(unsigned(peer.validGb())));
    assertRejected(peer.server, Reason.NONCE_MISMATCH, () -> peer.send(peer.setClientDh(inner)));
  }

  @Test
  void gbOutsideTheSafeRange() {
    for (BigInteger gb : List.of(BigInteger.ONE, P.subtract(BigInteger.ONE),
        MARGIN.subtract(BigInteger.ONE), P.subtract(MARGIN).add(BigInteger.ONE))) {
      Peer peer = Peer.atSetClientDh(serverOptions(25).build());
      assertRejected(peer.server, Reason.BAD_DH_VALUE, () -> peer.send(peer.setClientDh(0, gb)));
    }
  }

  @Test
  void retryIdMustBeZeroFirstThenTheLastAuxHash() {
    Peer first = Peer.atSetClientDh(serverOptions(26).build());
    assertRejected(first.server, Reason.BAD_RETRY_ID,
        () -> first.send(first.setClientDh(1, first.validGb())));

    Peer retried = Peer.atSetClientDh(serverOptions(27).answerDhGenRetry(1).build());
    assertThat(retried.send(retried.setClientDh(0, retried.validGb())))
        .isInstanceOf(DhGenRetry.class);
    assertRejected(retried.server, Reason.BAD_RETRY_ID,
        () -> retried.send(retried.setClientDh(0, retried.validGb())));
  }

  @Test
  void aCompletedExchangeAnswersOnlyAResentRequest() {
    Peer peer = Peer.atSetClientDh(serverOptions(28).build());
    SetClientDHParams set = peer.setClientDh(0, peer.validGb());
    TlObject ok = peer.send(set);
    assertThat(ok).isInstanceOf(DhGenOk.class);
    assertThat(peer.send(set)).isEqualTo(ok);
    assertThatThrownBy(() -> peer.send(new ReqPqMulti(TlBytes.wrap(new byte[16]))))
        .isInstanceOfSatisfying(KeyExchangeException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNEXPECTED_MESSAGE));
    assertThat(peer.server.result()).isPresent();
    assertThat(peer.send(set)).isEqualTo(ok);
  }

  @Test
  void optionsRejectAnUnsafeGroupAndNoKeys() {
    assertThatThrownBy(() -> serverOptions(29).dhGroup(P, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> serverOptions(29).dhGroup(P.add(BigInteger.valueOf(6)), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerKeyExchange.Options.builder(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(serverOptions(29).dhGroup(P, 4).build().g()).isEqualTo(4);
  }

  private static void assertRejected(ServerKeyExchange server, Reason reason,
      ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(KeyExchangeException.class,
        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    assertThat(server.result()).isEmpty();
    assertThat(server.isFinished()).isTrue();
    // A failed machine answers nothing, not even a resent request.
    assertThatThrownBy(() -> server.handle(new ReqPqMulti(TlBytes.wrap(new byte[16]))))
        .isInstanceOfSatisfying(KeyExchangeException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNEXPECTED_MESSAGE));
  }

  private static TlBytes flip(TlBytes value) {
    byte[] bytes = value.toByteArray();
    bytes[bytes.length - 1] ^= 1;
    return TlBytes.wrap(bytes);
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 && bytes.length > 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  /** A client that builds every message itself, so that it can build invalid ones. */
  private static final class Peer {
    final SecureRandom random = ExchangeFixtures.seeded(1234);
    final ServerKeyExchange server;
    final ScriptedPeer peer = new ScriptedPeer(serverKey());
    final byte[] nonce = new byte[16];
    final byte[] newNonce = new byte[32];
    final ResPQ res;
    final TlBytes p;
    final TlBytes q;

    Peer(ServerKeyExchange.Options options) {
      random.nextBytes(nonce);
      random.nextBytes(newNonce);
      server = new ServerKeyExchange(options);
      res = (ResPQ) send(new ReqPqMulti(TlBytes.wrap(nonce)));
      PqFactorizer.Factors factors = PqFactorizer.factorize(res.pq().toByteArray());
      p = TlBytes.wrap(factors.pBytes());
      q = TlBytes.wrap(factors.qBytes());
      peer.useNonces(newNonce, res.serverNonce().toByteArray());
    }

    /** A peer whose req_DH_params the server has answered. */
    static Peer atSetClientDh(ServerKeyExchange.Options options) {
      Peer peer = new Peer(options);
      assertThat(peer.send(peer.reqDh(peer.innerData()))).isInstanceOf(ServerDHParamsOk.class);
      return peer;
    }

    TlObject send(TlObject request) {
      return transfer(server.handle(transfer(request)));
    }

    PQInnerDataDc innerData() {
      return new PQInnerDataDc(res.pq(), p, q, TlBytes.wrap(nonce), res.serverNonce(),
          TlBytes.wrap(newNonce), 2);
    }

    ReqDHParams reqDh(PQInnerData inner) {
      return reqDhEncrypting(ExchangeFixtures.encode(inner));
    }

    /** req_DH_params carrying the legacy p_q_inner_data#83c95aec with the fields of {@code inner}. */
    ReqDHParams reqDhLegacy(PQInnerDataDc inner) {
      return reqDhEncrypting(legacyInnerData(inner));
    }

    /** p_q_inner_data#83c95aec pq p q nonce server_nonce new_nonce, written field by field. */
    byte[] legacyInnerData(PQInnerDataDc inner) {
      ByteBuf buf = Unpooled.buffer();
      try {
        new TlWriter(buf).writeInt(0x83c95aec).writeBytes(inner.pq()).writeBytes(inner.p())
            .writeBytes(inner.q()).writeInt128(inner.nonce()).writeInt128(inner.serverNonce())
            .writeInt256(inner.newNonce());
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
      } finally {
        buf.release();
      }
    }

    ReqDHParams reqDhEncrypting(byte[] innerData) {
      byte[] encrypted = RsaPad.encrypt(innerData, serverKey().publicKey(), random);
      return new ReqDHParams(TlBytes.wrap(nonce), res.serverNonce(), p, q,
          serverKey().publicKey().fingerprint(), TlBytes.wrap(encrypted));
    }

    /**
     * req_DH_params encrypted the earlier way, written here as such a client does it: {@code
     * RSA(SHA1(data) | data | random bytes to 255 bytes)}, 256 bytes big-endian; {@code tamper}
     * may change the 255-byte plaintext first (index 0 is the first SHA1 byte).
     */
    ReqDHParams reqDhLegacyRsa(byte[] innerData, java.util.function.Consumer<byte[]> tamper) {
      byte[] plain = new byte[255];
      random.nextBytes(plain);
      System.arraycopy(Hashes.sha1(innerData), 0, plain, 0, 20);
      System.arraycopy(innerData, 0, plain, 20, innerData.length);
      tamper.accept(plain);
      return reqDhRawRsa(plain);
    }

    /** req_DH_params whose encrypted_data is {@code plain} (as a big-endian number) RSA-encrypted without any padding scheme. */
    ReqDHParams reqDhRawRsa(byte[] plain) {
      BigInteger m = new BigInteger(1, plain);
      BigInteger c = m.modPow(serverKey().publicKey().exponent(), serverKey().publicKey().modulus());
      byte[] encrypted = new byte[256];
      byte[] raw = unsigned(c);
      System.arraycopy(raw, 0, encrypted, 256 - raw.length, raw.length);
      return new ReqDHParams(TlBytes.wrap(nonce), res.serverNonce(), p, q,
          serverKey().publicKey().fingerprint(), TlBytes.wrap(encrypted));
    }

    BigInteger validGb() {
      return BigInteger.valueOf(3).modPow(new BigInteger(2048, random), P);
    }

    SetClientDHParams setClientDh(long retryId, BigInteger gb) {
      return setClientDh(new ClientDHInnerData(TlBytes.wrap(nonce), res.serverNonce(), retryId,
          TlBytes.wrap(unsigned(gb))));
    }

    SetClientDHParams setClientDh(ClientDHInnerData inner) {
      return new SetClientDHParams(TlBytes.wrap(nonce), res.serverNonce(),
          TlBytes.wrap(peer.envelope(ExchangeFixtures.encode(inner))));
    }
  }
}
