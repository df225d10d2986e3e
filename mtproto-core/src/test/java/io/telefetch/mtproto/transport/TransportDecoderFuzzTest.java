package io.telefetch.mtproto.transport;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.telefetch.mtproto.crypto.AesCtr;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of each transport decoder, client side, with the production options
 * (abridged, intermediate, padded intermediate, full, and obfuscated over any of them, where the
 * fuzz input is the plaintext the server's stream encrypts), plus the server's transport
 * detection: arbitrary bytes in arbitrary chunks through an {@link EmbeddedChannel}.
 *
 * <p>Properties: the only exceptions that reach the end of the pipeline are {@link
 * TransportException} (after a fatal one the channel is closed and later input is refused) and,
 * once closed, the failure of a write still pending;
 * nothing leaks (every buffer of the channel's allocator is released once the channel is
 * finished); no allocation is sized by a claimed length (none larger than the input plus 64 KiB);
 * no frame is larger than the configured maximum.
 *
 * <p>Without {@code JAZZER_FUZZ=1} this replays the seed corpus (if any); the build's {@code fuzz}
 * surefire execution sets it, with one JVM per fuzz class.
 */
class TransportDecoderFuzzTest {
  /** The decoder under test, chosen by the first input bytes. */
  enum Decoder {
    ABRIDGED, INTERMEDIATE, PADDED_INTERMEDIATE, FULL, OBFUSCATED, SERVER_DETECTION
  }

  private static final TransportKind[] KINDS = TransportKind.values();
  private static final TransportOptions OPTIONS = TransportOptions.builder().random(TestSupport.seeded(7)).build();
  private static final AtomicLong[] RUNS = new AtomicLong[Decoder.values().length];

  static {
    for (int i = 0; i < RUNS.length; i++) {
      RUNS[i] = new AtomicLong();
    }
  }

  @FuzzTest(maxDuration = "8s")
  void arbitraryBytesIntoEachDecoder(FuzzedDataProvider data) throws Exception {
    Decoder decoder = Decoder.values()[data.consumeInt(0, Decoder.values().length - 1)];
    RUNS[decoder.ordinal()].incrementAndGet();
    TransportKind innerKind = KINDS[data.consumeInt(0, KINDS.length - 1)];
    CountingAllocator alloc = new CountingAllocator();
    Sink sink = new Sink();
    AesCtr serverStream = null;
    ChannelHandler init;
    switch (decoder) {
      case OBFUSCATED -> {
        Obfuscation.ClientHandshake handshake = Obfuscation.client(innerKind, null, 2, TestSupport.seeded(data.consumeLong()));
        serverStream = Obfuscation.server(handshake.header(), null).encryptor();
        init = initializer(p -> {
          TransportCodec codec = TransportCodec.forClient(innerKind, false, OPTIONS);
          p.addLast(ObfuscationHandler.client(handshake), new FrameDecoder(codec), new FrameEncoder(codec), sink);
        });
      }
      case SERVER_DETECTION -> init = initializer(p -> {
        TransportPipeline.configureServer(p, ServerTransportConfig.defaults());
        p.addLast(sink);
      });
      default -> {
        TransportKind kind = KINDS[decoder.ordinal()];
        init = initializer(p -> {
          TransportPipeline.configureClient(p, ClientTransportConfig.builder(kind).options(OPTIONS).build());
          p.addLast(sink);
        });
      }
    }
    EmbeddedChannel ch = new EmbeddedChannel(false, false, init);
    ch.config().setAllocator(alloc);
    ch.register();
    int total = 0;
    try {
      while (data.remainingBytes() > 0) {
        byte[] chunk = data.consumeBytes(data.consumeInt(1, 4096));
        total += chunk.length;
        if (serverStream != null) {
          serverStream.apply(chunk, 0, chunk.length);
        }
        if (!ch.isOpen()) {
          break; // closed after a fatal error: nothing more is read
        }
        ch.writeInbound(alloc.buffer(chunk.length).writeBytes(chunk));
      }
    } finally {
      ch.finishAndReleaseAll();
    }
    if (sink.failure != null) {
      throw new AssertionError("a " + decoder + " decoder raised " + sink.failure, sink.failure);
    }
    if (sink.fatal && ch.isOpen()) {
      throw new AssertionError("a fatal transport error left the channel open");
    }
    if (alloc.live != 0) {
      throw new AssertionError(alloc.live + " buffers leaked by a " + decoder + " decoder");
    }
    // a file part's buffer is sized from its header once 1/32 of it arrived (FrameDecoder): never
    // more than 32 times the input plus the room for the next packet
    if (alloc.largestRequest > Math.max(total + (64L << 10),
        (long) total * FrameDecoder.MAX_AMPLIFICATION + FrameDecoder.SPILL)) {
      throw new AssertionError("a " + decoder + " decoder asked for " + alloc.largestRequest
          + " bytes after " + total + " bytes of input");
    }
    if (sink.largestFrame > OPTIONS.maxFrameSize()) {
      throw new AssertionError("a frame of " + sink.largestFrame + " bytes");
    }
  }

  private interface PipelineSetup {
    void apply(io.netty.channel.ChannelPipeline p);
  }

  private static ChannelHandler initializer(PipelineSetup setup) {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel c) {
        setup.apply(c.pipeline());
      }
    };
  }

  /** The last handler: releases what arrives and remembers any exception that is not allowed. */
  private static final class Sink extends ChannelInboundHandlerAdapter {
    Throwable failure;
    boolean fatal;
    int largestFrame;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof TransportFrame frame) {
        largestFrame = Math.max(largestFrame, frame.content().readableBytes());
      } else if (!(msg instanceof QuickAck)) {
        failure = new IllegalStateException("unexpected message " + msg.getClass().getName());
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof TransportException t) {
        fatal |= t.isFatal();
      } else if (cause instanceof ClosedChannelException && !ctx.channel().isOpen()) {
        // a write still pending when a fatal error closed the channel (the obfuscation header)
      } else if (failure == null) {
        failure = cause;
      }
    }
  }

  /** Unpooled heap buffers that count how many are alive and remember the largest request. */
  private static final class CountingAllocator extends AbstractByteBufAllocator {
    int live;
    int largestRequest;

    CountingAllocator() {
      super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      largestRequest = Math.max(largestRequest, initialCapacity);
      live++;
      return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity) {
        @Override
        protected void deallocate() {
          live--;
          super.deallocate();
        }
      };
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
      largestRequest = Math.max(largestRequest, minNewCapacity);
      return super.calculateNewCapacity(minNewCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }

  @AfterAll
  static void report() {
    StringBuilder s = new StringBuilder("TransportDecoderFuzzTest runs per decoder:");
    for (Decoder d : Decoder.values()) {
      s.append(' ').append(d).append('=').append(RUNS[d.ordinal()].get());
    }
    System.out.println(s);
  }
}
