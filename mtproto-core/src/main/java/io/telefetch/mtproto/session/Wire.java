package io.telefetch.mtproto.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * The MTProto wire forms both ends of a session write and read, in one place: {@code
 * msg_container}, {@code gzip_packed}, {@code rpc_result} and the serialized form of a TL object.
 * Used by the client session, testkit's server and the tests' fake DC. (The seqno rule is {@link
 * SeqNo}, msg_ids are {@link MsgIdGenerator}.)
 *
 * <p>Every method works on {@code byte[]} or reads a {@link ByteBuf} it does not release; none
 * keeps a reference to what it is given.
 */
public final class Wire {
  /** {@code msg_container#73f1f8dc messages:vector<%Message>}. */
  public static final int MSG_CONTAINER = 0x73f1f8dc;
  /** {@code rpc_result#f35c6d01 req_msg_id:long result:Object}. */
  public static final int RPC_RESULT = 0xf35c6d01;
  /** {@code rpc_error#2144ca19}. */
  public static final int RPC_ERROR = 0x2144ca19;
  /** {@code msgs_ack#62d6b459}. */
  public static final int MSGS_ACK = 0x62d6b459;
  /** {@code bad_msg_notification#a7eff811}. */
  public static final int BAD_MSG_NOTIFICATION = 0xa7eff811;
  /** {@code bad_server_salt#edab447b}. */
  public static final int BAD_SERVER_SALT = 0xedab447b;
  /** {@code gzip_packed#3072cfa1 packed_data:bytes}. */
  public static final int GZIP_PACKED = TlReader.GZIP_PACKED_ID;
  /** Messages a received container may hold at most (the protocol's limit). */
  public static final int MAX_CONTAINER_MESSAGES = 1024;
  /** Bytes of a container's message header: msg_id, seqno, length. */
  public static final int MESSAGE_HEADER = 16;

  private Wire() {}

  /** One message to put in a container: its header fields and its serialized body. */
  public record Message(long msgId, int seqNo, byte[] body) {
    /** Creates the value. */
    public Message {
      Objects.requireNonNull(body, "body");
    }
  }

  /** Receives the messages of a container, one at a time, in order. */
  @FunctionalInterface
  public interface InnerConsumer {
    /**
     * One message of a container; {@code body} is a slice of the container (not retained), valid
     * while the container's buffer is and owned by whoever owns it.
     */
    void accept(long msgId, int seqNo, ByteBuf body);
  }

  /** The serialized form of {@code o} (constructor id and body). */
  public static byte[] serialize(TlObject o) {
    ByteBuf buf = Unpooled.buffer();
    try {
      o.write(new TlWriter(buf));
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  /** {@code gzip_packed} holding {@code serialized} deflated with gzip. */
  public static byte[] gzipPacked(byte[] serialized) {
    byte[] packed = gzip(serialized);
    ByteBuf g = Unpooled.buffer(packed.length + 8);
    try {
      new TlWriter(g).writeInt(GZIP_PACKED).writeBytes(packed);
      return ByteBufUtil.getBytes(g);
    } finally {
      g.release();
    }
  }

  /**
   * {@code serialized} as a {@code gzip_packed} when it is longer than {@code threshold} bytes and
   * packing makes it smaller; otherwise {@code serialized} itself.
   */
  public static byte[] maybeGzipPacked(byte[] serialized, int threshold) {
    if (serialized.length <= threshold) {
      return serialized;
    }
    byte[] packed = gzipPacked(serialized);
    return packed.length < serialized.length ? packed : serialized;
  }

  /** {@code rpc_result} answering {@code reqMsgId} with {@code result} (already serialized, maybe packed). */
  public static byte[] rpcResult(long reqMsgId, byte[] result) {
    byte[] out = new byte[12 + result.length];
    ByteBuf b = Unpooled.wrappedBuffer(out);
    b.writerIndex(0);
    b.writeIntLE(RPC_RESULT).writeLongLE(reqMsgId).writeBytes(result);
    return out;
  }

  /** Bytes of the container holding messages of {@code bodyBytes} bytes of bodies in total, {@code count} of them. */
  public static int containerSize(int count, int bodyBytes) {
    return 8 + count * MESSAGE_HEADER + bodyBytes;
  }

  /** A {@code msg_container} of {@code messages}, in order (at most {@value #MAX_CONTAINER_MESSAGES}). */
  public static byte[] container(List<Message> messages) {
    if (messages.size() > MAX_CONTAINER_MESSAGES) {
      throw new IllegalArgumentException(messages.size() + " messages in one container");
    }
    int bodies = 0;
    for (Message m : messages) {
      bodies += m.body().length;
    }
    byte[] out = new byte[containerSize(messages.size(), bodies)];
    ByteBuf b = Unpooled.wrappedBuffer(out);
    b.writerIndex(0);
    b.writeIntLE(MSG_CONTAINER).writeIntLE(messages.size());
    for (Message m : messages) {
      b.writeLongLE(m.msgId()).writeIntLE(m.seqNo()).writeIntLE(m.body().length).writeBytes(m.body());
    }
    return out;
  }

  /** Whether {@code body} (from its reader index) starts with the constructor id {@code id}; indexes do not move. */
  public static boolean startsWith(ByteBuf body, int id) {
    return body.readableBytes() >= 4 && body.getIntLE(body.readerIndex()) == id;
  }

  /**
   * Reads the {@code msg_container} at {@code body}'s reader index (constructor id included) and
   * hands each message to {@code consumer} as soon as its header is read, so a fault later in the
   * container surfaces after the earlier messages were handled. Checks: at most {@value
   * #MAX_CONTAINER_MESSAGES} messages, each length non-negative, a multiple of 4 and within the
   * container. Moves {@code body}'s reader index; does not release it.
   *
   * @throws TlDecodeException if the container is malformed (whatever the consumer throws passes through)
   */
  public static void readContainer(ByteBuf body, InnerConsumer consumer) {
    if (!startsWith(body, MSG_CONTAINER) || body.readableBytes() < 8) {
      throw new TlDecodeException("not a msg_container", MSG_CONTAINER, body.readerIndex());
    }
    body.skipBytes(4);
    int count = body.readIntLE();
    if (count < 0 || count > MAX_CONTAINER_MESSAGES || (long) count * MESSAGE_HEADER > body.readableBytes()) {
      throw new TlDecodeException("invalid msg_container count " + count, MSG_CONTAINER, body.readerIndex());
    }
    for (int i = 0; i < count; i++) {
      if (body.readableBytes() < MESSAGE_HEADER) {
        throw new TlDecodeException("truncated msg_container", MSG_CONTAINER, body.readerIndex());
      }
      long innerId = body.readLongLE();
      int innerSeq = body.readIntLE();
      int length = body.readIntLE();
      if (length < 0 || length % 4 != 0 || length > body.readableBytes()) {
        throw new TlDecodeException("invalid message length " + length, MSG_CONTAINER, body.readerIndex());
      }
      consumer.accept(innerId, innerSeq, body.readSlice(length));
    }
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
