package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failure policy every transport decoder shares: a {@linkplain TransportException#isFatal()
 * fatal} {@link TransportException} is fired as {@code exceptionCaught}, the channel is closed and
 * all further input is discarded (nothing after a bad byte is ever interpreted); a non-fatal one (a
 * peer's transport error code) is fired and decoding goes on.
 *
 * <p>Ownership, as for any {@link ByteToMessageDecoder}: {@code in} is the cumulation, owned by
 * this handler; what a subclass adds to {@code out} is owned by the next handler.
 */
abstract class ClosingDecoder extends ByteToMessageDecoder {

  private final Logger log = LoggerFactory.getLogger(getClass());
  private boolean failed;

  /** Decodes what {@code in} holds; throws to refuse the connection. */
  abstract void decodeOrRefuse(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws TransportException;

  @Override
  protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      decodeOrRefuse(ctx, in, out);
    } catch (TransportException e) {
      if (e.isFatal()) {
        failed = true;
        in.skipBytes(in.readableBytes());
        log.debug("closing {}: {}", ctx.channel(), e.getMessage());
        ctx.fireExceptionCaught(e);
        ctx.close();
      } else {
        ctx.fireExceptionCaught(e);
      }
    }
  }
}
