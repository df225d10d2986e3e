package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The inbound half of a client's fake-TLS (MTProxy {@code ee} secret), first in the pipeline: sends
 * the ClientHello when the channel becomes active, checks the proxy's signed answer, then lets the
 * {@link FakeTlsRecordEncoder} send what was written meanwhile (the obfuscation header first) and
 * unwraps the proxy's application-data records into the obfuscated stream for the next handler.
 *
 * <p>An answer that is not signed with the secret fires {@code exceptionCaught} with a {@link
 * TransportException} and closes the channel: nothing was sent but the hello. So does an answer
 * whose record headers announce more than {@value FakeTls#MAX_SERVER_ANSWER_LENGTH} bytes: the
 * handshake never buffers more than that. Ownership: the bytes read are this handler's (the
 * cumulation); payloads passed on are retained slices the next handler releases.
 */
final class FakeTlsClientHandler extends ClosingDecoder {

  private final MtProxySecret secret;
  private final TransportOptions options;
  private final String encoderName;
  private byte[] clientRandom;
  private boolean handshakeDone;

  FakeTlsClientHandler(MtProxySecret secret, TransportOptions options, String encoderName) {
    this.secret = Objects.requireNonNull(secret, "secret");
    this.options = Objects.requireNonNull(options, "options");
    this.encoderName = encoderName;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    sendHello(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    if (ctx.channel().isActive()) {
      sendHello(ctx);
    }
  }

  private void sendHello(ChannelHandlerContext ctx) {
    if (clientRandom != null) {
      return;
    }
    byte[] hello = FakeTls.clientHello(secret, options.clock().millis() / 1000, options.random());
    clientRandom = Arrays.copyOfRange(hello, FakeTls.RANDOM_OFFSET, FakeTls.RANDOM_OFFSET + FakeTls.RANDOM_LENGTH);
    ctx.writeAndFlush(Unpooled.wrappedBuffer(hello));
  }

  /**
   * Checks the proxy's answer, then unwraps records. {@code in} is the cumulation, owned by this
   * handler (read, never released here); payloads added to {@code out} are retained slices owned by
   * the next handler.
   */
  @Override
  void decodeOrRefuse(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws TransportException {
    if (!handshakeDone) {
      if (clientRandom == null) {
        throw FakeTls.invalid("the proxy spoke before the ClientHello was sent");
      }
      int length = FakeTls.serverHelloLength(in);
      if (length < 0) {
        return;
      }
      byte[] answer = new byte[length];
      in.readBytes(answer);
      FakeTls.checkServerHello(secret, clientRandom, answer);
      handshakeDone = true;
      ChannelHandlerContext encoder = ctx.pipeline().context(encoderName);
      ((FakeTlsRecordEncoder) encoder.handler()).release(encoder, true);
    }
    FakeTls.unwrap(in, out);
  }
}
