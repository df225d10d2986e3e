package io.telefetch.mtproto.transport;

import io.netty.channel.ChannelPipeline;

/**
 * Assembles transport handlers into a channel pipeline: a client's for a known transport, a
 * server's that detects the transport of each new connection.
 *
 * <p>Add the handlers that speak MTProto after these. They then receive {@link TransportFrame}s
 * (theirs to release) and, on a client, {@link QuickAck}s via {@code channelRead}; transport errors
 * via {@code exceptionCaught} as {@link TransportException}; and, on a server, a {@link
 * TransportDetected} user event before the first frame. They write {@code ByteBuf} packets or
 * {@link TransportFrame}s (a client may ask for a quick ack), and a server also {@link QuickAck}
 * and {@link TransportError}; written messages belong to the channel.
 */
public final class TransportPipeline {

  /** Name of the {@link ObfuscationHandler}. */
  public static final String OBFUSCATION = "mtproto-obfuscation";

  /** Name of the {@link FrameDecoder}. */
  public static final String FRAME_DECODER = "mtproto-frame-decoder";

  /** Name of the {@link FrameEncoder}. */
  public static final String FRAME_ENCODER = "mtproto-frame-encoder";

  /** Name of the fake-TLS handshake and record decoder (MTProxy {@code ee} secrets). */
  public static final String FAKE_TLS = "mtproto-fake-tls";

  /** Name of the fake-TLS record encoder. */
  public static final String FAKE_TLS_ENCODER = "mtproto-fake-tls-encoder";

  /** Name of the {@link TransportDetectionHandler}. */
  public static final String DETECTOR = "mtproto-transport-detector";

  private TransportPipeline() {}

  /**
   * Appends a client's transport handlers: fake-TLS (for an MTProxy {@code ee} secret), the {@link
   * ObfuscationHandler} (when obfuscated), the
   * {@link FrameDecoder} and the {@link FrameEncoder}. Call it from a {@code ChannelInitializer},
   * before adding the MTProto handlers.
   */
  public static void configureClient(ChannelPipeline pipeline, ClientTransportConfig config) {
    TransportCodec codec =
        TransportCodec.forClient(config.kind(), !config.obfuscated(), config.options());
    if (config.mtProxySecret() != null && config.mtProxySecret().fakeTls()) {
      pipeline.addLast(FAKE_TLS,
          new FakeTlsClientHandler(config.mtProxySecret(), config.options(), FAKE_TLS_ENCODER));
      pipeline.addLast(FAKE_TLS_ENCODER, FakeTlsRecordEncoder.holding());
    }
    if (config.obfuscated()) {
      Obfuscation.ClientHandshake handshake =
          Obfuscation.client(
              config.kind(), config.mtProxySecret(), config.dcId(), config.options().random());
      pipeline.addLast(OBFUSCATION, ObfuscationHandler.client(handshake));
    }
    pipeline.addLast(FRAME_DECODER, new FrameDecoder(codec));
    pipeline.addLast(FRAME_ENCODER, new FrameEncoder(codec));
  }

  /**
   * Appends a server's {@link TransportDetectionHandler}, which replaces itself with the handlers
   * for the detected transport; with a fake-TLS MTProxy secret, the fake-TLS handlers before it
   * (connections that do not start with TLS pass them untouched). Call it from a {@code ChannelInitializer}, before adding the
   * MTProto handlers.
   */
  public static void configureServer(ChannelPipeline pipeline, ServerTransportConfig config) {
    MtProxySecret secret = config.mtProxySecret();
    if (secret != null && secret.fakeTls()) {
      pipeline.addLast(FAKE_TLS, new FakeTlsServerHandler(secret, config.options(), FAKE_TLS_ENCODER));
      pipeline.addLast(FAKE_TLS_ENCODER, FakeTlsRecordEncoder.passing());
    }
    pipeline.addLast(DETECTOR, new TransportDetectionHandler(config));
  }

  static void installServerHandlers(
      ChannelPipeline pipeline,
      String after,
      TransportDetector.Detection detection,
      TransportOptions options) {
    TransportCodec codec = TransportCodec.forServer(detection.kind(), options);
    String previous = after;
    if (detection.obfuscated()) {
      pipeline.addAfter(previous, OBFUSCATION, ObfuscationHandler.server(detection.obfuscation()));
      previous = OBFUSCATION;
    }
    pipeline.addAfter(previous, FRAME_DECODER, new FrameDecoder(codec));
    pipeline.addAfter(FRAME_DECODER, FRAME_ENCODER, new FrameEncoder(codec));
  }
}
