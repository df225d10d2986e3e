package io.telefetch.mtproto.transport;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** Fakes and helpers shared by the transport tests. */
final class TestSupport {

  private TestSupport() {}

  static final HexFormat HEX = HexFormat.of();

  /** A deterministic SecureRandom: every method ends in nextBytes, which a seeded Random serves. */
  static SecureRandom seeded(long seed) {
    return new SeededRandom(seed);
  }

  @SuppressWarnings("serial")
  static final class SeededRandom extends SecureRandom {
    private final Random random;

    SeededRandom(long seed) {
      super(new byte[0]);
      random = new Random(seed);
    }

    @Override
    public void nextBytes(byte[] bytes) {
      random.nextBytes(bytes);
    }

    @Override
    public void setSeed(long seed) {
      // the SecureRandom constructor calls this before the fields exist; ignore
    }
  }

  /** A SecureRandom that serves queued byte arrays in order, then falls back to a seeded one. */
  @SuppressWarnings("serial")
  static final class ScriptedRandom extends SecureRandom {
    final Deque<byte[]> script = new ArrayDeque<>();
    private final Random fallback = new Random(1);
    int calls;

    ScriptedRandom() {
      super(new byte[0]);
    }

    @Override
    public void nextBytes(byte[] bytes) {
      calls++;
      byte[] next = script.poll();
      if (next == null) {
        fallback.nextBytes(bytes);
      } else {
        System.arraycopy(next, 0, bytes, 0, bytes.length);
      }
    }

    @Override
    public void setSeed(long seed) {}
  }

  static TransportOptions options(long seed) {
    return TransportOptions.builder().random(seeded(seed)).build();
  }

  static byte[] hex(String s) {
    return HEX.parseHex(s.replace(" ", ""));
  }

  static String hex(byte[] b) {
    return HEX.formatHex(b);
  }

  /** The readable bytes of {@code buf} (not released, indexes unchanged). */
  static byte[] bytes(ByteBuf buf) {
    return ByteBufUtil.getBytes(buf);
  }

  /**
   * An encrypted-looking MTProto packet of {@code 24 + 16 * blocks} bytes: a non-zero auth key id,
   * then random bytes.
   */
  static byte[] encryptedPacket(Random random, int blocks) {
    byte[] b = new byte[24 + 16 * blocks];
    random.nextBytes(b);
    b[0] |= 1;
    return b;
  }

  /** An unencrypted MTProto packet: zero auth key id, msg_id, length, {@code bodyLength} bytes. */
  static byte[] plainPacket(Random random, int bodyLength) {
    byte[] b = new byte[20 + bodyLength];
    random.nextBytes(b);
    for (int i = 0; i < 8; i++) {
      b[i] = 0;
    }
    b[16] = (byte) bodyLength;
    b[17] = (byte) (bodyLength >>> 8);
    b[18] = (byte) (bodyLength >>> 16);
    b[19] = (byte) (bodyLength >>> 24);
    return b;
  }

  /** A buffer of the channel's allocator holding {@code bytes}, owned by whoever it is given to. */
  static ByteBuf buf(ByteBufAllocator alloc, byte[] bytes, int off, int len) {
    return alloc.buffer(Math.max(len, 1)).writeBytes(bytes, off, len);
  }

  static ByteBuf buf(ByteBufAllocator alloc, byte[] bytes) {
    return buf(alloc, bytes, 0, bytes.length);
  }

  /** Reads, concatenates and releases everything the channel wrote. */
  static byte[] drainOutbound(EmbeddedChannel ch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      try {
        out.writeBytes(bytes(b));
      } finally {
        b.release();
      }
    }
    return out.toByteArray();
  }

  /** A decoded frame as a value. */
  record Frame(String hex, boolean quickAck) {
    static Frame of(byte[] bytes) {
      return new Frame(HEX.formatHex(bytes), false);
    }

    static Frame withQuickAck(byte[] bytes) {
      return new Frame(HEX.formatHex(bytes), true);
    }
  }

  /**
   * The last inbound handler of a test pipeline: records frames (as values, releasing them), quick
   * acks and user events in order of arrival, and exceptions, and passes nothing on.
   */
  static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<Object> received = new ArrayList<>();
    final List<Object> events = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();
    /** For each frame received: whether its content had a backing array. */
    final List<Boolean> arrayBacked = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof TransportFrame frame) {
        arrayBacked.add(frame.content().hasArray());
        try {
          received.add(new Frame(HEX.formatHex(bytes(frame.content())), frame.quickAck()));
        } finally {
          frame.release();
        }
      } else {
        received.add(msg);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      events.add(evt);
      received.add(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.add(cause);
    }

    List<Frame> frames() {
      List<Frame> frames = new ArrayList<>();
      for (Object o : received) {
        if (o instanceof Frame f) {
          frames.add(f);
        }
      }
      return frames;
    }
  }

  /** An unpooled, leak-tracked allocator that remembers the largest capacity anyone asked for. */
  static final class RecordingAllocator extends AbstractByteBufAllocator {
    int largestRequest;
    /** The largest capacity a buffer was grown to (a cumulation copied into a bigger one). */
    int largestGrowth;

    RecordingAllocator() {
      super(false);
    }

    private void record(int capacity) {
      largestRequest = Math.max(largestRequest, capacity);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      record(initialCapacity);
      return toLeakAwareBuffer(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
      record(minNewCapacity);
      largestGrowth = Math.max(largestGrowth, minNewCapacity);
      return super.calculateNewCapacity(minNewCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }

  /** An embedded client pipeline for {@code config}, ending in {@code last}. */
  static EmbeddedChannel clientChannel(ClientTransportConfig config, io.netty.channel.ChannelHandler last) {
    return new EmbeddedChannel(new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
      @Override
      protected void initChannel(io.netty.channel.Channel c) {
        TransportPipeline.configureClient(c.pipeline(), config);
        c.pipeline().addLast(last);
      }
    });
  }

  /** An embedded server pipeline for {@code config}, ending in {@code last}. */
  static EmbeddedChannel serverChannel(ServerTransportConfig config, io.netty.channel.ChannelHandler last) {
    return new EmbeddedChannel(new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
      @Override
      protected void initChannel(io.netty.channel.Channel c) {
        TransportPipeline.configureServer(c.pipeline(), config);
        c.pipeline().addLast(last);
      }
    });
  }
}
