package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.Objects;

/**
 * The inbound half of a server's fake-TLS (MTProxy {@code ee} secret), first in the pipeline: checks
 * the client's ClientHello (HMAC with the secret, time, SNI = the secret's domain), answers it, then
 * unwraps application-data records and passes their payloads (the obfuscated stream) to the
 * transport detection that follows; ChangeCipherSpec records are skipped.
 *
 * <p>A connection that does not start like a fake-TLS ClientHello ({@code 16 03 01} and a record of
 * at least 512 bytes, as Telegram's proxy tells them apart) is not fake-TLS: the handler and its
 * {@link FakeTlsRecordEncoder} step aside and the bytes reach the detector unchanged, so the same
 * port also serves plain and obfuscated clients (an obfuscated header may start with {@code 0x16}).
 * A bad hello or record fires {@code exceptionCaught} with a {@link TransportException} and closes
 * the channel; it never waits for more than one hello ({@value FakeTls#MAX_HELLO_LENGTH} bytes) or
 * one record. Ownership: the bytes read are this handler's (the cumulation); a payload passed on is a
 * retained slice the next handler releases.
 *
 * <p>Unlike Telegram's proxy, this server keeps no cache of client randoms, so a hello recorded by
 * an observer can be replayed within the allowed clock skew and gets a well-formed answer; and a
 * refused hello is closed rather than relayed to the domain's real server. Neither matters for a
 * test server, but both would make a public proxy easier to probe.
 */
final class FakeTlsServerHandler extends ClosingDecoder {


  /**
   * How far a client's hello time may be from the server's, either way. Telegram's proxy is
   * stricter about the future (3 seconds) and uses its client-random cache for the past; a test
   * server is lenient both ways.
   */
  static final long MAX_SKEW_SECONDS = 600;

  private final MtProxySecret secret;
  private final TransportOptions options;
  private final String encoderName;
  private boolean handshakeDone;

  FakeTlsServerHandler(MtProxySecret secret, TransportOptions options, String encoderName) {
    this.secret = Objects.requireNonNull(secret, "secret");
    this.options = Objects.requireNonNull(options, "options");
    this.encoderName = encoderName;
  }

  /**
   * Checks and answers the hello, then unwraps records. {@code in} is the cumulation, owned by this
   * handler (read, never released here); payloads added to {@code out} are retained slices owned by
   * the next handler.
   */
  @Override
  void decodeOrRefuse(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws TransportException {
    if (!handshakeDone) {
      int start = FakeTls.clientHelloStart(in);
      if (start == FakeTls.UNDECIDED) {
        return;
      }
      if (start == FakeTls.NOT_HELLO) {
        // not fake-TLS: let the transport detection see these bytes as they are
        // (ByteToMessageDecoder hands the unread cumulation to the next handler on removal)
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
  }
}
