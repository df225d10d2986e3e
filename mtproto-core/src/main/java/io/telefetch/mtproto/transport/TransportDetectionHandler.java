package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a server connection: detects the client's transport with a {@link
 * TransportDetector}, installs the matching {@link ObfuscationHandler}, {@link FrameDecoder} and
 * {@link FrameEncoder} in its place, fires a {@link TransportDetected} user event and hands the
 * bytes that followed the tag or header to the new handlers.
 *
 * <p>When the start of the connection is not a supported transport it fires {@code exceptionCaught}
 * with a {@link TransportException} and closes the channel. Ownership: the bytes it reads are its
 * own until it passes the remainder on.
 */
public final class TransportDetectionHandler extends ByteToMessageDecoder {

  private static final Logger log = LoggerFactory.getLogger(TransportDetectionHandler.class);

  private final ServerTransportConfig config;
  private final TransportDetector detector;
  private boolean failed;

  /** A handler for a server configured by {@code config}. */
  public TransportDetectionHandler(ServerTransportConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.detector = new TransportDetector(config);
  }

  /**
   * Detects; {@code in} is the cumulation, owned by this handler; nothing is added to {@code out}.
   */
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    TransportDetector.Detection detection;
    try {
      detection = detector.detect(in);
    } catch (TransportException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      log.debug("refusing {}: {}", ctx.channel(), e.getMessage());
      ctx.fireExceptionCaught(e);
      ctx.close();
      return;
    }
    if (detection == null) {
      return;
    }
    TransportPipeline.installServerHandlers(
        ctx.pipeline(), ctx.name(), detection, config.options());
    ctx.fireUserEventTriggered(detection.toEvent());
    // ByteToMessageDecoder passes the unread rest of the cumulation to the new handlers.
    ctx.pipeline().remove(this);
  }
}
