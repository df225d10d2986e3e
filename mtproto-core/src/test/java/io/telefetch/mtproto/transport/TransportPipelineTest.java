package io.telefetch.mtproto.transport;

import static io.telefetch.mtproto.transport.TestSupport.buf;
import static io.telefetch.mtproto.transport.TestSupport.drainOutbound;
import static io.telefetch.mtproto.transport.TestSupport.encryptedPacket;
import static io.telefetch.mtproto.transport.TestSupport.hex;
import static io.telefetch.mtproto.transport.TestSupport.options;
import static io.telefetch.mtproto.transport.TestSupport.plainPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.telefetch.mtproto.transport.TestSupport.Frame;
import io.telefetch.mtproto.transport.TestSupport.Recorder;
import io.telefetch.mtproto.transport.TestSupport.RecordingAllocator;
import io.telefetch.mtproto.transport.TransportException.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Client and server pipelines talking to each other over {@link EmbeddedChannel}s. */
class TransportPipelineTest {

  private static final MtProxySecret SECRET =
      MtProxySecret.parse("8a96ef6e42a18c21837580cd1c91c5a8");
  private static final MtProxySecret DD_SECRET =
      MtProxySecret.parse("dd8a96ef6e42a18c21837580cd1c91c5a8");

  enum Mode {
    PLAIN,
    OBFUSCATED,
    MTPROXY
  }

