package io.telefetch.mtproto.session;

import io.telefetch.mtproto.rpc.SecurityCheckException;

/**
 * A received message failed one of the security checks. The same type and the same action (drop
 * the message, use nothing from it, close the connection) apply to every check, so that nothing
 * observable tells the peer which check failed; {@link #reason()} exists for logs and tests only.
 */
public final class MessageRejectedException extends SecurityCheckException {
  private static final long serialVersionUID = 1L;

  /** Which check failed. */
  public enum Reason {
    MALFORMED_PACKET, MSG_KEY, LENGTH, PADDING, SESSION_ID, MSG_ID_PARITY, MSG_ID_TIME, REPLAY, AUTH_KEY_ID,
    /**
     * The msg_seqno parity contradicts the message: a content-related message (rpc_result, updates)
     * with an even seqno, or a pure service message (msgs_ack, msg_container) with an odd one.
     */
    SEQ_NO
  }

  private final Reason reason;

  public MessageRejectedException(Reason reason) {
    super("received message rejected");
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
