package io.telefetch.mtproto.exchange;

import io.netty.buffer.ByteBuf;
import io.telefetch.mtproto.crypto.AesKeyIv;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.crypto.CryptoCheckException;
import io.telefetch.mtproto.crypto.DhChecks;
import io.telefetch.mtproto.crypto.ExchangeCrypto;
import io.telefetch.mtproto.crypto.PqFactorizer;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPad;
import io.telefetch.mtproto.crypto.RsaPublicKey;
import io.telefetch.mtproto.exchange.KeyExchangeException.Reason;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlObject;
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
import io.telefetch.tl.mtproto.SetClientDHParamsAnswer;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The client side of auth key creation as a state machine without I/O: it produces {@code
 * req_pq_multi}, {@code req_DH_params} and {@code set_client_DH_params}, checks every answer of
 * the server, and ends with the new {@link AuthKey}, the first server salt and the clock offset.
 *
 * <p>How a connection drives it: send {@link #firstRequest()} as an unencrypted message; decode
 * each unencrypted answer and pass it to {@link #onResponse}; send the request of each {@link Send}
 * the same way; stop at {@link Done}. A {@link KeyExchangeException} (any failed check, a message
 * of the wrong type, an authentic {@code dh_gen_fail}, too many {@code dh_gen_retry}) ends the
 * exchange for good: close the connection and start over with a new machine on a new one. A
 * transport error such as {@code -404} also ends it. If no answer arrives in time, {@link
 * #lastRequest()} may be re-sent unchanged: the server answers an identical request identically.
 *
 * <pre>{@code
 * ClientKeyExchange exchange = new ClientKeyExchange(
 *     ClientKeyExchange.Options.builder(RsaKeys.production(), 2).build());
 * send(exchange.firstRequest());
 * while (true) {
 *   ClientKeyExchange.Step step = exchange.onResponse(receive());
 *   if (step instanceof ClientKeyExchange.Done done) {
 *     return done;
 *   }
 *   send(((ClientKeyExchange.Send) step).request());
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one connection drives one machine from one thread. One machine makes one
 * key.
 *
 * @see <a href="https://core.telegram.org/mtproto/auth_key">Creating an authorization key</a>
 */
public final class ClientKeyExchange {

  /** How many times a fresh {@code b} is drawn before giving up on a safe {@code g_b}. */
  private static final int MAX_EXPONENT_ATTEMPTS = 8;

  /** What to do after a response: send another request, or use the finished key. */
  public sealed interface Step permits Send, Done {}

  /**
   * Send {@code request} to the server as an unencrypted message and pass its answer to {@link
   * #onResponse}.
   *
   * @param request {@code req_DH_params} or {@code set_client_DH_params}
   */
  public record Send(TlObject request) implements Step {
    /** Creates the step. */
    public Send {
      Objects.requireNonNull(request, "request");
    }
  }

  /**
   * The exchange succeeded: the key and what a new session needs to start with it.
   *
   * @param authKey the new authorization key
   * @param serverSalt the first server salt, {@code new_nonce[0:8] XOR server_nonce[0:8]}, as the
   *     little-endian long a session writes as its {@code salt}
   * @param timeOffsetMillis server time minus local time, from the {@code server_time} of {@code
   *     server_DH_inner_data} and the clock on its arrival; add it to local time for msg_ids
   * @param expiresAt for a temporary key, when it expires in server time ({@code server_time +
   *     expires_in}, the {@code expires_at} of {@code auth.bindTempAuthKey}); empty for a permanent
   *     key
   */
  public record Done(AuthKey authKey, long serverSalt, long timeOffsetMillis,
      Optional<Instant> expiresAt) implements Step {
    /** Creates the step. */
    public Done {
      Objects.requireNonNull(authKey, "authKey");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether the key is temporary ({@code p_q_inner_data_temp_dc}). */
    public boolean temporary() {
      return expiresAt.isPresent();
    }
  }

  /**
   * A point inside {@link #onResponse} that an {@link Options.Builder#phaseListener} hears about,
   * for a benchmark's breakdown of where a key's time goes; in the order they happen.
   */
  public enum Phase {
    /** {@code pq} of {@code resPQ} is factorized. */
    PQ_FACTORIZED,
    /** {@code p_q_inner_data} is encrypted with RSA_PAD. */
    RSA_PAD_ENCRYPTED,
    /** {@code server_DH_inner_data} is decrypted and decoded. */
    DH_PARAMS_DECRYPTED,
    /** {@code dh_prime}, {@code g} and {@code g_a} passed their checks. */
    DH_PARAMS_CHECKED,
    /** {@code g_b = g^b mod dh_prime} is computed (and checked). */
    G_B_COMPUTED,
    /** The auth key {@code g_a^b mod dh_prime} is computed. */
    AUTH_KEY_COMPUTED
  }

  private enum State { AWAIT_RES_PQ, AWAIT_DH_PARAMS, AWAIT_DH_GEN, DONE, FAILED }

  private final Options options;
  private final SecureRandom random;
  private final byte[] nonce;
  private final TlBytes nonceTl;
  private final ReqPqMulti firstRequest;

  private State state = State.AWAIT_RES_PQ;
  private TlObject lastRequest;
  private byte[] serverNonce;
  private TlBytes serverNonceTl;
  private byte[] newNonce;
  private AesKeyIv tmpKey;
  private BigInteger dhPrime;
  private BigInteger g;
  private BigInteger gA;
  private long serverTime;
  private long timeOffsetMillis;
  private long retryId;
  private int retries;
  private AuthKey pendingKey;

  /** Starts an exchange: draws the {@code nonce} of {@link #firstRequest()}. */
  public ClientKeyExchange(Options options) {
    this.options = Objects.requireNonNull(options, "options");
    this.random = options.random();
    this.nonce = new byte[ExchangeCrypto.NONCE_SIZE];
    random.nextBytes(nonce);
    this.nonceTl = TlBytes.of(nonce);
    this.firstRequest = new ReqPqMulti(nonceTl);
    this.lastRequest = firstRequest;
  }

  /** The options of this exchange. */
  public Options options() {
    return options;
  }

  /** The first request to send: {@code req_pq_multi} with this exchange's {@code nonce}. */
  public TlObject firstRequest() {
    return firstRequest;
  }

  /**
   * The request sent last, whose answer is awaited: re-send it unchanged if it seems lost (the
   * server answers an identical request with the identical answer).
   */
  public TlObject lastRequest() {
    return lastRequest;
  }

  /** Whether the exchange produced its key. */
  public boolean isDone() {
    return state == State.DONE;
  }

  /** Whether the exchange failed; it then never produces a key. */
  public boolean isFailed() {
    return state == State.FAILED;
  }

  /**
   * Decodes the data of the server's unencrypted answer for {@link #onResponse}. gzip_packed is
   * refused anywhere in it (see {@link io.telefetch.tl.TlReader.Options#PLAIN}): a server without
   * any key must not make the client inflate anything.
   *
   * @param data the message data, read from its reader index; not released here (the caller owns
   *     it)
   * @throws KeyExchangeException ({@link Reason#MALFORMED}) if it does not decode
   */
  public static TlObject decodeAnswer(ByteBuf data) {
    return Messages.decodePlain(data, "the server's unencrypted answer");
  }

  /**
   * Takes the server's answer to the last request and returns what to do next.
   *
   * @param response the decoded unencrypted answer: {@code resPQ}, then {@code
   *     server_DH_params_ok}, then {@code dh_gen_ok}, {@code dh_gen_retry} or {@code dh_gen_fail}
   * @return the next request to send, or the finished key
   * @throws KeyExchangeException if the answer fails a check or is of the wrong type; the machine
   *     has then failed for good
   * @throws IllegalStateException if the exchange already completed or failed
   */
  public Step onResponse(TlObject response) {
    Objects.requireNonNull(response, "response");
    if (state == State.DONE || state == State.FAILED) {
      throw new IllegalStateException(
          "the key exchange has " + (state == State.DONE ? "completed" : "failed"));
    }
    try {
      Step step;
      switch (state) {
        case AWAIT_RES_PQ:
          step = onResPq(expect(response, ResPQ.class, "resPQ"));
          break;
        case AWAIT_DH_PARAMS:
          step = onServerDhParams(
              expect(response, ServerDHParamsOk.class, "server_DH_params_ok"));
          break;
        case AWAIT_DH_GEN:
          step = onDhGen(expect(response, SetClientDHParamsAnswer.class, "dh_gen_*"));
          break;
        default:
          throw new IllegalStateException(state.name());
      }
      if (step instanceof Send send) {
        lastRequest = send.request();
      }
      return step;
    } catch (RuntimeException e) {
      fail();
      throw e;
    }
  }

  private Step onResPq(ResPQ res) {
    Messages.checkNonce(res.nonce(), nonce, "nonce of resPQ");
    serverNonce = res.serverNonce().toByteArray();
    if (serverNonce.length != ExchangeCrypto.NONCE_SIZE) {
      throw new KeyExchangeException(Reason.MALFORMED, "server_nonce is not 16 bytes");
    }
    serverNonceTl = TlBytes.wrap(serverNonce.clone());
    RsaPublicKey key = options.rsaKeys().select(res.serverPublicKeyFingerprints())
        .orElseThrow(() -> new KeyExchangeException(Reason.UNKNOWN_FINGERPRINT,
            "none of the server's RSA key fingerprints is trusted: "
                + fingerprints(res.serverPublicKeyFingerprints())));
    byte[] pq = res.pq().toByteArray();
    PqFactorizer.Factors factors;
    try {
      factors = PqFactorizer.factorize(pq);
    } catch (CryptoCheckException e) {
      throw Messages.wrap(Reason.BAD_PQ, "bad pq", e);
    }
    phase(Phase.PQ_FACTORIZED);
    TlBytes pqTl = TlBytes.wrap(pq);
    TlBytes p = TlBytes.wrap(factors.pBytes());
    TlBytes q = TlBytes.wrap(factors.qBytes());

    newNonce = new byte[ExchangeCrypto.NEW_NONCE_SIZE];
    random.nextBytes(newNonce);
    TlBytes newNonceTl = TlBytes.of(newNonce);
    PQInnerData inner = options.temporary()
        ? new PQInnerDataTempDc(pqTl, p, q, nonceTl, serverNonceTl, newNonceTl, options.dcId(),
            options.expiresIn())
        : new PQInnerDataDc(pqTl, p, q, nonceTl, serverNonceTl, newNonceTl, options.dcId());
    byte[] encryptedData = RsaPad.encrypt(Messages.serialize(inner), key, random);
    phase(Phase.RSA_PAD_ENCRYPTED);
    tmpKey = ExchangeCrypto.tmpAesKeyIv(newNonce, serverNonce);
    state = State.AWAIT_DH_PARAMS;
    return new Send(new ReqDHParams(
        nonceTl, serverNonceTl, p, q, key.fingerprint(), TlBytes.wrap(encryptedData)));
  }

  private Step onServerDhParams(ServerDHParamsOk ok) {
    Messages.checkNonce(ok.nonce(), nonce, "nonce of server_DH_params_ok");
    Messages.checkNonce(ok.serverNonce(), serverNonce, "server_nonce of server_DH_params_ok");
    ServerDHInnerData inner = Messages.decryptInnerData(
        ok.encryptedAnswer(), tmpKey, ServerDHInnerData.class, "server_DH_inner_data");
    phase(Phase.DH_PARAMS_DECRYPTED);
    Messages.checkNonce(inner.nonce(), nonce, "nonce of server_DH_inner_data");
    Messages.checkNonce(
        inner.serverNonce(), serverNonce, "server_nonce of server_DH_inner_data");
    BigInteger prime = new BigInteger(1, inner.dhPrime().toByteArray());
    try {
      DhChecks.checkPrimeAndGenerator(prime, inner.g());
    } catch (CryptoCheckException e) {
      throw Messages.wrap(Reason.BAD_DH_PARAMS, "unsafe dh_prime or g", e);
    }
    BigInteger serverPublic = new BigInteger(1, inner.gA().toByteArray());
    try {
      DhChecks.checkPublicValue(serverPublic, prime);
    } catch (CryptoCheckException e) {
      throw Messages.wrap(Reason.BAD_DH_VALUE, "unsafe g_a", e);
    }
    phase(Phase.DH_PARAMS_CHECKED);
    dhPrime = prime;
    g = BigInteger.valueOf(inner.g());
    gA = serverPublic;
    serverTime = Integer.toUnsignedLong(inner.serverTime());
    timeOffsetMillis = serverTime * 1000L - options.clock().millis();
    state = State.AWAIT_DH_GEN;
    return new Send(clientDhParams());
  }

  /** Draws a new {@code b} and builds {@code set_client_DH_params} with the current retry id. */
  private SetClientDHParams clientDhParams() {
    BigInteger b = null;
    byte[] gB = null;
    for (int attempt = 0; gB == null; attempt++) {
      if (attempt == MAX_EXPONENT_ATTEMPTS) {
        throw new io.telefetch.mtproto.crypto.CryptoProviderException("the random source yields no safe g_b");
      }
      b = ExchangeCrypto.randomExponent(random);
      byte[] candidate = ExchangeCrypto.powMod(g, b, dhPrime);
      try {
        DhChecks.checkPublicValue(new BigInteger(1, candidate), dhPrime);
        gB = candidate;
      } catch (CryptoCheckException e) {
        // Astronomically unlikely with a good random source: draw again.
      }
    }
    phase(Phase.G_B_COMPUTED);
    pendingKey = AuthKey.of(ExchangeCrypto.powMod(gA, b, dhPrime));
    phase(Phase.AUTH_KEY_COMPUTED);
    ClientDHInnerData data =
        new ClientDHInnerData(nonceTl, serverNonceTl, retryId, TlBytes.wrap(gB));
    byte[] encrypted = ExchangeCrypto.encryptInnerData(Messages.serialize(data), tmpKey, random);
    return new SetClientDHParams(nonceTl, serverNonceTl, TlBytes.wrap(encrypted));
  }

  private Step onDhGen(SetClientDHParamsAnswer answer) {
    if (answer instanceof DhGenOk ok) {
      checkDhGen(ok.nonce(), ok.serverNonce(), ok.newNonceHash1(), 1, "dh_gen_ok");
      Done done = new Done(pendingKey, ExchangeCrypto.initialServerSalt(newNonce, serverNonce),
          timeOffsetMillis,
          options.temporary()
              ? Optional.of(Instant.ofEpochSecond(serverTime + options.expiresIn()))
              : Optional.empty());
      state = State.DONE;
      forgetSecrets();
      return done;
    }
    if (answer instanceof DhGenRetry retry) {
      checkDhGen(retry.nonce(), retry.serverNonce(), retry.newNonceHash2(), 2, "dh_gen_retry");
      if (++retries > options.maxRetries()) {
        throw new KeyExchangeException(Reason.TOO_MANY_RETRIES,
            "the server answered dh_gen_retry " + retries + " times");
      }
      retryId = pendingKey.auxHash();
      pendingKey = null;
      return new Send(clientDhParams());
    }
    DhGenFail fail = (DhGenFail) answer;
    checkDhGen(fail.nonce(), fail.serverNonce(), fail.newNonceHash3(), 3, "dh_gen_fail");
    throw new KeyExchangeException(Reason.DH_GEN_FAIL, "the server answered dh_gen_fail");
  }

  private void checkDhGen(TlBytes nonceField, TlBytes serverNonceField, TlBytes hash, int number,
      String name) {
    Messages.checkNonce(nonceField, nonce, "nonce of " + name);
    Messages.checkNonce(serverNonceField, serverNonce, "server_nonce of " + name);
    byte[] expected = ExchangeCrypto.newNonceHash(newNonce, number, pendingKey);
    if (!Messages.sameBytes(hash, expected)) {
      throw new KeyExchangeException(Reason.NEW_NONCE_HASH,
          "new_nonce_hash" + number + " of " + name + " does not match");
    }
  }

  private void phase(Phase phase) {
    if (options.phaseListener != null) {
      options.phaseListener.accept(phase);
    }
  }

  private <T> T expect(TlObject response, Class<T> type, String name) {
    if (!type.isInstance(response)) {
      throw new KeyExchangeException(Reason.UNEXPECTED_MESSAGE,
          "expected " + name + ", got " + response.tlName());
    }
    return type.cast(response);
  }

  private void fail() {
    state = State.FAILED;
    pendingKey = null;
    forgetSecrets();
  }

  private void forgetSecrets() {
    if (newNonce != null) {
      Arrays.fill(newNonce, (byte) 0);
    }
    tmpKey = null;
  }

  private static String fingerprints(List<Long> list) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < list.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(String.format("%016x", list.get(i)));
    }
    return sb.append(']').toString();
  }

  @Override
  public String toString() {
    return "ClientKeyExchange[" + state + ", dc=" + options.dcId()
        + (options.temporary() ? ", temporary " + options.expiresIn() + "s" : "") + "]";
  }

  /**
   * Immutable options of a {@link ClientKeyExchange}: which server keys to trust, which DC and
   * kind of key to ask for, and the sources of randomness and time.
   */
  public static final class Options {

    /** The default bound on {@code dh_gen_retry} answers in one exchange. */
    public static final int DEFAULT_MAX_RETRIES = 5;

    private final RsaKeys rsaKeys;
    private final int dcId;
    private final int expiresIn;
    private final SecureRandom random;
    private final Clock clock;
    private final int maxRetries;
    private final Consumer<Phase> phaseListener;

    private Options(Builder builder) {
      this.rsaKeys = builder.rsaKeys;
      this.dcId = builder.dcId;
      this.expiresIn = builder.expiresIn;
      this.random = builder.random != null ? builder.random : new SecureRandom();
      this.clock = builder.clock;
      this.maxRetries = builder.maxRetries;
      this.phaseListener = builder.phaseListener;
    }

    /**
     * A builder for a permanent key with the system clock and a fresh {@link SecureRandom}.
     *
     * @param rsaKeys the server keys to trust; the first of the server's fingerprints found here
     *     is used
     * @param dcId the {@code dc} of {@code p_q_inner_data} exactly as sent: the caller adds 10000
     *     for test DCs and negates it for media-only DCs; not 0
     */
    public static Builder builder(RsaKeys rsaKeys, int dcId) {
      return new Builder(rsaKeys, dcId);
    }

    /** A builder starting from these options. */
    public Builder newBuilder() {
      Builder b = new Builder(rsaKeys, dcId);
      b.expiresIn = expiresIn;
      b.random = random;
      b.clock = clock;
      b.maxRetries = maxRetries;
      b.phaseListener = phaseListener;
      return b;
    }

    /** The trusted server keys. */
    public RsaKeys rsaKeys() {
      return rsaKeys;
    }

    /** The {@code dc} sent in {@code p_q_inner_data}. */
    public int dcId() {
      return dcId;
    }

    /** Whether a temporary key is requested ({@code p_q_inner_data_temp_dc}). */
    public boolean temporary() {
      return expiresIn > 0;
    }

    /** The {@code expires_in} of a temporary key in seconds; 0 for a permanent key. */
    public int expiresIn() {
      return expiresIn;
    }

    /** The source of nonces, {@code b} and padding. */
    public SecureRandom random() {
      return random;
    }

    /** The clock the server time offset is measured against. */
    public Clock clock() {
      return clock;
    }

    /** The most {@code dh_gen_retry} answers accepted before the exchange fails. */
    public int maxRetries() {
      return maxRetries;
    }

    @Override
    public String toString() {
      return "ClientKeyExchange.Options[dc=" + dcId
          + (temporary() ? ", expiresIn=" + expiresIn : ", permanent")
          + ", maxRetries=" + maxRetries + ", keys=" + rsaKeys + "]";
    }

    /** Builds {@link Options}. */
    public static final class Builder {
      private final RsaKeys rsaKeys;
      private final int dcId;
      private int expiresIn;
      private SecureRandom random;
      private Clock clock = Clock.systemUTC();
      private int maxRetries = DEFAULT_MAX_RETRIES;
      private Consumer<Phase> phaseListener;

      private Builder(RsaKeys rsaKeys, int dcId) {
        this.rsaKeys = Objects.requireNonNull(rsaKeys, "rsaKeys");
        if (dcId == 0) {
          throw new IllegalArgumentException("dc id 0 is not a DC");
        }
        this.dcId = dcId;
      }

      /**
       * Requests a temporary key ({@code p_q_inner_data_temp_dc}) that the server discards after
       * at most {@code expiresInSeconds}.
       */
      public Builder temporary(int expiresInSeconds) {
        if (expiresInSeconds <= 0) {
          throw new IllegalArgumentException("expires_in must be positive: " + expiresInSeconds);
        }
        this.expiresIn = expiresInSeconds;
        return this;
      }

      /** Requests a permanent key ({@code p_q_inner_data_dc}); the default. */
      public Builder permanent() {
        this.expiresIn = 0;
        return this;
      }

      /** The randomness source; a fresh {@link SecureRandom} by default (inject one in tests). */
      public Builder random(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
        return this;
      }

      /** The clock for the server time offset; the system clock by default. */
      public Builder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
      }

      /**
       * The most {@code dh_gen_retry} answers accepted; {@link Options#DEFAULT_MAX_RETRIES} by
       * default.
       */
      public Builder maxRetries(int maxRetries) {
        if (maxRetries < 0) {
          throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
        }
        this.maxRetries = maxRetries;
        return this;
      }

      /**
       * Told of each {@link Phase} as it completes, on the thread calling {@link #onResponse}
       * (a benchmark takes its timestamps there); none by default. It must not throw.
       */
      public Builder phaseListener(Consumer<Phase> listener) {
        this.phaseListener = Objects.requireNonNull(listener, "listener");
        return this;
      }

      /** The options. */
      public Options build() {
        return new Options(this);
      }
    }
  }
}
