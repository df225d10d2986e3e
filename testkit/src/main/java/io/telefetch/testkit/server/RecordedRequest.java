package io.telefetch.testkit.server;

import io.telefetch.tl.TlMethod;

/**
 * A call a DC received, after unwrapping invokeWithLayer/initConnection.
 *
 * @param dcId the DC
 * @param method the call
 * @param authKeyId the key it was encrypted with
 * @param connectionId which TCP connection carried it
 */
public record RecordedRequest(int dcId, TlMethod<?> method, long authKeyId, long connectionId) {}