  static Stream<Arguments> configurations() {
    List<Arguments> list = new ArrayList<>();
    for (TransportKind kind : TransportKind.values()) {
      for (Mode mode : Mode.values()) {
        if (!(kind == TransportKind.FULL && mode == Mode.MTPROXY)) {
          list.add(Arguments.of(kind, mode));
        }
      }
    }
    return list.stream();
  }

  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void releaseChannels() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
  }

  // ---------------------------------------------------------------- setup

  private static ClientTransportConfig clientConfig(TransportKind kind, Mode mode, long seed) {
    ClientTransportConfig.Builder b = ClientTransportConfig.builder(kind).options(options(seed));
    switch (mode) {
      case OBFUSCATED:
        b.obfuscated(true);
        break;
      case MTPROXY:
        b.mtProxySecret(kind == TransportKind.PADDED_INTERMEDIATE ? DD_SECRET : SECRET).dcId(-2);
        break;
      default:
        break;
    }
    return b.build();
  }

  private static ServerTransportConfig serverConfig(Mode mode) {
    ServerTransportConfig.Builder b = ServerTransportConfig.builder().options(options(99));
    if (mode == Mode.MTPROXY) {
      b.mtProxySecret(SECRET).obfuscationRequired(true);
    }
    return b.build();
  }

  private EmbeddedChannel client(ClientTransportConfig config, Recorder recorder) {
    EmbeddedChannel ch = TestSupport.clientChannel(config, recorder);
    channels.add(ch);
    return ch;
  }

  private EmbeddedChannel server(ServerTransportConfig config, Recorder recorder) {
    EmbeddedChannel ch = TestSupport.serverChannel(config, recorder);
    channels.add(ch);
    return ch;
  }

  /** A channel whose handlers are added after it became active, with a recording allocator. */
  private EmbeddedChannel lateChannel(RecordingAllocator alloc) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAllocator(alloc);
    channels.add(ch);
    return ch;
  }

  private static void writeAll(EmbeddedChannel ch, List<byte[]> packets) {
    for (int i = 0; i < packets.size(); i++) {
      byte[] p = packets.get(i);
      // Alternate the two outbound forms: a bare ByteBuf and a TransportFrame.
      Object msg = i % 2 == 0 ? buf(ch.alloc(), p) : TransportFrame.of(buf(ch.alloc(), p));
      ch.write(msg);
    }
    ch.flush();
  }

  /**
   * Writes {@code bytes} inbound in pieces cut at {@code cuts}; stops once the channel is closed.
   */
  private static void feed(EmbeddedChannel ch, byte[] bytes, int... cuts) {
    int from = 0;
    for (int i = 0; i <= cuts.length && ch.isOpen(); i++) {
      int to = i < cuts.length ? cuts[i] : bytes.length;
      if (to > from || i == cuts.length && from == 0) {
        ch.writeInbound(buf(ch.alloc(), bytes, from, to - from));
      }
      from = to;
    }
  }

  private static List<Frame> frames(List<byte[]> packets) {
    List<Frame> frames = new ArrayList<>();
    for (byte[] p : packets) {
      frames.add(Frame.of(p));
    }
    return frames;
  }

  private static List<byte[]> smallPackets(long seed) {
    Random r = new Random(seed);
    return List.of(plainPacket(r, 20), encryptedPacket(r, 2));
  }

  private static List<byte[]> mixedPackets(long seed) {
    Random r = new Random(seed);
    return List.of(
        plainPacket(r, 20), encryptedPacket(r, 40), plainPacket(r, 492), encryptedPacket(r, 0));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- round trips

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configurations")
  void roundTripBothWays(TransportKind kind, Mode mode) {
    Recorder clientSeen = new Recorder();
    Recorder serverSeen = new Recorder();
    EmbeddedChannel client = client(clientConfig(kind, mode, 1), clientSeen);
    EmbeddedChannel server = server(serverConfig(mode), serverSeen);

    for (int round = 0; round < 2; round++) {
      List<byte[]> up = mixedPackets(10 + round);
      writeAll(client, up);
      feed(server, drainOutbound(client));
      List<byte[]> down = mixedPackets(20 + round);
      writeAll(server, down);
      feed(client, drainOutbound(server));
      assertThat(serverSeen.frames()).endsWith(frames(up).toArray(Frame[]::new));
      assertThat(clientSeen.frames()).endsWith(frames(down).toArray(Frame[]::new));
    }
    assertThat(serverSeen.errors).isEmpty();
    assertThat(clientSeen.errors).isEmpty();
    assertThat(serverSeen.events).hasSize(1);
    assertThat(serverSeen.received.get(0))
        .as("detection is announced before the first frame")
        .isInstanceOf(TransportDetected.class);
    TransportDetected detected = (TransportDetected) serverSeen.received.get(0);
    assertThat(detected.kind()).isEqualTo(kind);
    assertThat(detected.obfuscated()).isEqualTo(mode != Mode.PLAIN);
    if (mode != Mode.OBFUSCATED) { // a direct obfuscated client leaves random bytes there
      assertThat(detected.dcId()).isEqualTo(mode == Mode.MTPROXY ? -2 : 0);
    }
    assertThat(server.pipeline().get(TransportPipeline.DETECTOR)).isNull();
    assertThat(server.pipeline().get(TransportPipeline.OBFUSCATION) != null)
        .isEqualTo(mode != Mode.PLAIN);
    assertThat(client.isOpen()).isTrue();
    assertThat(server.isOpen()).isTrue();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configurations")
  void clientStreamSplitAtEveryByteBoundary(TransportKind kind, Mode mode) {
    EmbeddedChannel reference = client(clientConfig(kind, mode, 2), new Recorder());
    List<byte[]> up = smallPackets(3);
    writeAll(reference, up);
    byte[] stream = drainOutbound(reference);

    for (int cut = 0; cut <= stream.length; cut++) {
      Recorder seen = new Recorder();
      EmbeddedChannel server = server(serverConfig(mode), seen);
      feed(server, stream, cut);
      assertThat(seen.frames()).as("cut at %d", cut).isEqualTo(frames(up));
      assertThat(seen.errors).isEmpty();
      server.finishAndReleaseAll();
      channels.remove(server);
    }
    Recorder seen = new Recorder();
    EmbeddedChannel server = server(serverConfig(mode), seen);
    int[] everyByte = new int[stream.length];
    Arrays.setAll(everyByte, i -> i);
    feed(server, stream, everyByte);
    assertThat(seen.frames()).isEqualTo(frames(up));
    assertThat(seen.events).hasSize(1);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configurations")
  void serverStreamSplitAtEveryByteBoundary(TransportKind kind, Mode mode) {
    // Clients built from the same seed send the same header, so they share the server's keys.
    EmbeddedChannel reference = client(clientConfig(kind, mode, 3), new Recorder());
    writeAll(reference, smallPackets(4));
    EmbeddedChannel server = server(serverConfig(mode), new Recorder());
    feed(server, drainOutbound(reference));
    List<byte[]> down = smallPackets(5);
    writeAll(server, down);
    byte[] stream = drainOutbound(server);

    for (int cut = 0; cut <= stream.length; cut++) {
      Recorder seen = new Recorder();
      EmbeddedChannel client = client(clientConfig(kind, mode, 3), seen);
      feed(client, stream, cut);
      assertThat(seen.frames()).as("cut at %d", cut).isEqualTo(frames(down));
      assertThat(seen.errors).isEmpty();
      client.finishAndReleaseAll();
      channels.remove(client);
    }
    Recorder seen = new Recorder();
    EmbeddedChannel client = client(clientConfig(kind, mode, 3), seen);
    int[] everyByte = new int[stream.length];
    Arrays.setAll(everyByte, i -> i);
    feed(client, stream, everyByte);
    assertThat(seen.frames()).isEqualTo(frames(down));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configurations")
  void oneMebibyteFramesBothWays(TransportKind kind, Mode mode) {
    Recorder clientSeen = new Recorder();
    Recorder serverSeen = new Recorder();
    EmbeddedChannel client = client(clientConfig(kind, mode, 1), clientSeen);
    EmbeddedChannel server = server(serverConfig(mode), serverSeen);
    Random r = new Random(7);
    List<byte[]> big = List.of(encryptedPacket(r, ((1 << 20) + 64) / 16));
    writeAll(client, big);
    byte[] up = drainOutbound(client);
    feed(server, up, 1000, up.length / 2); // in three TCP-ish reads
    assertThat(serverSeen.frames()).isEqualTo(frames(big));
    writeAll(server, big);
    feed(client, drainOutbound(server));
    assertThat(clientSeen.frames()).isEqualTo(frames(big));
  }

  /**
   * Large packets arriving in 64 KiB reads (cut off-beat, so headers straddle reads and packets
   * share them) come out whole and array-backed, gathered without ever growing a cumulation.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configurations")
  void largeFramesAreGatheredOnceIntoArrayBackedBuffers(TransportKind kind, Mode mode) {
    RecordingAllocator alloc = new RecordingAllocator();
    EmbeddedChannel reference = client(clientConfig(kind, mode, 4), new Recorder());
    EmbeddedChannel server = server(serverConfig(mode), new Recorder());
    writeAll(reference, smallPackets(6));
    feed(server, drainOutbound(reference));
    Random r = new Random(8);
    List<byte[]> down = List.of(encryptedPacket(r, (1 << 20) / 16), encryptedPacket(r, 3),
        encryptedPacket(r, (300 << 10) / 16), encryptedPacket(r, (1 << 20) / 16), plainPacket(r, 8),
        encryptedPacket(r, (1 << 20) / 16));
    writeAll(server, down);
    byte[] stream = drainOutbound(server);

    EmbeddedChannel client = lateChannel(alloc);
    Recorder seen = new Recorder();
    ClientTransportConfig config = clientConfig(kind, mode, 4);
    TransportPipeline.configureClient(client.pipeline(), config);
    client.pipeline().addLast(seen);
    writeAll(client, smallPackets(6)); // the same header as the reference: the server's keys match
    drainOutbound(client);
    int[] cuts = new int[stream.length / 65536 + 1];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = Math.min(stream.length, 777 + 65536 * i);
    }
    feed(client, stream, cuts);

    assertThat(seen.errors).isEmpty();
    assertThat(seen.frames()).isEqualTo(frames(down));
    for (int i = 0; i < down.size(); i++) {
      if (down.get(i).length >= FrameDecoder.LARGE_FRAME) {
        assertThat(seen.arrayBacked.get(i)).as("packet %d", i).isTrue();
      }
    }
    assertThat(alloc.largestGrowth).as("no cumulation grew towards a large packet")
        .isLessThan(FrameDecoder.LARGE_FRAME);
  }

  // ---------------------------------------------------------------- what goes on the wire

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void headerOrTagIsSentOnceBeforeTheFirstPacket(TransportKind kind) {
    byte[] packet = hex("01020304");
    EmbeddedChannel plain = client(ClientTransportConfig.of(kind), new Recorder());
    writeAll(plain, List.of(packet));
    byte[] first = drainOutbound(plain);
    writeAll(plain, List.of(packet));
    byte[] second = drainOutbound(plain);
    if (kind != TransportKind.PADDED_INTERMEDIATE) {
      assertThat(first.length - second.length).isEqualTo(kind.plainTagLength());
    }

    EmbeddedChannel obfuscated =
        client(ClientTransportConfig.builder(kind).obfuscated(true).build(), new Recorder());
    assertThat(drainOutbound(obfuscated)).as("the header waits for the first flush").isEmpty();
    writeAll(obfuscated, List.of(packet));
    byte[] withHeader = drainOutbound(obfuscated);
    assertThat(withHeader.length).isGreaterThan(64);
    assertThat(Obfuscation.isValidInit(Arrays.copyOf(withHeader, 64), TransportKind.ABRIDGED))
        .isTrue();
    writeAll(obfuscated, List.of(packet));
    assertThat(drainOutbound(obfuscated).length).isLessThan(64);
  }

  @Test
  void headerIsSentWhenHandlersAreAddedToAnActiveChannel() {
    EmbeddedChannel ch = lateChannel(new RecordingAllocator());
    TransportPipeline.configureClient(
        ch.pipeline(),
        ClientTransportConfig.builder(TransportKind.INTERMEDIATE).obfuscated(true).build());
    ch.pipeline().fireChannelActive(); // a second activation must not send it again
    writeAll(ch, List.of(hex("01020304")));
    assertThat(drainOutbound(ch)).hasSize(64 + 8);
  }

  @Test
  void obfuscatedChannelRefusesToWriteAnythingButBytes() {
    EmbeddedChannel ch =
        client(
            ClientTransportConfig.builder(TransportKind.ABRIDGED).obfuscated(true).build(),
            new Recorder());
    ChannelFuture f = ch.writeAndFlush(new Object());
    assertThat(f.cause()).isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- quick acks and errors

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configurations")
  void quickAck(TransportKind kind, Mode mode) {
    Recorder clientSeen = new Recorder();
    Recorder serverSeen = new Recorder();
    EmbeddedChannel client = client(clientConfig(kind, mode, 1), clientSeen);
    EmbeddedChannel server = server(serverConfig(mode), serverSeen);
    byte[] packet = encryptedPacket(new Random(1), 3);
    client.writeAndFlush(TransportFrame.withQuickAck(buf(client.alloc(), packet)));
    feed(server, drainOutbound(client));
    assertThat(serverSeen.frames()).containsExactly(Frame.withQuickAck(packet));

    server.write(new QuickAck(0x8badf00d));
    server.writeAndFlush(buf(server.alloc(), packet));
    feed(client, drainOutbound(server));
    assertThat(clientSeen.received).containsExactly(new QuickAck(0x8badf00d), Frame.of(packet));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configurations")
  void transportErrorReachesTheClientAsATypedException(TransportKind kind, Mode mode) {
    Recorder clientSeen = new Recorder();
    EmbeddedChannel client = client(clientConfig(kind, mode, 1), clientSeen);
    EmbeddedChannel server = server(serverConfig(mode), new Recorder());
    writeAll(client, smallPackets(1));
    feed(server, drainOutbound(client));
    byte[] packet = encryptedPacket(new Random(2), 1);
    server.write(TransportError.TRANSPORT_FLOOD);
    server.writeAndFlush(buf(server.alloc(), packet));
    feed(client, drainOutbound(server));
    assertThat(clientSeen.errors).hasSize(1);
    TransportException e = (TransportException) clientSeen.errors.get(0);
    assertThat(e.kind()).isEqualTo(Kind.PEER_ERROR);
    assertThat(e.code()).isEqualTo(-429);
    assertThat(e.codeName()).isEqualTo("TRANSPORT_FLOOD");
    assertThat(client.isOpen()).as("the connection layer decides").isTrue();
    assertThat(clientSeen.frames()).containsExactly(Frame.of(packet));
  }

  // ---------------------------------------------------------------- invalid input

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configurations")
  void oversizedLengthClosesTheClientWithoutAllocatingIt(TransportKind kind, Mode mode) {
    byte[] claim = kind == TransportKind.ABRIDGED ? hex("7fffffff") : hex("f0ffff7f");
    Fed fed = feedClient(kind, mode, concat(claim, new byte[64 << 10]), 2, 3, 4, 5000);
    assertThat(fed.seen().errors).hasSize(1);
    assertThat(((TransportException) fed.seen().errors.get(0)).kind()).isEqualTo(Kind.FRAME_TOO_LARGE);
    assertThat(fed.client().isOpen()).isFalse();
    assertThat(fed.alloc().largestRequest).isLessThan(256 << 10);
    assertThat(fed.seen().frames()).isEmpty();
  }

  /** A client pipeline on a recording allocator and what it saw. */
  private record Fed(RecordingAllocator alloc, EmbeddedChannel client, Recorder seen) {}

  /** A fresh client pipeline fed {@code stream} (obfuscated as its server would, unless plain), cut at {@code cuts}. */
  private Fed feedClient(TransportKind kind, Mode mode, byte[] stream, int... cuts) {
    RecordingAllocator alloc = new RecordingAllocator();
    EmbeddedChannel client = lateChannel(alloc);
    Recorder seen = new Recorder();
    ClientTransportConfig config = clientConfig(kind, mode, 1);
    TransportPipeline.configureClient(client.pipeline(), config);
    client.pipeline().addLast(seen);
    byte[] wire = mode == Mode.PLAIN ? stream : serverSideOf(client, config).encryptor().apply(stream);
    feed(client, wire, cuts);
    return new Fed(alloc, client, seen);
  }

  /**
   * A header claiming an 8 MiB packet (allowed, but more than a file part) followed by 64 KiB: the
   * buffer grows with what arrives, it is not allocated from the claim.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configurations")
  void aClaimAboveAFilePartIsNotAllocatedUpFront(TransportKind kind, Mode mode) {
    assertThat(largestAllocationFor(kind, mode, 8 << 20, 64 << 10, 3, 4, 5000)).isLessThan(1 << 20);
  }

  /**
   * A header claiming a 1 MiB packet (a file part's size) followed by 1 KiB: nothing is sized from
   * the claim until 1/32 of the packet arrived, so a peer's header alone pins no memory.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configurations")
  void aFilePartClaimIsNotAllocatedBeforeItsBytesArrive(TransportKind kind, Mode mode) {
    assertThat(largestAllocationFor(kind, mode, 1 << 20, 1024, 4, 516)).isLessThan(FrameDecoder.LARGE_FRAME);
  }

  /**
   * Feeds a client pipeline a header claiming a {@code claimed}-byte packet and {@code body} bytes of
   * it, cut at {@code cuts}; nothing may be decoded or fail. Returns the largest allocation asked for.
   */
  private int largestAllocationFor(TransportKind kind, Mode mode, int claimed, int body, int... cuts) {
    int words = claimed / 4;
    byte[] claim = kind == TransportKind.ABRIDGED
        ? new byte[] {0x7f, (byte) words, (byte) (words >>> 8), (byte) (words >>> 16)}
        : new byte[] {(byte) claimed, (byte) (claimed >>> 8), (byte) (claimed >>> 16), (byte) (claimed >>> 24)};
    Fed fed = feedClient(kind, mode, concat(claim, new byte[body]), cuts);
    assertThat(fed.seen().errors).isEmpty();
    assertThat(fed.seen().frames()).isEmpty();
    fed.client().finishAndReleaseAll();
    return fed.alloc().largestRequest;
  }


  /** The server's view of the header {@code client} sent. */
  private static Obfuscation.ServerHandshake serverSideOf(
      EmbeddedChannel client, ClientTransportConfig config) {
    writeAll(client, List.of(hex("01020304")));
    byte[] sent = drainOutbound(client);
    try {
      return Obfuscation.server(Arrays.copyOf(sent, 64), config.mtProxySecret());
    } catch (TransportException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("configurations")
  void oversizedLengthClosesTheServerWithoutAllocatingIt(TransportKind kind, Mode mode) {
    RecordingAllocator alloc = new RecordingAllocator();
    EmbeddedChannel server = lateChannel(alloc);
    Recorder seen = new Recorder();
    TransportPipeline.configureServer(server.pipeline(), serverConfig(mode));
    server.pipeline().addLast(seen);
    byte[] claim = kind == TransportKind.ABRIDGED ? hex("7fffffff") : hex("f0ffff7f 00000000");
    byte[] stream = concat(claim, new byte[64 << 10]);
    if (mode == Mode.PLAIN) {
      byte[] tag = new byte[kind.plainTagLength()];
      Arrays.fill(
          tag,
          (byte)
              (kind == TransportKind.ABRIDGED
                  ? 0xef
                  : kind == TransportKind.INTERMEDIATE ? 0xee : 0xdd));
      stream = concat(tag, stream);
    } else {
      Obfuscation.ClientHandshake hs =
          Obfuscation.client(kind, mode == Mode.MTPROXY ? SECRET : null, 2, TestSupport.seeded(1));
      stream = concat(hs.header(), hs.encryptor().apply(stream));
    }
    feed(server, stream, 1, 30, 70, 5000);
    assertThat(seen.errors).hasSize(1);
    TransportException e = (TransportException) seen.errors.get(0);
    if (kind == TransportKind.FULL && mode == Mode.PLAIN) {
      assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_PROTOCOL); // refused by the detector
    } else {
      assertThat(e.kind()).isEqualTo(Kind.FRAME_TOO_LARGE);
    }
    assertThat(server.isOpen()).isFalse();
    assertThat(alloc.largestRequest).isLessThan(256 << 10);
    assertThat(seen.frames()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = TransportKind.class,
      names = {"INTERMEDIATE", "PADDED_INTERMEDIATE", "FULL"})
  void negativeLengthClosesTheClient(TransportKind kind) {
    Recorder seen = new Recorder();
    EmbeddedChannel client = client(ClientTransportConfig.of(kind), seen);
    feed(client, hex("fcffffff 00000000"));
    assertThat(((TransportException) seen.errors.get(0)).kind()).isEqualTo(Kind.INVALID_LENGTH);
    assertThat(client.isOpen()).isFalse();
    assertThat(seen.frames()).isEmpty();
    assertThat(seen.errors).hasSize(1);
  }

  @Test
  void fullCorruptionClosesTheServer() {
    EmbeddedChannel client = client(ClientTransportConfig.of(TransportKind.FULL), new Recorder());
    writeAll(client, smallPackets(1));
    byte[] stream = drainOutbound(client);
    stream[stream.length - 1] ^= 1; // the last CRC
    Recorder seen = new Recorder();
    EmbeddedChannel server = server(ServerTransportConfig.defaults(), seen);
    feed(server, stream);
    assertThat(seen.frames()).hasSize(1);
    assertThat(((TransportException) seen.errors.get(0)).kind()).isEqualTo(Kind.CHECKSUM_MISMATCH);
    assertThat(server.isOpen()).isFalse();
  }

  @Test
  void httpIsRefusedAndClosed() {
    Recorder seen = new Recorder();
    EmbeddedChannel server = server(ServerTransportConfig.defaults(), seen);
    feed(server, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(((TransportException) seen.errors.get(0)).kind())
        .isEqualTo(Kind.UNSUPPORTED_PROTOCOL);
    assertThat(server.isOpen()).isFalse();
    assertThat(seen.events).isEmpty();
  }

  @Test
  void wrongMtProxySecretIsRefusedAndClosed() {
    ClientTransportConfig config =
        ClientTransportConfig.builder(TransportKind.INTERMEDIATE)
            .mtProxySecret(MtProxySecret.parse("00112233445566778899aabbccddeeff"))
            .dcId(2)
            .options(options(4))
            .build();
    EmbeddedChannel client = client(config, new Recorder());
    writeAll(client, smallPackets(1));
    Recorder seen = new Recorder();
    EmbeddedChannel server = server(serverConfig(Mode.MTPROXY), seen);
    feed(server, drainOutbound(client));
    assertThat(((TransportException) seen.errors.get(0)).kind())
        .isEqualTo(Kind.UNSUPPORTED_PROTOCOL);
    assertThat(server.isOpen()).isFalse();
    assertThat(seen.frames()).isEmpty();
  }
}
