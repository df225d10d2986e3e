package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.Objects;

/**
 * The inbound half of a transport: turns the (deobfuscated) byte stream into {@link
 * TransportFrame}s and, on a client, {@link QuickAck}s, by calling {@link TransportCodec#decode}.
 *
 * <p>A transport error code from the peer is fired as {@code exceptionCaught} with a {@link
 * TransportException} of kind {@link TransportException.Kind#PEER_ERROR} and the connection stays
 * open; a protocol violation (bad length, CRC, sequence number...) is fired the same way with a
 * fatal kind, then the channel is closed and further input discarded. Ownership: each {@link
 * TransportFrame} passed on is owned by the handler that receives it, which releases it.
 *
 * <p>Large packets (file parts: {@value #LARGE_FRAME} to {@value #MAX_GATHERED} bytes) are gathered
 * into one heap buffer sized from the packet's header when its first bytes arrive: each received
 * byte is copied once, never again by a growing cumulation, and the frame's backing array lets the
 * AES-IGE decryption and the SHA-256 of msg_key run in place, without staging copies out of direct
 * memory. Other packets use Netty's merging cumulation as before.
 */
public final class FrameDecoder extends ClosingDecoder {

  /** Packets at least this long get a buffer of their own, sized once. */
  static final int LARGE_FRAME = 64 * 1024;
  /**
   * The largest packet whose buffer is allocated from its header alone (a file part is at most
   * 1 MiB): a peer's 4 bytes claiming more cannot make us allocate more; longer packets grow with
   * the bytes that actually arrive, as before.
   */
  static final int MAX_GATHERED = 2 * 1024 * 1024;
  /**
   * A packet's buffer is sized from its header only once at least 1/{@value #MAX_AMPLIFICATION} of
   * it has arrived (32 KiB of a 1 MiB part, usually the first socket read): a peer must send bytes
   * to make us hold memory, never more than 32 times what it sent (plus {@link #SPILL}), and a
   * header alone pins nothing.
   */
  static final int MAX_AMPLIFICATION = 32;
  /**
   * Room kept after a large packet for the start of the next one that arrives in the same socket
   * read (Netty reads at most 64 KiB at a time by default), so that it does not grow the buffer.
   */
  static final int SPILL = 64 * 1024;

  private final TransportCodec codec;

  /** A decoder that shares {@code codec} with the connection's {@link FrameEncoder}. */
  public FrameDecoder(TransportCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
    setCumulator(this::cumulate);
  }

  /**
   * The cumulator: sizes the buffer of a large packet from its header, else merges as Netty does.
   * Ownership as for any {@link Cumulator}: both {@code cumulation} and {@code in} are released or
   * returned.
   */
  private ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
    int pending = cumulation.readableBytes();
    if (pending == 0) {
      int span = codec.frameSpan(in);
      if (worthGathering(span, in.readableBytes())) {
        return gather(alloc, span, cumulation, in);
      }
      return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
    }
    if (in.readableBytes() <= cumulation.maxFastWritableBytes() || pending < 4) {
      return MERGE_CUMULATOR.cumulate(alloc, cumulation, in); // fits, or the header is incomplete
    }
    int span = codec.frameSpan(cumulation);
    if (worthGathering(span, pending + in.readableBytes())) {
      return gather(alloc, span, cumulation, in);
    }
    return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
  }

  /** Whether a packet of {@code span} bytes, {@code received} of them here, gets a buffer of its own now. */
  private static boolean worthGathering(int span, int received) {
    return span >= LARGE_FRAME && span <= MAX_GATHERED && span > received
        && (long) received * MAX_AMPLIFICATION >= span;
  }

  /**
   * A heap buffer for a packet of {@code span} bytes (plus {@link #SPILL}) holding both inputs,
   * which are released; the caller owns the result.
   */
  private static ByteBuf gather(ByteBufAllocator alloc, int span, ByteBuf cumulation, ByteBuf in) {
    ByteBuf frame = null;
    try {
      frame = alloc.heapBuffer(span + SPILL);
      frame.writeBytes(cumulation).writeBytes(in);
      ByteBuf result = frame;
      frame = null;
      return result;
    } finally {
      if (frame != null) {
        frame.release();
      }
      cumulation.release();
      in.release();
    }
  }

  /**
   * Decodes one message. {@code in} is the cumulation, owned by this decoder; each frame added to
   * {@code out} is a retained slice owned by whoever receives it.
   */
  @Override
  void decodeOrRefuse(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws TransportException {
    TransportMessage message = codec.decode(in);
    if (message != null) {
      out.add(message);
    }
  }

  @Override
  public String toString() {
    return "FrameDecoder[" + codec + "]";
  }
}
