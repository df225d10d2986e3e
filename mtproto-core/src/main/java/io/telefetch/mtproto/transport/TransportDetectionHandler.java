package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.Objects;

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
public final class TransportDetectionHandler extends ClosingDecoder {

  private final ServerTransportConfig config;
  private final TransportDetector detector;

  /** A handler for a server configured by {@code config}. */
  public TransportDetectionHandler(ServerTransportConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.detector = new TransportDetector(config);
  }

  /**
   * Detects; {@code in} is the cumulation, owned by this handler; nothing is added to {@code out}.
   */
  @Override
  void decodeOrRefuse(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws TransportException {
    TransportDetector.Detection detection = detector.detect(in);
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
