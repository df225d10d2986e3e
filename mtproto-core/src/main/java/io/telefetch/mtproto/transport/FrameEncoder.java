package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.Objects;

/**
 * The outbound half of a transport: frames each written {@link ByteBuf} (an MTProto packet), {@link
 * TransportFrame}, and on a server {@link QuickAck} and {@link TransportError}, by calling {@link
 * TransportCodec#encode}; a client's plain tag precedes its first packet.
 *
 * <p>Ownership: a written message belongs to the channel; this encoder releases it (in {@code
 * finally}, as {@link MessageToByteEncoder} does) once its bytes are copied into the frame.
 */
public final class FrameEncoder extends MessageToByteEncoder<Object> {

  private final TransportCodec codec;

  /** An encoder that shares {@code codec} with the connection's {@link FrameDecoder}. */
  public FrameEncoder(TransportCodec codec) {
    super(Object.class);
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return msg instanceof ByteBuf || msg instanceof TransportMessage;
  }

  /** Allocates the frame buffer; the caller ({@link MessageToByteEncoder}) owns it. */
  @Override
  protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Object msg, boolean preferDirect) {
    int payload;
    if (msg instanceof ByteBuf buf) {
      payload = buf.readableBytes();
    } else if (msg instanceof TransportFrame frame) {
      payload = frame.content().readableBytes();
    } else {
      payload = 16;
    }
    int size = codec.maxEncodedLength(payload);
    return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
  }

  /**
   * Appends the frame for {@code msg} to {@code out}; neither is released here ({@link
   * MessageToByteEncoder} releases {@code msg} and passes {@code out} on).
   */
  @Override
  protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
    if (msg instanceof ByteBuf payload) {
      codec.encode(payload, false, out);
    } else {
      codec.encode((TransportMessage) msg, out);
    }
  }
}
