package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound half of a server's fake-TLS (MTProxy {@code ee} secret), first in the pipeline: checks
 * the client's ClientHello (HMAC with the secret, time, SNI = the secret's domain), answers it, then
 * unwraps application-data records and passes their payloads (the obfuscated stream) to the
 * transport detection that follows; ChangeCipherSpec records are skipped.
 *
 * <p>A connection that does not start with a TLS record (0x16) is not fake-TLS: the handler and its
 * {@link FakeTlsRecordEncoder} step aside and the bytes reach the detector unchanged, so the same
 * port also serves plain and obfuscated clients. A bad hello or record fires {@code
 * exceptionCaught} with a {@link TransportException} and closes the channel. Ownership: the bytes
 * read are this handler's (the cumulation); a payload passed on is a retained slice the next
 * handler releases.
 */
final class FakeTlsServerHandler extends ByteToMessageDecoder {

  private static final Logger log = LoggerFactory.getLogger(FakeTlsServerHandler.class);

  /** How far a client's hello time may be from the server's. */
  static final long MAX_SKEW_SECONDS = 600;

  private final MtProxySecret secret;
  private final TransportOptions options;
  private final String encoderName;
  private boolean handshakeDone;
  private boolean failed;

  FakeTlsServerHandler(MtProxySecret secret, TransportOptions options, String encoderName) {
    this.secret = Objects.requireNonNull(secret, "secret");
    this.options = Objects.requireNonNull(options, "options");
    this.encoderName = encoderName;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      if (!handshakeDone) {
        if (!in.isReadable()) {
          return;
        }
        if (in.getUnsignedByte(in.readerIndex()) != FakeTls.RECORD_HANDSHAKE) {
          // not fake-TLS: let the transport detection see these bytes as they are
          ctx.pipeline().remove(encoderName);
          ctx.pipeline().remove(this);
          return;
        }
        byte[] head = new byte[Math.min(5, in.readableBytes())];
        in.getBytes(in.readerIndex(), head);
        int length = FakeTls.helloLength(head, head.length);
        if (length < 0 || in.readableBytes() < length) {
          return;
        }
        byte[] hello = new byte[length];
        in.readBytes(hello);
        long now = options.clock().millis() / 1000;
        byte[] clientRandom = FakeTls.checkClientHello(hello, secret, now, MAX_SKEW_SECONDS);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(
            FakeTls.serverHello(secret, hello, clientRandom, options.random())));
        handshakeDone = true;
      }
      FakeTls.unwrap(in, out);
    } catch (TransportException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      log.debug("refusing {}: {}", ctx.channel(), e.getMessage());
      ctx.fireExceptionCaught(e);
      ctx.close();
    }
  }
}
