package io.telefetch.mtproto.exchange;

import io.telefetch.mtproto.rpc.SecurityCheckException;
import java.util.Objects;

/**
 * Auth key creation failed because the peer sent something that does not pass a check of the
 * protocol, or refused to create the key.
 *
 * <p>The reaction is always the same: use nothing the peer sent, discard the machine that threw
 * (it yields no key afterwards) and close the connection; a client may then start over on a new
 * connection. {@link #reason()} names the failed check for logs and tests; the message never
 * contains secret material.
 */
public final class KeyExchangeException extends SecurityCheckException {

  private static final long serialVersionUID = 1L;

  /** The check that failed. */
  public enum Reason {
    /** A message of the wrong type for the current step, or after the exchange ended. */
    UNEXPECTED_MESSAGE,
    /** A {@code nonce} or {@code server_nonce} differs from the one of this exchange. */
    NONCE_MISMATCH,
    /** None of the server's RSA key fingerprints is trusted (client) or known (server). */
    UNKNOWN_FINGERPRINT,
    /** {@code pq} is not a product of two distinct primes, or {@code p}/{@code q} do not match. */
    BAD_PQ,
    /**
     * The encrypted {@code p_q_inner_data} did not decrypt or verify (server), in neither the RSA_PAD
     * form nor the legacy {@code SHA1 | data | padding} one.
     */
    RSA_PAD,
    /** The SHA1 in front of a decrypted {@code encrypted_answer} or {@code encrypted_data}. */
    HASH_MISMATCH,
    /** A message or inner data that does not decode, has trailing bytes or bad field lengths. */
    MALFORMED,
    /** {@code dh_prime} is not a safe 2048-bit prime or {@code g} does not suit it. */
    BAD_DH_PARAMS,
    /** {@code g_a} or {@code g_b} lies outside the safe range. */
    BAD_DH_VALUE,
    /** A {@code new_nonce_hash} of {@code dh_gen_ok/retry/fail} does not match. */
    NEW_NONCE_HASH,
    /** The server answered an authentic {@code dh_gen_fail}. */
    DH_GEN_FAIL,
    /** The server answered {@code dh_gen_retry} more often than the client allows. */
    TOO_MANY_RETRIES,
    /** The {@code retry_id} of {@code client_DH_inner_data} is not the expected one (server). */
    BAD_RETRY_ID,
    /** The {@code dc} of {@code p_q_inner_data} is not served, or {@code expires_in} is bad. */
    BAD_DC
  }

  private final Reason reason;

  /** Creates an exception for a failed check, described by {@code message}. */
  public KeyExchangeException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Creates an exception for a failed check found by a lower layer ({@code cause}). */
  public KeyExchangeException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The check that failed. */
  public Reason reason() {
    return reason;
  }
}
