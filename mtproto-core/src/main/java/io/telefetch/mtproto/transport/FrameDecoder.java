package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.Objects;

/**
 * The inbound half of a transport: turns the (deobfuscated) byte stream into {@link
 * TransportFrame}s and, on a client, {@link QuickAck}s, by calling {@link TransportCodec#decode}.
 *
 * <p>A transport error code from the peer is fired as {@code exceptionCaught} with a {@link
 * TransportException} of kind {@link TransportException.Kind#PEER_ERROR} and the connection stays
 * open; a protocol violation (bad length, CRC, sequence number...) is fired the same way with a
 * fatal kind, then the channel is closed and further input discarded. Ownership: each {@link
 * TransportFrame} passed on is owned by the handler that receives it, which releases it.
 */
public final class FrameDecoder extends ClosingDecoder {

  private final TransportCodec codec;

  /** A decoder that shares {@code codec} with the connection's {@link FrameEncoder}. */
  public FrameDecoder(TransportCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /**
   * Decodes one message. {@code in} is the cumulation, owned by this decoder; each frame added to
   * {@code out} is a retained slice owned by whoever receives it.
   */
  @Override
  void decodeOrRefuse(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws TransportException {
    TransportMessage message = codec.decode(in);
    if (message != null) {
      out.add(message);
    }
  }

  @Override
  public String toString() {
    return "FrameDecoder[" + codec + "]";
  }
}
