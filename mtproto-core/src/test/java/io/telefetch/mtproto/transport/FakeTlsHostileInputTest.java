package io.telefetch.mtproto.transport;

import static io.telefetch.mtproto.transport.TestSupport.buf;
import static io.telefetch.mtproto.transport.TestSupport.drainOutbound;
import static io.telefetch.mtproto.transport.TestSupport.encryptedPacket;
import static io.telefetch.mtproto.transport.TestSupport.seeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.telefetch.mtproto.transport.TestSupport.Frame;
import io.telefetch.mtproto.transport.TestSupport.Recorder;
import io.telefetch.mtproto.transport.TestSupport.RecordingAllocator;
import io.telefetch.mtproto.transport.TestSupport.ScriptedRandom;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fake-TLS against a hostile peer: a client that sends garbage, truncated or altered hellos and
 * records to a server, and a proxy that does the same to a client. Whatever arrives, the only
 * errors are {@link TransportException}s, an error closes the channel, the handshake never buffers
 * more than its bounds, and no buffer leaks (the build's leak detection fails the class otherwise).
 */
class FakeTlsHostileInputTest {
  private static final byte[] KEY = HexFormat.of().parseHex("8a96ef6e42a18c21837580cd1c91c5a8");
  private static final MtProxySecret SECRET = MtProxySecret.fakeTls(KEY, "example.org");
  private static final long NOW = 1_790_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

  /** Enough to tell bounded buffering from unbounded: well above every handshake bound. */
  private static final int FLOOD = 200_000;

  /** The largest buffer the handshake may need: its bound plus one read's worth of bytes. */
  private static final int HANDSHAKE_BUFFER_BOUND = FakeTls.MAX_SERVER_ANSWER_LENGTH + 8192;

  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void release() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private static TransportOptions options(long seed) {
    return TransportOptions.builder().random(seeded(seed)).clock(CLOCK).build();
  }

  private EmbeddedChannel track(EmbeddedChannel ch, RecordingAllocator alloc) {
    ch.config().setAllocator(alloc);
    channels.add(ch);
    return ch;
  }

  private EmbeddedChannel server(Recorder recorder, RecordingAllocator alloc) {
    ServerTransportConfig config =
        ServerTransportConfig.builder().mtProxySecret(SECRET).options(options(9)).build();
    return track(new EmbeddedChannel(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel c) {
        TransportPipeline.configureServer(c.pipeline(), config);
        c.pipeline().addLast(recorder);
      }
    }), alloc);
  }

  private EmbeddedChannel client(ClientTransportConfig config, Recorder recorder, RecordingAllocator alloc) {
    return track(new EmbeddedChannel(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel c) {
        TransportPipeline.configureClient(c.pipeline(), config);
        c.pipeline().addLast(recorder);
      }
    }), alloc);
  }

  private EmbeddedChannel client(Recorder recorder, RecordingAllocator alloc, long seed) {
    return client(ClientTransportConfig.builder(TransportKind.PADDED_INTERMEDIATE).mtProxySecret(SECRET)
        .dcId(2).options(options(seed)).build(), recorder, alloc);
  }

  /**
   * Delivers {@code bytes} in random pieces until the channel closes, draining (and releasing) what
   * it writes; returns how many bytes were delivered.
   */
  private static int feed(EmbeddedChannel ch, byte[] bytes, Random r) {
    int at = 0;
    while (at < bytes.length && ch.isOpen()) {
      int n = Math.min(bytes.length - at, 1 + r.nextInt(r.nextBoolean() ? 16 : 4096));
      ch.writeInbound(buf(ch.alloc(), bytes, at, n));
      at += n;
      drainOutbound(ch);
    }
    ch.runPendingTasks();
    drainOutbound(ch);
    return at;
  }

  private static void assertTyped(Recorder seen, EmbeddedChannel ch, String what) {
    assertThat(seen.errors).as("%s: errors", what).allSatisfy(e ->
        assertThat(e).as("%s: %s", what, e).isInstanceOf(TransportException.class));
    if (!seen.errors.isEmpty()) {
      assertThat(ch.isOpen()).as("%s: closed after an error", what).isFalse();
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] random(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static byte[] flipBits(byte[] bytes, Random r, int from) {
    byte[] b = bytes.clone();
    for (int i = 1 + r.nextInt(8); i > 0; i--) {
      int at = from + r.nextInt(b.length - from);
      b[at] ^= (byte) (1 << r.nextInt(8));
    }
    return b;
  }

  /** A plausible TLS record: a random or usual type, version and length, and random bytes. */
  private static byte[] randomRecord(Random r) {
    int[] types = {0x14, 0x15, 0x16, 0x17, 0x17, 0x17, r.nextInt(256)};
    int length = switch (r.nextInt(4)) {
      case 0 -> r.nextInt(16);
      case 1 -> r.nextInt(70_000) & 0xffff;
      default -> r.nextInt(2000);
    };
    byte[] header = {(byte) types[r.nextInt(types.length)], 3, (byte) (r.nextInt(8) == 0 ? r.nextInt(5) : 3),
        (byte) (length >>> 8), (byte) length};
    return concat(header, random(r, r.nextInt(3) == 0 ? r.nextInt(length + 1) : length));
  }

  private static byte[] randomRecords(Random r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 1 + r.nextInt(6); i > 0; i--) {
      out.writeBytes(randomRecord(r));
    }
    return out.toByteArray();
  }

  // ------------------------------------------------------------ the server against a hostile client

  @Test
  void aServerAnswersGarbageHellosAndRecordsWithTransportErrorsOnly() {
    Random r = new Random(20261123L);
    byte[] hello = FakeTls.clientHello(SECRET, NOW, seeded(1));
    byte[] validStream = validClientStream();
    int refused = 0;
    int decoded = 0;
    for (int round = 0; round < 400; round++) {
      int mode = round % 8;
      byte[] input = switch (mode) {
        case 0 -> flipBits(hello, r, 0);
        case 1 -> Arrays.copyOf(hello, r.nextInt(hello.length));
        case 2 -> concat(new byte[] {0x16, 3, 1, (byte) (2 + r.nextInt(254)), (byte) r.nextInt(256)},
            random(r, FakeTls.MAX_HELLO_LENGTH + r.nextInt(FLOOD)));
        case 3 -> { // a hello whose record header lies about its length
          byte[] b = hello.clone();
          b[3] = (byte) r.nextInt(256);
          b[4] = (byte) r.nextInt(256);
          yield concat(b, random(r, r.nextInt(8000)));
        }
        case 4 -> concat(hello, randomRecords(r));
        case 5 -> concat(hello, flipBits(validStream, r, 0));
        case 6 -> concat(hello, Arrays.copyOf(validStream, r.nextInt(validStream.length)), randomRecords(r));
        default -> random(r, r.nextInt(3000));
      };
      Recorder seen = new Recorder();
      RecordingAllocator alloc = new RecordingAllocator();
      EmbeddedChannel server = server(seen, alloc);
      String what = "round " + round + " (mode " + mode + ")";
      feed(server, input, r);
      if (r.nextBoolean()) {
        server.close(); // a peer that hangs up mid-way: the decoders see the rest one last time
      }
      assertTyped(seen, server, what);
      if (mode == 2) {
        assertThat(server.isOpen()).as("%s: a hello that long is refused", what).isFalse();
      }
      if (mode <= 3) {
        assertThat(alloc.largestRequest).as("%s: buffered for the hello", what)
            .isLessThanOrEqualTo(HANDSHAKE_BUFFER_BOUND);
      }
      refused += seen.errors.isEmpty() ? 0 : 1;
      decoded += seen.frames().isEmpty() ? 0 : 1;
      server.finishAndReleaseAll();
      channels.remove(server);
    }
    assertThat(refused).as("most rounds are refused").isGreaterThan(200);
    assertThat(decoded).as("rounds whose altered stream still got past the handshake to frames").isGreaterThan(30);
  }

  /** What a real client sends after its hello: ChangeCipherSpec and records of a few packets. */
  private byte[] validClientStream() {
    Recorder seen = new Recorder();
    EmbeddedChannel client = client(seen, new RecordingAllocator(), 7);
    byte[] hello = drainOutbound(client);
    Recorder serverSeen = new Recorder();
    EmbeddedChannel server = server(serverSeen, new RecordingAllocator());
    server.writeInbound(buf(server.alloc(), hello));
    client.writeInbound(buf(client.alloc(), drainOutbound(server)));
    Random r = new Random(5);
    for (int i = 0; i < 3; i++) {
      client.write(buf(client.alloc(), encryptedPacket(r, 1 + r.nextInt(200))));
    }
    client.flush();
    byte[] stream = drainOutbound(client);
    assertThat(seen.errors).isEmpty();
    assertThat(stream).startsWith(FakeTls.CHANGE_CIPHER_SPEC);
    return stream;
  }

  // ------------------------------------------------------------ the client against a hostile proxy

  @Test
  void aClientAnswersGarbageAnswersAndRecordsWithTransportErrorsOnly() {
    Random r = new Random(4242L);
    int refused = 0;
    int decoded = 0;
    for (int round = 0; round < 400; round++) {
      int mode = round % 8;
      Recorder seen = new Recorder();
      RecordingAllocator alloc = new RecordingAllocator();
      EmbeddedChannel client = client(seen, alloc, round);
      client.write(buf(client.alloc(), encryptedPacket(r, 3)));
      client.flush();
      byte[] hello = drainOutbound(client);
      byte[] clientRandom = Arrays.copyOfRange(hello, FakeTls.RANDOM_OFFSET, FakeTls.RANDOM_OFFSET + 32);
      byte[] answer = FakeTls.serverHello(SECRET, hello, clientRandom, seeded(round));
      byte[] input = switch (mode) {
        case 0 -> flipBits(answer, r, 0);
        case 1 -> Arrays.copyOf(answer, r.nextInt(answer.length));
        case 2 -> concat(new byte[] {0x16, 3, 3, (byte) r.nextInt(256), (byte) r.nextInt(256)},
            random(r, FakeTls.MAX_SERVER_ANSWER_LENGTH + r.nextInt(FLOOD)));
        case 3 -> { // record headers that lie about the lengths
          byte[] b = answer.clone();
          int first = 5 + (((b[3] & 0xff) << 8) | (b[4] & 0xff));
          int at = r.nextBoolean() ? 3 : first + 6 + 3;
          b[at] = (byte) r.nextInt(256);
          b[at + 1] = (byte) r.nextInt(256);
          yield concat(b, random(r, r.nextInt(FLOOD)));
        }
        case 4 -> concat(answer, randomRecords(r));
        case 5 -> concat(answer, flipBits(validServerStream(round), r, 0));
        case 6 -> concat(answer, new byte[] {0x17, 3, 3, 0, 0});
        default -> random(r, r.nextInt(3000));
      };
      String what = "round " + round + " (mode " + mode + ")";
      feed(client, input, r);
      if (r.nextBoolean()) {
        client.close();
      }
      assertTyped(seen, client, what);
      if (mode == 2) {
        assertThat(client.isOpen()).as("%s: an answer that long is refused", what).isFalse();
      }
      if (mode <= 3) {
        assertThat(alloc.largestRequest).as("%s: buffered for the answer", what)
            .isLessThanOrEqualTo(HANDSHAKE_BUFFER_BOUND);
      }
      refused += seen.errors.isEmpty() ? 0 : 1;
      decoded += seen.frames().isEmpty() ? 0 : 1;
      client.finishAndReleaseAll();
      channels.remove(client);
    }
    assertThat(refused).as("most rounds are refused").isGreaterThan(200);
    assertThat(decoded).as("rounds whose altered stream still got past the handshake to frames").isGreaterThan(30);
  }

  /**
   * What a proxy sends once the handshake is done: records of the obfuscated stream, keyed for the
   * client made with {@code seed}. A twin client with that seed (same hello, same obfuscation
   * header) runs the handshake with a server pipeline, which then writes a few packets.
   */
  private byte[] validServerStream(long seed) {
    EmbeddedChannel twin = client(new Recorder(), new RecordingAllocator(), seed);
    Recorder serverSeen = new Recorder();
    EmbeddedChannel server = server(serverSeen, new RecordingAllocator());
    server.writeInbound(buf(server.alloc(), drainOutbound(twin)));
    twin.writeInbound(buf(twin.alloc(), drainOutbound(server)));
    server.writeInbound(buf(server.alloc(), drainOutbound(twin))); // ChangeCipherSpec, header
    assertThat(serverSeen.events).hasSize(1);
    Random r = new Random(seed);
    for (int i = 0; i < 3; i++) {
      server.write(buf(server.alloc(), encryptedPacket(r, 1 + r.nextInt(300))));
    }
    server.flush();
    byte[] stream = drainOutbound(server);
    for (EmbeddedChannel ch : List.of(twin, server)) {
      ch.finishAndReleaseAll();
      channels.remove(ch);
    }
    return stream;
  }

  @Test
  void theTwinOfAFuzzedClientMakesAStreamItDecodes() {
    Recorder seen = new Recorder();
    EmbeddedChannel client = client(seen, new RecordingAllocator(), 77);
    byte[] hello = drainOutbound(client);
    byte[] clientRandom = Arrays.copyOfRange(hello, FakeTls.RANDOM_OFFSET, FakeTls.RANDOM_OFFSET + 32);
    feed(client, concat(FakeTls.serverHello(SECRET, hello, clientRandom, seeded(1)), validServerStream(77)),
        new Random(1));
    assertThat(seen.errors).isEmpty();
    assertThat(seen.frames()).hasSize(3);
  }

  // ------------------------------------------------------------ the bugs these found

  @Test
  void aClientRefusesAnAnswerTooLongToBeAServerHelloInsteadOfBufferingIt() {
    for (byte[] head : List.of(
        new byte[] {0x16, 3, 3, (byte) 0xff, (byte) 0xff}, // a 64 KiB "ServerHello"
        concat(new byte[] {0x16, 3, 3, 0, 0x7a}, new byte[0x7a], FakeTls.CHANGE_CIPHER_SPEC,
            new byte[] {0x17, 3, 3, (byte) 0xff, (byte) 0xff}))) { // a 64 KiB "certificate"
      Recorder seen = new Recorder();
      RecordingAllocator alloc = new RecordingAllocator();
      EmbeddedChannel client = client(seen, alloc, 1);
      drainOutbound(client);
      feed(client, concat(head, new byte[FLOOD]), new Random(1));
      assertThat(client.isOpen()).isFalse();
      assertThat(seen.errors).singleElement().isInstanceOf(TransportException.class);
      assertThat(alloc.largestRequest).isLessThan(HANDSHAKE_BUFFER_BOUND);
    }
  }

  /**
   * An obfuscated client's random header may start with 0x16 (only {@code 16 03 01 02} is
   * excluded): a server with a fake-TLS secret must still serve it, as it serves the others.
   */
  @Test
  void obfuscatedHeadersThatStartWithTheTlsRecordTypeAreNotTakenForHellos() {
    byte[][] starts = {{0x16, 0x00}, {0x16, 3, 3}, {0x16, 3, 1, 1}, {0x16, 3, 1, 0}};
    for (byte[] start : starts) {
      ScriptedRandom random = new ScriptedRandom();
      byte[] init = random(new Random(start.length), 64);
      System.arraycopy(start, 0, init, 0, start.length);
      random.script.add(init);
      Recorder clientSeen = new Recorder();
      EmbeddedChannel client = client(ClientTransportConfig.builder(TransportKind.INTERMEDIATE)
          .mtProxySecret(MtProxySecret.of(KEY)).dcId(3)
          .options(TransportOptions.builder().random(random).build()).build(), clientSeen, new RecordingAllocator());
      byte[] packet = encryptedPacket(new Random(2), 4);
      client.writeAndFlush(buf(client.alloc(), packet));
      byte[] wire = drainOutbound(client);
      assertThat(Arrays.copyOf(wire, start.length)).isEqualTo(start);

      Recorder serverSeen = new Recorder();
      EmbeddedChannel server = server(serverSeen, new RecordingAllocator());
      feed(server, wire, new Random(3));
      String what = HexFormat.of().formatHex(start);
      assertThat(serverSeen.errors).as(what).isEmpty();
      assertThat(serverSeen.frames()).as(what).containsExactly(Frame.of(packet));
      assertThat(((TransportDetected) serverSeen.events.get(0)).dcId()).isEqualTo(3);
    }
  }

  /** An unpooled, leak-tracked allocator whose composite buffers fail once asked to, as without memory. */
  private static final class FailingCompositeAllocator extends AbstractByteBufAllocator {
    boolean fail;

    FailingCompositeAllocator() {
      super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      return toLeakAwareBuffer(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
      if (fail) {
        throw new IllegalStateException("no memory for a composite buffer");
      }
      return super.compositeDirectBuffer(maxNumComponents);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }

  @Test
  void aClientWhoseRecordsCannotBeBuiltFailsTheWritesAndCloses() {
    Recorder seen = new Recorder();
    FailingCompositeAllocator alloc = new FailingCompositeAllocator();
    EmbeddedChannel client = new EmbeddedChannel(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel c) {
        c.config().setAllocator(alloc);
        TransportPipeline.configureClient(c.pipeline(), ClientTransportConfig.builder(TransportKind.INTERMEDIATE)
            .mtProxySecret(SECRET).dcId(2).options(options(3)).build());
        c.pipeline().addLast(seen);
      }
    });
    channels.add(client);
    ByteBuf packet = buf(client.alloc(), encryptedPacket(new Random(4), 2));
    ChannelFuture written = client.writeAndFlush(packet);
    byte[] hello = drainOutbound(client);
    byte[] clientRandom = Arrays.copyOfRange(hello, FakeTls.RANDOM_OFFSET, FakeTls.RANDOM_OFFSET + 32);
    alloc.fail = true;
    client.writeInbound(buf(client.alloc(), FakeTls.serverHello(SECRET, hello, clientRandom, seeded(5))));
    client.runPendingTasks();
    assertThat(written.isDone()).as("the queued write completed").isTrue();
    assertThat(written.isSuccess()).isFalse();
    assertThat(client.isOpen()).as("a stream with a hole is closed").isFalse();
    assertThat(packet.refCnt()).isZero();
    assertThat(drainOutbound(client)).as("no record left").hasSizeLessThanOrEqualTo(FakeTls.CHANGE_CIPHER_SPEC.length);
  }
}
