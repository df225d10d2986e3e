package io.telefetch.mtproto.exchange;

import io.telefetch.mtproto.crypto.AesKeyIv;
import io.telefetch.mtproto.crypto.ExchangeCrypto;
import io.telefetch.mtproto.crypto.RsaPad;
import io.telefetch.mtproto.crypto.RsaPrivateKey;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.mtproto.ClientDHInnerData;
import io.telefetch.tl.mtproto.PQInnerData;
import io.telefetch.tl.mtproto.PQInnerDataDc;
import io.telefetch.tl.mtproto.PQInnerDataTempDc;
import io.telefetch.tl.mtproto.ReqDHParams;
import io.telefetch.tl.mtproto.ServerDHInnerData;
import io.telefetch.tl.mtproto.ServerDHParamsOk;
import io.telefetch.tl.mtproto.SetClientDHParams;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * An attacker who holds the server's RSA private key, or a misbehaving client: it sees through
 * the encryption of the exchange so that tests can read and forge the inner data of either side.
 * Public for the connection-level hostile-server tests.
 */
public final class ScriptedPeer {

  private final RsaPrivateKey key;
  private final SecureRandom random = ExchangeFixtures.seeded(99);
  private AesKeyIv tmpKey;

  public ScriptedPeer(RsaPrivateKey key) {
    this.key = key;
  }

  /** Decrypts the {@code p_q_inner_data} of a {@code req_DH_params} and learns its tmp key. */
  public PQInnerData decryptPqInnerData(ReqDHParams request) {
    byte[] padded = RsaPad.decrypt(request.encryptedData().toByteArray(), key);
    PQInnerData inner = Messages.decode(padded, PQInnerData.class, false, "p_q_inner_data");
    TlBytes newNonce = inner instanceof PQInnerDataDc dc
        ? dc.newNonce() : ((PQInnerDataTempDc) inner).newNonce();
    tmpKey = ExchangeCrypto.tmpAesKeyIv(
        newNonce.toByteArray(), request.serverNonce().toByteArray());
    return inner;
  }

  /** Uses the tmp key of a known {@code new_nonce} (when playing the client). */
  void useNonces(byte[] newNonce, byte[] serverNonce) {
    tmpKey = ExchangeCrypto.tmpAesKeyIv(newNonce, serverNonce);
  }

  public ServerDHInnerData decryptServerDhInnerData(ServerDHParamsOk answer) {
    return Messages.decryptInnerData(
        answer.encryptedAnswer(), tmpKey, ServerDHInnerData.class, "server_DH_inner_data");
  }

  ClientDHInnerData decryptClientDhInnerData(SetClientDHParams request) {
    return Messages.decryptInnerData(
        request.encryptedData(), tmpKey, ClientDHInnerData.class, "client_DH_inner_data");
  }

  /** {@code answer} with its inner data replaced by {@code inner}, properly encrypted. */
  public ServerDHParamsOk withInnerData(ServerDHParamsOk answer, ServerDHInnerData inner) {
    return new ServerDHParamsOk(answer.nonce(), answer.serverNonce(),
        TlBytes.wrap(envelope(ExchangeFixtures.encode(inner))));
  }

  /** {@code SHA1(data) | data | padding}, encrypted with the tmp key. */
  byte[] envelope(byte[] data) {
    return ExchangeCrypto.encryptInnerData(data, tmpKey, random);
  }

  /** {@code data} encrypted with the tmp key as is, without hash or padding. */
  byte[] encryptRaw(byte[] data) {
    byte[] copy = Arrays.copyOf(data, data.length);
    tmpKey.encrypt(copy, 0, copy.length);
    return copy;
  }
}
