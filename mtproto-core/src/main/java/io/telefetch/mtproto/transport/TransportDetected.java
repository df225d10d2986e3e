package io.telefetch.mtproto.transport;

/**
 * The user event a server pipeline fires once it has recognized a new connection's transport,
 * before any frame of that connection.
 *
 * @param kind the framing the client speaks
 * @param obfuscated whether the connection is obfuscated
 * @param dcId the DC id from the obfuscation header: meaningful when the client connected as to an
 *     MTProxy (random otherwise); 0 for plain connections
 */
public record TransportDetected(TransportKind kind, boolean obfuscated, int dcId) {}
