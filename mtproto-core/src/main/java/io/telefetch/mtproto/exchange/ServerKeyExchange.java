package io.telefetch.mtproto.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.telefetch.mtproto.crypto.AesKeyIv;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.crypto.CryptoCheckException;
import io.telefetch.mtproto.crypto.DhChecks;
import io.telefetch.mtproto.crypto.ConstantTime;
import io.telefetch.mtproto.crypto.ExchangeCrypto;
import io.telefetch.mtproto.crypto.Hashes;
import io.telefetch.mtproto.crypto.RsaPad;
import io.telefetch.mtproto.crypto.RsaPrivateKey;
import io.telefetch.mtproto.exchange.KeyExchangeException.Reason;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlRegistry;
import io.telefetch.tl.mtproto.ClientDHInnerData;
import io.telefetch.tl.mtproto.DhGenFail;
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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The server side of auth key creation as a state machine without I/O, as the in-process test
 * server runs it: it answers {@code req_pq_multi}, {@code req_DH_params} and {@code
 * set_client_DH_params}, checks everything the client sends, and ends with the new key in {@link
 * #result()}. Like Telegram it reads both encryptions of {@code req_DH_params}: RSA_PAD, and the
 * earlier {@code RSA(SHA1(data) | data | padding)} that widely used clients still send (tried when
 * the RSA_PAD hash does not verify; accepted only if the SHA1 covers exactly the inner data).
 *
 * <p>How a server connection drives it: create one machine per exchange when an unencrypted {@code
 * req_pq_multi} arrives, pass that and each following unencrypted request to {@link #handle} and
 * send back what it returns, unencrypted. When {@link #result()} is present, register the key
 * under its id (with the salt, the DC and the expiry of a temporary key). A {@link
 * KeyExchangeException} means the client sent something invalid: close the connection. A request
 * identical to the previous one (a client re-sending after a lost answer) gets the identical
 * answer again.
 *
 * <p>For tests of the client, the server can answer {@code dh_gen_retry} to the first attempts
 * ({@link Options.Builder#answerDhGenRetry(int)}) or {@code dh_gen_fail} ({@link
 * Options.Builder#answerDhGenFail()}). Not thread-safe: one connection drives one machine.
 *
 * @see <a href="https://core.telegram.org/mtproto/auth_key">Creating an authorization key</a>
 */
public final class ServerKeyExchange {

  /** {@link Result#dcId()} of a key created with the legacy {@code p_q_inner_data}. */
  public static final int NO_DC = 0;

  /**
   * {@code p_q_inner_data#83c95aec pq:string p:string q:string nonce:int128 server_nonce:int128
   * new_nonce:int256 = P_Q_inner_data}: the official schema's form without {@code dc}. mtcute's
   * schema JSON (and so our mtproto.tl) leaves it out, but GramJS and Telethon send it and
   * Telegram accepts it, so the server reads it here.
   */
  static final int LEGACY_PQ_INNER_DATA_ID = 0x83c95aec;

  private static final BigInteger MAX_PQ = BigInteger.ONE.shiftLeft(63);
  private static final int MAX_EXPONENT_ATTEMPTS = 8;

  /**
   * A key the exchange created.
   *
   * @param authKey the new authorization key
   * @param serverSalt the first server salt, {@code new_nonce[0:8] XOR server_nonce[0:8]}, as a
   *     little-endian long
   * @param dcId the {@code dc} the client sent in {@code p_q_inner_data_dc} or {@code
   *     p_q_inner_data_temp_dc}; {@link #NO_DC} after the legacy {@code p_q_inner_data}, which has
   *     none
   * @param expiresIn the {@code expires_in} of a temporary key in seconds; 0 for a permanent key
   * @param createdAt when the key was created, by the server's clock
   */
  public record Result(AuthKey authKey, long serverSalt, int dcId, int expiresIn,
      Instant createdAt) {
    /** Creates the result. */
    public Result {
      Objects.requireNonNull(authKey, "authKey");
      Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether the key is temporary ({@code p_q_inner_data_temp_dc}). */
    public boolean temporary() {
      return expiresIn > 0;
    }

    /** For a temporary key, when it expires: {@code createdAt + expiresIn}. */
    public Optional<Instant> expiresAt() {
      return temporary() ? Optional.of(createdAt.plusSeconds(expiresIn)) : Optional.empty();
    }
  }

  private enum State { AWAIT_REQ_PQ, AWAIT_REQ_DH, AWAIT_SET_CLIENT_DH, DONE, FAILED }

  private final Options options;
  private final SecureRandom random;

  private State state = State.AWAIT_REQ_PQ;
  private TlObject lastRequest;
  private TlObject lastResponse;
  private byte[] nonce;
  private TlBytes nonceTl;
  private byte[] serverNonce;
  private TlBytes serverNonceTl;
  private BigInteger p;
  private BigInteger q;
  private BigInteger pq;
  private byte[] newNonce;
  private int dcId;
  private int expiresIn;
  private AesKeyIv tmpKey;
  private BigInteger a;
  private int attempts;
  private long expectedRetryId;
  private Result result;

  /** Creates a machine for one exchange. */
  public ServerKeyExchange(Options options) {
    this.options = Objects.requireNonNull(options, "options");
    this.random = options.random();
  }

  /** The options of this machine. */
  public Options options() {
    return options;
  }

  /** The key, once the exchange has completed with {@code dh_gen_ok}. */
  public Optional<Result> result() {
    return Optional.ofNullable(result);
  }

  /** Whether the exchange ended: with a key, with {@code dh_gen_fail} or with a bad request. */
  public boolean isFinished() {
    return state == State.DONE || state == State.FAILED;
  }

  /**
   * Decodes the data of a client's unencrypted request for {@link #handle}. gzip_packed is refused
   * anywhere in it (see {@link TlReader.Options#PLAIN}).
   *
   * @param data the message data, read from its reader index; not released here (the caller owns
   *     it)
   * @throws KeyExchangeException ({@link Reason#MALFORMED}) if it does not decode
   */
  public static TlObject decodeRequest(ByteBuf data) {
    return Messages.decodePlain(data, "the client's unencrypted request");
  }

  /**
   * Answers one unencrypted request of the client.
   *
   * @param request the decoded {@code req_pq_multi}, {@code req_DH_params} or {@code
   *     set_client_DH_params}, in that order
   * @return the answer to send back unencrypted
   * @throws KeyExchangeException if the request fails a check, comes out of order, or comes after
   *     the exchange ended; the machine has then failed for good (close the connection), except
   *     that a completed exchange keeps its {@link #result()}
   */
  public TlObject handle(TlObject request) {
    Objects.requireNonNull(request, "request");
    if (state == State.FAILED) {
      throw new KeyExchangeException(Reason.UNEXPECTED_MESSAGE,
          "the key exchange has failed; got " + request.tlName());
    }
    if (lastRequest != null && lastRequest.equals(request)) {
      return lastResponse;
    }
    if (state == State.DONE) {
      // The key stands; only this stray request is refused.
      throw new KeyExchangeException(Reason.UNEXPECTED_MESSAGE,
          "the key exchange has completed; got " + request.tlName());
    }
    try {
      TlObject response;
      switch (state) {
        case AWAIT_REQ_PQ:
          response = onReqPq(expect(request, ReqPqMulti.class, "req_pq_multi"));
          break;
        case AWAIT_REQ_DH:
          response = onReqDhParams(expect(request, ReqDHParams.class, "req_DH_params"));
          break;
        case AWAIT_SET_CLIENT_DH:
          response = onSetClientDhParams(
              expect(request, SetClientDHParams.class, "set_client_DH_params"));
          break;
        default:
          throw new IllegalStateException(state.name());
      }
      lastRequest = request;
      lastResponse = response;
      return response;
    } catch (RuntimeException e) {
      fail();
      throw e;
    }
  }

  private TlObject onReqPq(ReqPqMulti request) {
    nonce = request.nonce().toByteArray();
    if (nonce.length != ExchangeCrypto.NONCE_SIZE) {
      throw new KeyExchangeException(Reason.MALFORMED, "nonce is not 16 bytes");
    }
    nonceTl = TlBytes.wrap(nonce.clone());
    serverNonce = new byte[ExchangeCrypto.NONCE_SIZE];
    random.nextBytes(serverNonce);
    serverNonceTl = TlBytes.wrap(serverNonce.clone());
    do {
      p = BigInteger.probablePrime(31 + random.nextInt(2), random);
      q = BigInteger.probablePrime(31 + random.nextInt(2), random);
      pq = p.multiply(q);
    } while (p.equals(q) || pq.compareTo(MAX_PQ) >= 0);
    if (p.compareTo(q) > 0) {
      BigInteger t = p;
      p = q;
      q = t;
    }
    List<Long> fingerprints = new ArrayList<>(options.rsaKeys().keySet());
    state = State.AWAIT_REQ_DH;
    return new ResPQ(nonceTl, serverNonceTl, TlBytes.wrap(unsigned(pq)), fingerprints);
  }

  private TlObject onReqDhParams(ReqDHParams request) {
    Messages.checkNonce(request.nonce(), nonce, "nonce of req_DH_params");
    Messages.checkNonce(request.serverNonce(), serverNonce, "server_nonce of req_DH_params");
    BigInteger clientP = new BigInteger(1, request.p().toByteArray());
    BigInteger clientQ = new BigInteger(1, request.q().toByteArray());
    if (clientP.compareTo(BigInteger.ONE) <= 0 || clientP.compareTo(clientQ) >= 0
        || !clientP.multiply(clientQ).equals(pq)) {
      throw new KeyExchangeException(Reason.BAD_PQ, "p and q of req_DH_params do not factor pq");
    }
    RsaPrivateKey key = options.rsaKeys().get(request.publicKeyFingerprint());
    if (key == null) {
      throw new KeyExchangeException(Reason.UNKNOWN_FINGERPRINT, String.format(
          "req_DH_params names an unknown key fingerprint %016x", request.publicKeyFingerprint()));
    }
    byte[] decrypted;
    try {
      decrypted = key.decryptRaw(request.encryptedData().toByteArray());
    } catch (CryptoCheckException e) {
      throw Messages.wrap(Reason.RSA_PAD, "encrypted_data of req_DH_params", e);
    }
    byte[] dataWithPadding;
    try {
      dataWithPadding = RsaPad.unpad(decrypted);
    } catch (CryptoCheckException notRsaPad) {
      dataWithPadding = legacyRsaData(decrypted, notRsaPad);
    }
    // Both forms yield the inner data followed by padding: the constructor id is there to look at.
    boolean legacy = (dataWithPadding[0] & 0xff | (dataWithPadding[1] & 0xff) << 8
        | (dataWithPadding[2] & 0xff) << 16 | (dataWithPadding[3] & 0xff) << 24)
        == LEGACY_PQ_INNER_DATA_ID;
    PQInnerData inner = legacy
        ? decodeLegacyInnerData(dataWithPadding)
        : Messages.decode(dataWithPadding, PQInnerData.class, false, "p_q_inner_data");
    readInnerData(inner, legacy, clientP, clientQ);
    tmpKey = ExchangeCrypto.tmpAesKeyIv(newNonce, serverNonce);

    byte[] gA = null;
    for (int attempt = 0; gA == null; attempt++) {
      if (attempt == MAX_EXPONENT_ATTEMPTS) {
        throw new io.telefetch.mtproto.crypto.CryptoProviderException("the random source yields no safe g_a");
      }
      a = ExchangeCrypto.randomExponent(random);
      byte[] candidate = ExchangeCrypto.powMod(BigInteger.valueOf(options.g()), a,
          options.dhPrime());
      if (isSafe(candidate)) {
        gA = candidate;
      }
    }
    ServerDHInnerData answer = new ServerDHInnerData(nonceTl, serverNonceTl, options.g(),
        TlBytes.wrap(unsigned(options.dhPrime())), TlBytes.wrap(gA),
        (int) options.clock().instant().getEpochSecond());
    byte[] encrypted =
        ExchangeCrypto.encryptInnerData(Messages.serialize(answer), tmpKey, random);
    state = State.AWAIT_SET_CLIENT_DH;
    return new ServerDHParamsOk(nonceTl, serverNonceTl, TlBytes.wrap(encrypted));
  }

  /**
   * The earlier encryption of {@code req_DH_params} that Telegram still accepts: {@code
   * RSA(SHA1(data) | data | random bytes to 255 bytes)}. Returns {@code data} and its padding
   * (from offset 21 of the decrypted 256 bytes) once the SHA1 matches the bytes of the inner data
   * object found there; otherwise the ciphertext is neither form.
   *
   * @param decrypted the raw RSA decryption, 256 bytes (not modified)
   * @param notRsaPad why the RSA_PAD reading failed, kept as the cause
   */
  private static byte[] legacyRsaData(byte[] decrypted, CryptoCheckException notRsaPad) {
    int start = 1 + Hashes.SHA1_LENGTH;
    byte[] data = Arrays.copyOfRange(decrypted, start, decrypted.length);
    int length = decrypted[0] == 0 ? innerDataLength(data) : -1;
    if (length <= 0 || !ConstantTime.equals(Hashes.sha1(data, 0, length), 0, decrypted, 1, Hashes.SHA1_LENGTH)) {
      throw new KeyExchangeException(Reason.RSA_PAD,
          "encrypted_data of req_DH_params is neither RSA_PAD nor the legacy SHA1 form", notRsaPad);
    }
    return data;
  }

  /**
   * The length of the {@code p_q_inner_data*} object at the start of {@code data} (the rest is
   * padding), or -1 when there is none: what the legacy form's SHA1 covers.
   */
  private static int innerDataLength(byte[] data) {
    ByteBuf buf = Unpooled.wrappedBuffer(data);
    try {
      if (buf.readableBytes() < 4) {
        return -1;
      }
      int id = buf.getIntLE(0);
      if (id == TlReader.GZIP_PACKED_ID) {
        return -1;
      }
      TlReader reader = new TlReader(buf);
      if (id == LEGACY_PQ_INNER_DATA_ID) {
        reader.readInt();
        reader.readBytes();
        reader.readBytes();
        reader.readBytes();
        reader.readInt128();
        reader.readInt128();
        reader.readInt256();
      } else {
        reader.readObject(PQInnerData.class);
      }
      return buf.readerIndex();
    } catch (TlDecodeException | IndexOutOfBoundsException e) {
      return -1;
    } finally {
      buf.release();
    }
  }

  /**
   * Reads the legacy {@code p_q_inner_data} (the rest of {@code data} is padding) into a {@code
   * p_q_inner_data_dc} with {@link #NO_DC}, so that one path checks both.
   */
  private static PQInnerDataDc decodeLegacyInnerData(byte[] data) {
    ByteBuf buf = Unpooled.wrappedBuffer(data);
    try {
      TlReader reader = new TlReader(buf, TlRegistry.standard(), TlReader.Options.PLAIN);
      reader.readInt(); // the constructor id, already checked
      return new PQInnerDataDc(reader.readBytes(), reader.readBytes(), reader.readBytes(),
          reader.readInt128(), reader.readInt128(), reader.readInt256(), NO_DC);
    } catch (TlDecodeException e) {
      throw new KeyExchangeException(Reason.MALFORMED, "p_q_inner_data does not decode", e);
    } finally {
      buf.release();
    }
  }

  private void readInnerData(PQInnerData inner, boolean legacy, BigInteger clientP,
      BigInteger clientQ) {
    TlBytes innerPq;
    TlBytes innerP;
    TlBytes innerQ;
    TlBytes innerNonce;
    TlBytes innerServerNonce;
    TlBytes innerNewNonce;
    if (inner instanceof PQInnerDataTempDc temp) {
      innerPq = temp.pq();
      innerP = temp.p();
      innerQ = temp.q();
      innerNonce = temp.nonce();
      innerServerNonce = temp.serverNonce();
      innerNewNonce = temp.newNonce();
      dcId = temp.dc();
      expiresIn = temp.expiresIn();
      if (expiresIn <= 0) {
        throw new KeyExchangeException(Reason.BAD_DC,
            "expires_in of p_q_inner_data_temp_dc is not positive: " + expiresIn);
      }
    } else {
      PQInnerDataDc permanent = (PQInnerDataDc) inner;
      innerPq = permanent.pq();
      innerP = permanent.p();
      innerQ = permanent.q();
      innerNonce = permanent.nonce();
      innerServerNonce = permanent.serverNonce();
      innerNewNonce = permanent.newNonce();
      dcId = permanent.dc();
      expiresIn = 0;
    }
    Messages.checkNonce(innerNonce, nonce, "nonce of p_q_inner_data");
    Messages.checkNonce(innerServerNonce, serverNonce, "server_nonce of p_q_inner_data");
    if (!new BigInteger(1, innerPq.toByteArray()).equals(pq)
        || !new BigInteger(1, innerP.toByteArray()).equals(clientP)
        || !new BigInteger(1, innerQ.toByteArray()).equals(clientQ)) {
      throw new KeyExchangeException(Reason.BAD_PQ,
          "pq, p or q of p_q_inner_data differ from those of the exchange");
    }
    Set<Integer> accepted = options.acceptedDcIds();
    // The legacy form names no DC: like Telegram, accept it on whichever DC it arrives.
    if (!legacy && !accepted.isEmpty() && !accepted.contains(dcId)) {
      throw new KeyExchangeException(Reason.BAD_DC, "dc " + dcId + " is not served here");
    }
    newNonce = innerNewNonce.toByteArray();
  }

  private TlObject onSetClientDhParams(SetClientDHParams request) {
    Messages.checkNonce(request.nonce(), nonce, "nonce of set_client_DH_params");
    Messages.checkNonce(
        request.serverNonce(), serverNonce, "server_nonce of set_client_DH_params");
    ClientDHInnerData inner = Messages.decryptInnerData(
        request.encryptedData(), tmpKey, ClientDHInnerData.class, "client_DH_inner_data");
    Messages.checkNonce(inner.nonce(), nonce, "nonce of client_DH_inner_data");
    Messages.checkNonce(
        inner.serverNonce(), serverNonce, "server_nonce of client_DH_inner_data");
    if (inner.retryId() != expectedRetryId) {
      throw new KeyExchangeException(Reason.BAD_RETRY_ID,
          "retry_id of client_DH_inner_data is not the auth_key_aux_hash of the last attempt");
    }
    BigInteger gB = new BigInteger(1, inner.gB().toByteArray());
    try {
      DhChecks.checkPublicValue(gB, options.dhPrime());
    } catch (CryptoCheckException e) {
      throw Messages.wrap(Reason.BAD_DH_VALUE, "unsafe g_b", e);
    }
    AuthKey key = AuthKey.of(ExchangeCrypto.powMod(gB, a, options.dhPrime()));
    attempts++;
    if (attempts <= options.dhGenRetries()) {
      expectedRetryId = key.auxHash();
      return new DhGenRetry(nonceTl, serverNonceTl,
          TlBytes.wrap(ExchangeCrypto.newNonceHash(newNonce, 2, key)));
    }
    if (options.dhGenFail()) {
      DhGenFail answer = new DhGenFail(nonceTl, serverNonceTl,
          TlBytes.wrap(ExchangeCrypto.newNonceHash(newNonce, 3, key)));
      state = State.FAILED;
      forgetSecrets();
      return answer;
    }
    DhGenOk answer = new DhGenOk(nonceTl, serverNonceTl,
        TlBytes.wrap(ExchangeCrypto.newNonceHash(newNonce, 1, key)));
    result = new Result(key, ExchangeCrypto.initialServerSalt(newNonce, serverNonce), dcId,
        expiresIn, options.clock().instant());
    state = State.DONE;
    forgetSecrets();
    return answer;
  }

  private boolean isSafe(byte[] value) {
    try {
      DhChecks.checkPublicValue(new BigInteger(1, value), options.dhPrime());
      return true;
    } catch (CryptoCheckException e) {
      return false;
    }
  }

  private <T> T expect(TlObject request, Class<T> type, String name) {
    if (!type.isInstance(request)) {
      throw new KeyExchangeException(Reason.UNEXPECTED_MESSAGE,
          "expected " + name + ", got " + request.tlName());
    }
    return type.cast(request);
  }

  private void fail() {
    state = State.FAILED;
    result = null;
    lastRequest = null;
    lastResponse = null;
    forgetSecrets();
  }

  private void forgetSecrets() {
    if (newNonce != null) {
      Arrays.fill(newNonce, (byte) 0);
    }
    a = null;
    tmpKey = null;
  }

  /** {@code value} (positive) as big-endian bytes without a sign byte. */
  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes[0] == 0 && bytes.length > 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  @Override
  public String toString() {
    return "ServerKeyExchange[" + state + "]";
  }

  /**
   * Immutable options of a {@link ServerKeyExchange}: the server's RSA keys, the Diffie-Hellman
   * group, the DCs it serves, how it answers {@code set_client_DH_params}, and the sources of
   * randomness and time.
   */
  public static final class Options {

    /** The generator used with {@link DhChecks#KNOWN_DH_PRIME} by default, as Telegram does. */
    public static final int DEFAULT_G = 3;

    private final Map<Long, RsaPrivateKey> rsaKeys;
    private final BigInteger dhPrime;
    private final int g;
    private final SecureRandom random;
    private final Clock clock;
    private final Set<Integer> acceptedDcIds;
    private final int dhGenRetries;
    private final boolean dhGenFail;

    private Options(Builder builder) {
      this.rsaKeys = builder.rsaKeys;
      this.dhPrime = builder.dhPrime;
      this.g = builder.g;
      this.random = builder.random != null ? builder.random : new SecureRandom();
      this.clock = builder.clock;
      this.acceptedDcIds = builder.acceptedDcIds;
      this.dhGenRetries = builder.dhGenRetries;
      this.dhGenFail = builder.dhGenFail;
    }

    /**
     * A builder with these RSA keys (their fingerprints are offered in {@code resPQ}, in this
     * order), Telegram's {@code dh_prime} with {@code g = 3}, any DC, a fresh {@link
     * SecureRandom}, the system clock, and {@code dh_gen_ok} answers.
     */
    public static Builder builder(List<RsaPrivateKey> rsaKeys) {
      return new Builder(rsaKeys);
    }

    /** A builder with one RSA key; see {@link #builder(List)}. */
    public static Builder builder(RsaPrivateKey rsaKey) {
      return new Builder(List.of(rsaKey));
    }

    /** A builder starting from these options. */
    public Builder newBuilder() {
      Builder b = new Builder(List.copyOf(rsaKeys.values()));
      b.dhPrime = dhPrime;
      b.g = g;
      b.random = random;
      b.clock = clock;
      b.acceptedDcIds = acceptedDcIds;
      b.dhGenRetries = dhGenRetries;
      b.dhGenFail = dhGenFail;
      return b;
    }

    /** The server's RSA keys by fingerprint, in the order offered. */
    public Map<Long, RsaPrivateKey> rsaKeys() {
      return rsaKeys;
    }

    /** {@code dh_prime}. */
    public BigInteger dhPrime() {
      return dhPrime;
    }

    /** {@code g}. */
    public int g() {
      return g;
    }

    /** The source of {@code server_nonce}, {@code pq}, {@code a} and padding. */
    public SecureRandom random() {
      return random;
    }

    /** The clock of {@code server_time}. */
    public Clock clock() {
      return clock;
    }

    /** The {@code dc} values accepted in {@code p_q_inner_data}; empty means any. */
    public Set<Integer> acceptedDcIds() {
      return acceptedDcIds;
    }

    /** How many attempts are answered with {@code dh_gen_retry} before the final answer. */
    public int dhGenRetries() {
      return dhGenRetries;
    }

    /** Whether the final answer is {@code dh_gen_fail} instead of {@code dh_gen_ok}. */
    public boolean dhGenFail() {
      return dhGenFail;
    }

    @Override
    public String toString() {
      return "ServerKeyExchange.Options[keys=" + rsaKeys.values() + ", g=" + g
          + ", dcs=" + (acceptedDcIds.isEmpty() ? "any" : acceptedDcIds)
          + (dhGenRetries > 0 ? ", dhGenRetries=" + dhGenRetries : "")
          + (dhGenFail ? ", dhGenFail" : "") + "]";
    }

    /** Builds {@link Options}. */
    public static final class Builder {
      private final Map<Long, RsaPrivateKey> rsaKeys;
      private BigInteger dhPrime = DhChecks.KNOWN_DH_PRIME;
      private int g = DEFAULT_G;
      private SecureRandom random;
      private Clock clock = Clock.systemUTC();
      private Set<Integer> acceptedDcIds = Set.of();
      private int dhGenRetries;
      private boolean dhGenFail;

      private Builder(List<RsaPrivateKey> keys) {
        Objects.requireNonNull(keys, "rsaKeys");
        if (keys.isEmpty()) {
          throw new IllegalArgumentException("a server needs at least one RSA key");
        }
        Map<Long, RsaPrivateKey> map = new LinkedHashMap<>();
        for (RsaPrivateKey key : keys) {
          Objects.requireNonNull(key, "rsaKey");
          map.put(key.publicKey().fingerprint(), key);
        }
        this.rsaKeys = Collections.unmodifiableMap(map);
      }

      /**
       * The Diffie-Hellman group; it must pass the checks clients make ({@link
       * DhChecks#checkPrimeAndGenerator}).
       *
       * @throws IllegalArgumentException if it does not
       */
      public Builder dhGroup(BigInteger dhPrime, int g) {
        try {
          DhChecks.checkPrimeAndGenerator(Objects.requireNonNull(dhPrime, "dhPrime"), g);
        } catch (CryptoCheckException e) {
          throw new IllegalArgumentException("unsafe Diffie-Hellman group: " + e.getMessage(), e);
        }
        this.dhPrime = dhPrime;
        this.g = g;
        return this;
      }

      /** The randomness source; a fresh {@link SecureRandom} by default (inject one in tests). */
      public Builder random(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
        return this;
      }

      /** The clock of {@code server_time}; the system clock by default. */
      public Builder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
      }

      /**
       * The {@code dc} values accepted in {@code p_q_inner_data_dc} (with the +10000 of test DCs
       * and the sign of media DCs, as clients send them); empty, the default, accepts any. The
       * legacy {@code p_q_inner_data}, which names no DC, is accepted whatever this says.
       */
      public Builder acceptedDcIds(Set<Integer> dcIds) {
        this.acceptedDcIds = Set.copyOf(dcIds);
        return this;
      }

      /**
       * Answers the first {@code times} attempts with {@code dh_gen_retry} (for tests of the
       * retry path); 0 by default.
       */
      public Builder answerDhGenRetry(int times) {
        if (times < 0) {
          throw new IllegalArgumentException("times must not be negative: " + times);
        }
        this.dhGenRetries = times;
        return this;
      }

      /** Answers {@code dh_gen_fail} instead of {@code dh_gen_ok} (for tests of the fail path). */
      public Builder answerDhGenFail() {
        this.dhGenFail = true;
        return this;
      }

      /** The options. */
      public Options build() {
        return new Options(this);
      }
    }
  }
}
