package io.telefetch.testkit.server;

import io.telefetch.mtproto.crypto.AuthKey;

/**
 * What a handler knows about a call: the DC, the auth key (and whatever is bound to it), the
 * session, the layer and init data the connection declared, and the connection's identity.
 *
 * @param dc the DC server that received the call
 * @param key the state of the auth key the call was encrypted with
 * @param sessionId the client's session
 * @param msgId the call's msg_id
 * @param connectionId an id unique per TCP connection
 * @param layer the layer from invokeWithLayer on this connection, or 0 if none was sent
 */
public record CallContext(DcServer dc, KeyState key, long sessionId, long msgId, long connectionId, int layer) {
  public AuthKey authKey() {
    return key.authKey();
  }
}
