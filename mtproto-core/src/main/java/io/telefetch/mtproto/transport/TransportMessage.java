package io.telefetch.mtproto.transport;

/**
 * A message that travels through the transport handlers: a {@link TransportFrame} (both ways), a
 * {@link QuickAck} (server to client) or a {@link TransportError} (server to client, outbound only;
 * it arrives at the client as a {@link TransportException}).
 */
public sealed interface TransportMessage permits TransportFrame, QuickAck, TransportError {}
