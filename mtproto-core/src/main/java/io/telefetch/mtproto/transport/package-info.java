/**
 * MTProto transports: the framing of MTProto packets on a byte stream (abridged, intermediate,
 * padded intermediate, full), quick acks, transport error codes, the obfuscated2 layer (with
 * MTProxy secrets) and the server-side detection of the transport a client speaks.
 *
 * <p>This package is internal plumbing shared by the client connection layer and the in-process
 * test server; nothing here is part of the SDK's public API. Protocol logic lives in pure functions
 * over {@link io.netty.buffer.ByteBuf}s ({@link TransportCodec}, {@link Obfuscation}, {@link
 * TransportDetector}); the Netty handlers are thin adapters around them, assembled by {@link
 * TransportPipeline}.
 *
 * <p>Ownership: every method that takes or returns a {@code ByteBuf} (or a {@link TransportFrame})
 * says in its javadoc who releases it. Parameters and return values are non-null unless their
 * javadoc says otherwise. Codecs and handlers are stateful per connection and confined to that
 * connection's event loop; they are not thread-safe.
 *
 * @see <a href="https://core.telegram.org/mtproto/mtproto-transports">MTProto transports</a>
 */
package io.telefetch.mtproto.transport;
