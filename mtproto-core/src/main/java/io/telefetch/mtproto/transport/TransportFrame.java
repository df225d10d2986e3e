package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One MTProto packet carried by the transport, with the quick-ack bit of its envelope.
 *
 * <p>Inbound (decoded), its content is exactly the MTProto packet (padded intermediate padding
 * already removed) and {@link #quickAck()} says whether the client asked for a quick ack (always
 * false on the client side). Outbound, a client sets {@link #quickAck()} to ask the server for one.
 * Ownership: whoever holds a frame owns one reference to it and must {@link #release()} it
 * (typically in a {@code finally}); writing it into a channel hands that reference to the channel.
 */
public final class TransportFrame extends DefaultByteBufHolder implements TransportMessage {

  private final boolean quickAck;

  private TransportFrame(ByteBuf content, boolean quickAck) {
    super(content);
    this.quickAck = quickAck;
  }

  /** A frame without the quick-ack bit; the frame takes over the caller's reference to content. */
  public static TransportFrame of(ByteBuf content) {
    return new TransportFrame(content, false);
  }

  /**
   * A frame that asks the server for a quick ack (client side only); the frame takes over the
   * caller's reference to content.
   */
  public static TransportFrame withQuickAck(ByteBuf content) {
    return new TransportFrame(content, true);
  }

  /**
   * A frame with the given quick-ack bit; the frame takes over the caller's reference to content.
   */
  public static TransportFrame of(ByteBuf content, boolean quickAck) {
    return new TransportFrame(content, quickAck);
  }

  /** Outbound: ask for a quick ack; inbound (server side): the client asked for one. */
  public boolean quickAck() {
    return quickAck;
  }

  /** Returns a frame with the same bit around {@code content}, which it takes ownership of. */
  @Override
  public TransportFrame replace(ByteBuf content) {
    return new TransportFrame(content, quickAck);
  }

  /** A deep copy; the caller releases the returned frame. */
  @Override
  public TransportFrame copy() {
    return (TransportFrame) super.copy();
  }

  /** A duplicate sharing content and reference count; the caller does not release it extra. */
  @Override
  public TransportFrame duplicate() {
    return (TransportFrame) super.duplicate();
  }

  /** A retained duplicate; the caller releases the returned frame. */
  @Override
  public TransportFrame retainedDuplicate() {
    return (TransportFrame) super.retainedDuplicate();
  }

  @Override
  public TransportFrame retain() {
    super.retain();
    return this;
  }

  @Override
  public TransportFrame retain(int increment) {
    super.retain(increment);
    return this;
  }

  @Override
  public TransportFrame touch() {
    super.touch();
    return this;
  }

  @Override
  public TransportFrame touch(Object hint) {
    super.touch(hint);
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransportFrame f && f.quickAck == quickAck && super.equals(o);
  }

  @Override
  public int hashCode() {
    return super.hashCode() * 31 + (quickAck ? 1 : 0);
  }

  @Override
  public String toString() {
    return "TransportFrame["
        + content().readableBytes()
        + " bytes"
        + (quickAck ? ", quick ack" : "")
        + "]";
  }
}
