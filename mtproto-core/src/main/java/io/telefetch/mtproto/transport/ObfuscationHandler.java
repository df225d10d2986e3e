package io.telefetch.mtproto.transport;

import io.telefetch.mtproto.crypto.AesCtr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.util.Objects;

/**
 * The obfuscated2 layer of a connection: AES-256-CTR over every byte read and written, and on a
 * client the 64-byte header sent before anything else.
 *
 * <p>Place it between the socket and the {@link FrameDecoder}/{@link FrameEncoder}. Ownership:
 * every {@link ByteBuf} read or written is released here (in {@code finally}) and replaced by a new
 * buffer with the transformed bytes, owned by the next handler or by the channel.
 */
public final class ObfuscationHandler extends ChannelDuplexHandler {

  private final AesCtr encryptor;
  private final AesCtr decryptor;
  private byte[] pendingHeader;

  private ObfuscationHandler(AesCtr encryptor, AesCtr decryptor, byte[] header) {
    this.encryptor = Objects.requireNonNull(encryptor, "encryptor");
    this.decryptor = Objects.requireNonNull(decryptor, "decryptor");
    this.pendingHeader = header;
  }

  /** The client side: sends the handshake's header when the channel becomes active. */
  public static ObfuscationHandler client(Obfuscation.ClientHandshake handshake) {
    return new ObfuscationHandler(handshake.encryptor(), handshake.decryptor(), handshake.header());
  }

  /** The server side, after the client's header was consumed (see {@link TransportDetector}). */
  public static ObfuscationHandler server(Obfuscation.ServerHandshake handshake) {
    return new ObfuscationHandler(handshake.encryptor(), handshake.decryptor(), null);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      sendHeader(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    sendHeader(ctx);
    ctx.fireChannelActive();
  }

  private void sendHeader(ChannelHandlerContext ctx) {
    byte[] header = pendingHeader;
    if (header != null) {
      pendingHeader = null;
      // Not flushed: it leaves together with the first packet.
      ctx.write(ctx.alloc().ioBuffer(header.length).writeBytes(header), ctx.voidPromise());
    }
  }

  /**
   * Decrypts {@code msg} (a ByteBuf, released here) into a new buffer owned by the next handler.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ctx.fireChannelRead(transform(decryptor, in, ctx.alloc(), false));
  }

  /**
   * Encrypts {@code msg} (a ByteBuf, released here) into a new buffer that is written in its place;
   * anything else is released and its promise failed, since it would leave unencrypted.
   */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg);
      promise.setFailure(
          new IllegalArgumentException(
              "an obfuscated connection writes ByteBufs only, not " + msg.getClass().getName()));
      return;
    }
    ctx.write(transform(encryptor, in, ctx.alloc(), true), promise);
  }

  /**
   * Runs {@code stream} over {@code in} into a new buffer ({@code io}: one suited for socket
   * writes). Ownership: {@code in} is always released here, even if allocation fails; the new
   * buffer belongs to the caller on success and is released here on failure.
   */
  private static ByteBuf transform(AesCtr stream, ByteBuf in, ByteBufAllocator alloc, boolean io) {
    ByteBuf out = null;
    try {
      out = io ? alloc.ioBuffer(in.readableBytes()) : alloc.buffer(in.readableBytes());
      stream.apply(in, out);
      return out;
    } catch (RuntimeException e) {
      if (out != null) {
        out.release();
      }
      throw e;
    } finally {
      in.release();
    }
  }
}
