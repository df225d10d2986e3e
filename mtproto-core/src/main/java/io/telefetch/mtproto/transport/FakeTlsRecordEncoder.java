package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;

/**
 * The outbound half of fake-TLS: wraps every written {@code ByteBuf} (the obfuscated stream) into
 * TLS application-data records of at most {@value FakeTls#MAX_RECORD_PAYLOAD} bytes, without
 * copying the payload (a composite of a 5-byte header and slices of the message).
 *
 * <p>On a client it starts {@linkplain #holding() holding}: writes wait in a queue until {@link
 * FakeTlsClientHandler} has checked the server's answer, then leave after the client's
 * ChangeCipherSpec record, in order. Ownership: a written {@code ByteBuf} becomes this handler's:
 * it is released as soon as it is wrapped (the records hold retained slices of it, which the
 * channel releases once written), or when a queued write fails because the channel closed or the
 * handler was removed. Other messages pass through untouched. If wrapping fails (no memory), the
 * write's promise fails and the channel is closed, since the obfuscated stream would have a hole.
 */
final class FakeTlsRecordEncoder extends ChannelDuplexHandler {

  private PendingWriteQueue queue;
  private boolean holding;
  private boolean flushRequested;

  private FakeTlsRecordEncoder(boolean holding) {
    this.holding = holding;
  }

  /** For a server: records from the first write. */
  static FakeTlsRecordEncoder passing() {
    return new FakeTlsRecordEncoder(false);
  }

  /** For a client: writes wait for {@link #release(ChannelHandlerContext, boolean)}. */
  static FakeTlsRecordEncoder holding() {
    return new FakeTlsRecordEncoder(true);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (holding) {
      queue = new PendingWriteQueue(ctx);
    }
  }

  /**
   * Wraps {@code msg} into records (or queues it while holding). A {@code ByteBuf} is this
   * handler's from here on (see the class comment); the written composite belongs to the channel.
   */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.write(msg, promise);
      return;
    }
    if (holding) {
      queue.add(in, promise);
      return;
    }
    writeWrapped(ctx, in, promise);
  }

  /**
   * Writes {@code in} (released here) as records. When wrapping fails, fails the promise, closes the
   * channel and returns the failure; otherwise returns null.
   */
  private static RuntimeException writeWrapped(
      ChannelHandlerContext ctx, ByteBuf in, ChannelPromise promise) {
    ByteBuf records;
    try {
      records = wrap(ctx, in);
    } catch (RuntimeException e) {
      promise.tryFailure(e);
      ctx.close();
      return e;
    }
    ctx.write(records, promise);
    return null;
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (holding) {
      flushRequested = true;
      return;
    }
    ctx.flush();
  }

  /**
   * Ends the holding once the handshake is done: optionally writes the ChangeCipherSpec record,
   * then the queued writes as records, then flushes. Call on the event loop with this handler's
   * context.
   */
  void release(ChannelHandlerContext ctx, boolean changeCipherSpec) {
    if (!holding) {
      return;
    }
    holding = false;
    if (changeCipherSpec) {
      ctx.write(ctx.alloc().ioBuffer(FakeTls.CHANGE_CIPHER_SPEC.length).writeBytes(FakeTls.CHANGE_CIPHER_SPEC));
    }
    while (!queue.isEmpty()) {
      ByteBuf msg = ((ByteBuf) queue.current()).retain(); // remove() releases the queue's reference
      ChannelPromise promise = queue.remove();
      RuntimeException failure = writeWrapped(ctx, msg, promise);
      if (failure != null) {
        queue.removeAndFailAll(failure); // what follows a hole in the stream must not leave
        return;
      }
    }
    if (flushRequested || changeCipherSpec) {
      ctx.flush();
    }
  }

  /**
   * Wraps {@code in} into records: a composite of 5-byte headers and retained slices of {@code in}.
   * {@code in} is always released here, even when this throws; the result belongs to the caller
   * (and is released here if building it fails).
   */
  private static ByteBuf wrap(ChannelHandlerContext ctx, ByteBuf in) {
    try {
      int readable = in.readableBytes();
      int records = Math.max(1, (readable + FakeTls.MAX_RECORD_PAYLOAD - 1) / FakeTls.MAX_RECORD_PAYLOAD);
      CompositeByteBuf out = ctx.alloc().compositeDirectBuffer(records * 2);
      try {
        while (in.isReadable()) {
          int n = Math.min(FakeTls.MAX_RECORD_PAYLOAD, in.readableBytes());
          ByteBuf header = ctx.alloc().ioBuffer(5)
              .writeByte(FakeTls.RECORD_APPLICATION_DATA).writeByte(3).writeByte(3).writeShort(n);
          out.addComponent(true, header);
          out.addComponent(true, in.readRetainedSlice(n));
        }
        return out;
      } catch (RuntimeException e) {
        out.release();
        throw e;
      }
    } finally {
      ReferenceCountUtil.release(in);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (queue != null) {
      queue.removeAndFailAll(new ClosedChannelException());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (queue != null) {
      queue.removeAndFailAll(new ClosedChannelException());
    }
    super.channelInactive(ctx);
  }
}
