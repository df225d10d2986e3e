package io.telefetch.mtproto.transport;

import static io.telefetch.mtproto.transport.TestSupport.bytes;
import static io.telefetch.mtproto.transport.TestSupport.encryptedPacket;
import static io.telefetch.mtproto.transport.TestSupport.hex;
import static io.telefetch.mtproto.transport.TestSupport.options;
import static io.telefetch.mtproto.transport.TestSupport.plainPacket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.telefetch.mtproto.transport.TestSupport.Frame;
import io.telefetch.mtproto.transport.TransportException.Kind;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure framing functions of {@link TransportCodec}, without Netty handlers. */
class TransportCodecTest {

  private static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  // ---------------------------------------------------------------- helpers

  /** Encodes payloads with {@code codec} into one byte stream. */
  private static byte[] encodeAll(TransportCodec codec, List<byte[]> payloads, boolean quickAck) {
    ByteBuf out = ALLOC.buffer();
    try {
      for (byte[] p : payloads) {
        ByteBuf payload = ALLOC.buffer(p.length).writeBytes(p);
        try {
          codec.encode(payload, quickAck, out);
          assertThat(payload.readerIndex()).isZero(); // encode does not consume the payload
        } finally {
          payload.release();
        }
      }
      return bytes(out);
    } finally {
      out.release();
    }
  }

  /**
   * Feeds {@code stream} to {@code codec} in pieces cut at {@code cuts} (ascending offsets) and
   * returns what came out: Frames, QuickAcks and TransportExceptions (decoding stops at a fatal
   * one).
   */
  private static List<Object> decodeInPieces(TransportCodec codec, byte[] stream, int... cuts) {
    List<Object> results = new ArrayList<>();
    ByteBuf cumulation = ALLOC.buffer();
    try {
      int from = 0;
      for (int i = 0; i <= cuts.length; i++) {
        int to = i < cuts.length ? cuts[i] : stream.length;
        cumulation.writeBytes(stream, from, to - from);
        from = to;
        if (!drain(codec, cumulation, results)) {
          return results;
        }
        cumulation.discardSomeReadBytes();
      }
      return results;
    } finally {
      cumulation.release();
    }
  }

  private static boolean drain(TransportCodec codec, ByteBuf cumulation, List<Object> results) {
    while (true) {
      int before = cumulation.readableBytes();
      TransportMessage message;
      try {
        message = codec.decode(cumulation);
      } catch (TransportException e) {
        results.add(e);
        if (e.isFatal()) {
          return false;
        }
        continue;
      }
      if (message == null) {
        assertThat(cumulation.readableBytes()).as("null consumes nothing").isEqualTo(before);
        return true;
      }
      if (message instanceof TransportFrame frame) {
        try {
          results.add(new Frame(hex(bytes(frame.content())), frame.quickAck()));
        } finally {
          frame.release();
        }
      } else {
        results.add(message);
      }
    }
  }

  private static List<Object> decodeWhole(TransportCodec codec, byte[] stream) {
    return decodeInPieces(codec, stream);
  }

  private static byte[] withoutTag(TransportKind kind, byte[] stream) {
    return java.util.Arrays.copyOfRange(stream, kind.plainTagLength(), stream.length);
  }

  /** Packets every kind carries unchanged (padded intermediate trims to these exact lengths). */
  private static List<byte[]> packets(long seed) {
    Random r = new Random(seed);
    List<byte[]> list = new ArrayList<>();
    list.add(plainPacket(r, 20)); // req_pq_multi-sized
    list.add(encryptedPacket(r, 0)); // 24 bytes, the smallest encrypted packet
    list.add(encryptedPacket(r, 30)); // 504 bytes = 126 words: abridged 1-byte length
    list.add(plainPacket(r, 488)); // 508 bytes = 127 words: abridged 4-byte length
    list.add(encryptedPacket(r, 100));
    return list;
  }

  private static List<Object> framesOf(List<byte[]> payloads, boolean quickAck) {
    List<Object> frames = new ArrayList<>();
    for (byte[] p : payloads) {
      frames.add(new Frame(hex(p), quickAck));
    }
    return frames;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- round trips

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void clientToServerRoundTrip(TransportKind kind) {
    TransportCodec client = TransportCodec.forClient(kind, true, options(1));
    TransportCodec server = TransportCodec.forServer(kind, options(2));
    List<byte[]> payloads = packets(3);
    byte[] stream = encodeAll(client, payloads, false);
    assertThat(decodeWhole(server, withoutTag(kind, stream))).isEqualTo(framesOf(payloads, false));
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void serverToClientRoundTrip(TransportKind kind) {
    TransportCodec client = TransportCodec.forClient(kind, true, options(1));
    TransportCodec server = TransportCodec.forServer(kind, options(2));
    List<byte[]> payloads = packets(4);
    byte[] stream = encodeAll(server, payloads, false);
    assertThat(decodeWhole(client, stream)).isEqualTo(framesOf(payloads, false));
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void nonMtprotoMultiplesOfFourRoundTripExceptPaddingTrimIsShapeAware(TransportKind kind) {
    TransportCodec client = TransportCodec.forClient(kind, false, options(1));
    TransportCodec server = TransportCodec.forServer(kind, options(2));
    List<byte[]> payloads = List.of(hex("01020304"), hex("0000000000000000"), new byte[12]);
    List<Object> decoded = decodeWhole(server, encodeAll(client, payloads, false));
    if (kind == TransportKind.PADDED_INTERMEDIATE) {
      // Shorter than any MTProto packet: delivered with the padding, which starts with the payload.
      assertThat(decoded).hasSize(3);
      for (int i = 0; i < 3; i++) {
        assertThat(((Frame) decoded.get(i)).hex()).startsWith(hex(payloads.get(i)));
      }
    } else {
      assertThat(decoded).isEqualTo(framesOf(payloads, false));
    }
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void oneMebibyteFilePartPasses(TransportKind kind) {
    TransportCodec client = TransportCodec.forClient(kind, false, options(1));
    TransportCodec server = TransportCodec.forServer(kind, options(2));
    Random r = new Random(5);
    // upload.file with 1 MiB of bytes inside an encrypted message: 24 + 16k bytes.
    List<byte[]> payloads = List.of(encryptedPacket(r, ((1 << 20) + 64) / 16));
    assertThat(decodeWhole(server, encodeAll(client, payloads, false)))
        .isEqualTo(framesOf(payloads, false));
    assertThat(decodeWhole(client, encodeAll(server, payloads, false)))
        .isEqualTo(framesOf(payloads, false));
  }

  // ---------------------------------------------------------------- splits

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void framesSplitAtEveryByteBoundaryBothWays(TransportKind kind) {
    Random r = new Random(6);
    List<byte[]> payloads = List.of(plainPacket(r, 8), encryptedPacket(r, 1), plainPacket(r, 492));
    for (boolean toServer : new boolean[] {true, false}) {
      TransportCodec encoder =
          toServer
              ? TransportCodec.forClient(kind, true, options(1))
              : TransportCodec.forServer(kind, options(1));
      byte[] stream = encodeAll(encoder, payloads, false);
      if (toServer) {
        stream = withoutTag(kind, stream);
      }
      List<Object> expected = framesOf(payloads, false);
      for (int cut = 0; cut <= stream.length; cut++) {
        TransportCodec decoder =
            toServer
                ? TransportCodec.forServer(kind, options(2))
                : TransportCodec.forClient(kind, true, options(2));
        assertThat(decodeInPieces(decoder, stream, cut)).as("cut at %d", cut).isEqualTo(expected);
      }
      int[] everyByte = new int[stream.length];
      for (int i = 0; i < everyByte.length; i++) {
        everyByte[i] = i;
      }
      TransportCodec decoder =
          toServer
              ? TransportCodec.forServer(kind, options(2))
              : TransportCodec.forClient(kind, true, options(2));
      assertThat(decodeInPieces(decoder, stream, everyByte)).isEqualTo(expected);
    }
  }

  // ---------------------------------------------------------------- wire format

  @Test
  void abridgedWireFormat() {
    TransportCodec client = TransportCodec.forClient(TransportKind.ABRIDGED, true, options(1));
    byte[] small = new byte[126 * 4];
    byte[] big = new byte[127 * 4];
    byte[] stream = encodeAll(client, List.of(small, big), false);
    assertThat(stream[0]).isEqualTo((byte) 0xef); // tag, once
    assertThat(stream[1]).isEqualTo((byte) 126);
    int second = 2 + small.length;
    assertThat(hex(java.util.Arrays.copyOfRange(stream, second, second + 4))).isEqualTo("7f7f0000");
    assertThat(stream).hasSize(1 + 1 + small.length + 4 + big.length);

    byte[] quick = encodeAll(client, List.of(new byte[8], big), true);
    assertThat(quick[0]).isEqualTo((byte) 0x82); // 2 words | 0x80
    assertThat(hex(java.util.Arrays.copyOfRange(quick, 9, 13))).isEqualTo("ff7f0000");
  }

  @Test
  void intermediateWireFormat() {
    TransportCodec client = TransportCodec.forClient(TransportKind.INTERMEDIATE, true, options(1));
    byte[] stream = encodeAll(client, List.of(hex("01020304"), hex("05060708")), false);
    assertThat(hex(stream))
        .isEqualTo("eeeeeeee" + "04000000" + "01020304" + "04000000" + "05060708");
    assertThat(hex(encodeAll(client, List.of(hex("01020304")), true)))
        .isEqualTo("04000080" + "01020304");
  }

  @Test
  void paddedIntermediateWireFormatUsesZeroToFifteenPaddingBytes() {
    TransportCodec client =
        TransportCodec.forClient(TransportKind.PADDED_INTERMEDIATE, true, options(7));
    byte[] payload = encryptedPacket(new Random(1), 1); // 40 bytes
    ByteBuf out = Unpooled.buffer();
    ByteBuf in = Unpooled.wrappedBuffer(payload);
    Set<Integer> paddings = new HashSet<>();
    try {
      client.encode(in, false, out);
      assertThat(out.readIntLE()).isEqualTo(0xdddddddd);
      for (int i = 0; i < 400; i++) {
        if (i > 0) {
          client.encode(in, false, out);
        }
        int total = out.readIntLE();
        int padding = total - payload.length;
        assertThat(padding).isBetween(0, 15);
        paddings.add(padding);
        byte[] body = new byte[payload.length];
        out.readBytes(body);
        assertThat(body).isEqualTo(payload);
        out.skipBytes(padding);
      }
    } finally {
      out.release();
      in.release();
    }
    assertThat(paddings).hasSize(16);
  }

  @Test
  void fullWireFormatHasLengthSeqAndCrc() {
    TransportCodec client = TransportCodec.forClient(TransportKind.FULL, true, options(1));
    byte[] stream = encodeAll(client, List.of(hex("01020304"), hex("05060708")), false);
    assertThat(stream).hasSize(32); // no tag
    ByteBuf b = Unpooled.wrappedBuffer(stream);
    for (int seq = 0; seq < 2; seq++) {
      int start = b.readerIndex();
      assertThat(b.readIntLE()).isEqualTo(16);
      assertThat(b.readIntLE()).isEqualTo(seq);
      b.skipBytes(4);
      CRC32 crc = new CRC32();
      crc.update(stream, start, 12);
      assertThat(b.readIntLE()).isEqualTo((int) crc.getValue());
    }
    b.release();
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void tagIsWrittenOnceAndOnlyByAPlainClient(TransportKind kind) {
    byte[] p = hex("01020304");
    TransportCodec plain = TransportCodec.forClient(kind, true, options(1));
    byte[] first = encodeAll(plain, List.of(p), false);
    byte[] second = encodeAll(plain, List.of(p), false);
    if (kind == TransportKind.PADDED_INTERMEDIATE) {
      assertThat(hex(first)).startsWith("dddddddd");
      assertThat(hex(second)).doesNotStartWith("dddddddd");
      return;
    }
    assertThat(first.length - second.length).isEqualTo(kind.plainTagLength());
    TransportCodec obfuscated = TransportCodec.forClient(kind, false, options(1));
    TransportCodec server = TransportCodec.forServer(kind, options(1));
    assertThat(encodeAll(obfuscated, List.of(p), false)).hasSameSizeAs(second);
    assertThat(encodeAll(server, List.of(p), false)).hasSameSizeAs(second);
  }

  // ---------------------------------------------------------------- invalid lengths

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void oversizedLengthIsRejectedFromTheHeaderAlone(TransportKind kind) {
    TransportOptions small = TransportOptions.builder().maxFrameSize(1024).build();
    byte[] header;
    switch (kind) {
      case ABRIDGED:
        header = hex("7f010100"); // 257 words = 1028 bytes
        break;
      case FULL:
        header = hex("10040000 00000000"); // 1040 - 12 = 1028
        break;
      default:
        header = hex("04040000"); // 1028
    }
    for (boolean client : new boolean[] {true, false}) {
      TransportCodec codec =
          client
              ? TransportCodec.forClient(kind, false, small)
              : TransportCodec.forServer(kind, small);
      List<Object> result = decodeWhole(codec, header);
      assertThat(result).hasSize(1);
      TransportException e = (TransportException) result.get(0);
      assertThat(e.kind()).isEqualTo(Kind.FRAME_TOO_LARGE);
      assertThat(e.isFatal()).isTrue();
      assertThat(e.getMessage()).contains("1028").contains("1024");
    }
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void hugeClaimedLengthsFailBeforeAnyBody(TransportKind kind) {
    byte[] header = kind == TransportKind.ABRIDGED ? hex("7fffffff") : hex("f0ffff7f 00000000");
    TransportCodec server = TransportCodec.forServer(kind, TransportOptions.defaults());
    TransportException e = (TransportException) decodeWhole(server, header).get(0);
    assertThat(e.kind()).isEqualTo(Kind.FRAME_TOO_LARGE);
  }

  @ParameterizedTest
  @EnumSource(
      value = TransportKind.class,
      names = {"INTERMEDIATE", "PADDED_INTERMEDIATE", "FULL"})
  void negativeLengthOnAClientThatAskedForNoQuickAckIsInvalid(TransportKind kind) {
    TransportCodec client = TransportCodec.forClient(kind, false, options(1));
    TransportException e = (TransportException) decodeWhole(client, hex("f0ffffff")).get(0);
    assertThat(e.kind()).isEqualTo(Kind.INVALID_LENGTH);
    assertThat(e.getMessage()).contains("negative");
  }

  @Test
  void abridgedTopBitOnAClientThatAskedForNoQuickAckIsInvalid() {
    TransportCodec client = TransportCodec.forClient(TransportKind.ABRIDGED, false, options(1));
    TransportException e = (TransportException) decodeWhole(client, hex("81")).get(0);
    assertThat(e.kind()).isEqualTo(Kind.INVALID_LENGTH);
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void serverMasksTheQuickAckBitBeforeCheckingTheLength(TransportKind kind) {
    byte[] header = kind == TransportKind.ABRIDGED ? hex("ffffffff") : hex("ffffffff 00000000");
    TransportCodec server = TransportCodec.forServer(kind, TransportOptions.defaults());
    TransportException e = (TransportException) decodeWhole(server, header).get(0);
    assertThat(e.kind()).isEqualTo(Kind.FRAME_TOO_LARGE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"00", "8000"})
  void abridgedZeroLengthIsInvalid(String header) {
    TransportCodec server = TransportCodec.forServer(TransportKind.ABRIDGED, options(1));
    TransportException e = (TransportException) decodeWhole(server, hex(header)).get(0);
    assertThat(e.kind()).isEqualTo(Kind.INVALID_LENGTH);
  }

  @ParameterizedTest
  @ValueSource(strings = {"00000000", "05000000", "03000080"})
  void intermediateLengthMustBeANonZeroMultipleOfFour(String header) {
    TransportCodec server = TransportCodec.forServer(TransportKind.INTERMEDIATE, options(1));
    TransportException e = (TransportException) decodeWhole(server, hex(header)).get(0);
    assertThat(e.kind()).isEqualTo(Kind.INVALID_LENGTH);
  }

  @ParameterizedTest
  @ValueSource(strings = {"00000000", "03000000"})
  void paddedIntermediateLengthMustBeAtLeastFour(String header) {
    TransportCodec server = TransportCodec.forServer(TransportKind.PADDED_INTERMEDIATE, options(1));
    TransportException e = (TransportException) decodeWhole(server, hex(header)).get(0);
    assertThat(e.kind()).isEqualTo(Kind.INVALID_LENGTH);
  }

  @Test
  void paddedIntermediateAcceptsLengthsThatAreNoMultipleOfFour() {
    TransportCodec server = TransportCodec.forServer(TransportKind.PADDED_INTERMEDIATE, options(1));
    byte[] packet = encryptedPacket(new Random(2), 1);
    byte[] stream = concat(hex("2b000000"), packet, hex("aabbcc")); // 40 + 3 padding
    assertThat(decodeWhole(server, stream)).containsExactly(Frame.of(packet));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0c000000", "0e000000", "11000000", "08000000"})
  void fullLengthMustBeAMultipleOfFourOfAtLeastSixteen(String header) {
    TransportCodec server = TransportCodec.forServer(TransportKind.FULL, options(1));
    TransportException e =
        (TransportException) decodeWhole(server, hex(header + "00000000")).get(0);
    assertThat(e.kind()).isEqualTo(Kind.INVALID_LENGTH);
  }

  // ---------------------------------------------------------------- full: crc and seq

  @Test
  void fullDetectsACorruptedPacket() {
    TransportCodec client = TransportCodec.forClient(TransportKind.FULL, false, options(1));
    byte[] stream = encodeAll(client, List.of(hex("01020304"), hex("05060708")), false);
    for (int i = 4; i < 16; i++) { // seq, payload or crc of the first packet
      byte[] corrupted = stream.clone();
      corrupted[i] ^= 0x10;
      TransportCodec server = TransportCodec.forServer(TransportKind.FULL, options(1));
      List<Object> result = decodeWhole(server, corrupted);
      assertThat(result).as("byte %d", i).hasSize(1);
      assertThat(((TransportException) result.get(0)).kind()).isEqualTo(Kind.CHECKSUM_MISMATCH);
    }
  }

  @Test
  void fullDetectsAMissingPacket() {
    TransportCodec client = TransportCodec.forClient(TransportKind.FULL, false, options(1));
    byte[] stream = encodeAll(client, List.of(hex("01020304"), hex("05060708")), false);
    TransportCodec server = TransportCodec.forServer(TransportKind.FULL, options(1));
    List<Object> result = decodeWhole(server, java.util.Arrays.copyOfRange(stream, 16, 32));
    TransportException e = (TransportException) result.get(0);
    assertThat(e.kind()).isEqualTo(Kind.SEQUENCE_MISMATCH);
    assertThat(e.getMessage()).isEqualTo("sequence number 1, expected 0");
  }

  @Test
  void fullDetectsAReplayedPacket() {
    TransportCodec client = TransportCodec.forClient(TransportKind.FULL, false, options(1));
    byte[] first = encodeAll(client, List.of(hex("01020304")), false);
    TransportCodec server = TransportCodec.forServer(TransportKind.FULL, options(1));
    List<Object> result = decodeWhole(server, concat(first, first));
    assertThat(result.get(0)).isEqualTo(Frame.of(hex("01020304")));
    assertThat(((TransportException) result.get(1)).kind()).isEqualTo(Kind.SEQUENCE_MISMATCH);
  }

  @Test
  void fullSequenceNumbersArePerDirection() {
    TransportCodec client = TransportCodec.forClient(TransportKind.FULL, false, options(1));
    TransportCodec server = TransportCodec.forServer(TransportKind.FULL, options(1));
    for (int i = 0; i < 3; i++) {
      byte[] up = encodeAll(client, List.of(hex("01020304")), false);
      assertThat(decodeWhole(server, up)).containsExactly(Frame.of(hex("01020304")));
      byte[] down = encodeAll(server, List.of(hex("05060708")), false);
      assertThat(java.nio.ByteBuffer.wrap(down).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(4))
          .isEqualTo(i);
      assertThat(decodeWhole(client, down)).containsExactly(Frame.of(hex("05060708")));
    }
  }

  // ---------------------------------------------------------------- transport errors

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void transportErrorCodesSurfaceAsTypedExceptionsAndTheStreamStaysInSync(TransportKind kind) {
    TransportCodec server = TransportCodec.forServer(kind, options(1));
    TransportCodec client = TransportCodec.forClient(kind, false, options(2));
    byte[] packet = encryptedPacket(new Random(3), 2);
    ByteBuf out = Unpooled.buffer();
    ByteBuf p = Unpooled.wrappedBuffer(packet);
    try {
      server.encode(TransportError.AUTH_KEY_NOT_FOUND, out);
      server.encodeError(-429, out);
      server.encode(new TransportError(-444), out);
      server.encodeError(-1234, out);
      server.encode(p, false, out);
      List<Object> result = decodeWhole(client, bytes(out));
      assertThat(result).hasSize(5);
      int[] codes = {-404, -429, -444, -1234};
      String[] names = {
        "AUTH_KEY_NOT_FOUND", "TRANSPORT_FLOOD", "INVALID_DC", "TRANSPORT_ERROR_1234"
      };
      for (int i = 0; i < 4; i++) {
        TransportException e = (TransportException) result.get(i);
        assertThat(e.kind()).isEqualTo(Kind.PEER_ERROR);
        assertThat(e.isFatal()).isFalse();
        assertThat(e.code()).isEqualTo(codes[i]);
        assertThat(e.codeName()).isEqualTo(names[i]);
        assertThat(e.getMessage()).contains(Integer.toString(codes[i])).contains(names[i]);
      }
      assertThat(result.get(4)).isEqualTo(Frame.of(packet));
    } finally {
      out.release();
      p.release();
    }
  }

  @Test
  void transportErrorWireFormat() {
    TransportCodec server = TransportCodec.forServer(TransportKind.INTERMEDIATE, options(1));
    ByteBuf out = Unpooled.buffer();
    try {
      server.encode(TransportError.AUTH_KEY_NOT_FOUND, out);
      assertThat(hex(bytes(out))).isEqualTo("04000000" + "6cfeffff");
    } finally {
      out.release();
    }
  }

  @Test
  void fourBytePositivePacketIsAFrameNotAnError() {
    TransportCodec client = TransportCodec.forClient(TransportKind.INTERMEDIATE, false, options(1));
    assertThat(decodeWhole(client, hex("04000000 01000000")))
        .containsExactly(Frame.of(hex("01000000")));
  }

  @Test
  void transportErrorNamesAndValidation() {
    assertThat(TransportError.INVALID_DC.name()).isEqualTo("INVALID_DC");
    assertThat(TransportError.FORBIDDEN.description()).isEqualTo("forbidden");
    assertThat(TransportException.peerError(-403).codeName()).isEqualTo("FORBIDDEN");
    assertThatThrownBy(() -> new TransportError(404)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new QuickAck(0x12345678)).isInstanceOf(IllegalArgumentException.class);
    assertThat(QuickAck.tokenOf(hex("4d3c2b1a" + "00".repeat(28)))).isEqualTo(0x9a2b3c4d);
    assertThat(QuickAck.tokenOf(hex("4d3c2b9a" + "00".repeat(28)))).isEqualTo(0x9a2b3c4d);
  }

  // ---------------------------------------------------------------- quick acks

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void quickAckRequestAndAnswer(TransportKind kind) {
    TransportCodec client = TransportCodec.forClient(kind, true, options(1));
    TransportCodec server = TransportCodec.forServer(kind, options(2));
    List<byte[]> payloads = packets(8);
    byte[] up = encodeAll(client, payloads, true);
    assertThat(client.pendingQuickAcks()).isEqualTo(payloads.size());
    assertThat(decodeWhole(server, withoutTag(kind, up))).isEqualTo(framesOf(payloads, true));

    int token = 0x80000000 | 0x1a2b3c4d;
    Random r = new Random(9);
    byte[] packet = encryptedPacket(r, 1);
    ByteBuf out = Unpooled.buffer();
    ByteBuf p = Unpooled.wrappedBuffer(packet);
    try {
      server.encode(new QuickAck(token), out);
      server.encode(p, false, out);
      server.encodeQuickAck(token ^ 1, out);
      List<Object> down = decodeWhole(client, bytes(out));
      assertThat(down)
          .containsExactly(new QuickAck(token), Frame.of(packet), new QuickAck(token ^ 1));
      assertThat(client.pendingQuickAcks()).isEqualTo(payloads.size() - 2);
    } finally {
      out.release();
      p.release();
    }
  }

  @Test
  void quickAckWireFormats() {
    int token = 0x9a2b3c4d;
    assertThat(quickAckBytes(TransportKind.ABRIDGED, token)).isEqualTo("9a2b3c4d"); // byte-swapped
    assertThat(quickAckBytes(TransportKind.INTERMEDIATE, token)).isEqualTo("4d3c2b9a");
    assertThat(quickAckBytes(TransportKind.FULL, token)).isEqualTo("4d3c2b9a");
    String padded = quickAckBytes(TransportKind.PADDED_INTERMEDIATE, token);
    ByteBuf b = Unpooled.wrappedBuffer(hex(padded));
    int tlen = b.readIntLE();
    assertThat(tlen).isBetween(8, 16);
    assertThat(b.readableBytes()).isEqualTo(tlen);
    assertThat(b.readIntLE()).isEqualTo(0xffffffff);
    assertThat(b.readIntLE()).isEqualTo(token);
    b.release();
  }

  private static String quickAckBytes(TransportKind kind, int token) {
    TransportCodec server = TransportCodec.forServer(kind, options(3));
    ByteBuf out = Unpooled.buffer();
    try {
      server.encodeQuickAck(token, out);
      return hex(bytes(out));
    } finally {
      out.release();
    }
  }

  @Test
  void paddedClientAlsoAcceptsTheBareQuickAckFormWhenItAskedForOne() {
    TransportCodec client =
        TransportCodec.forClient(TransportKind.PADDED_INTERMEDIATE, false, options(1));
    encodeAll(client, List.of(hex("01020304")), true);
    assertThat(decodeWhole(client, hex("4d3c2b9a"))).containsExactly(new QuickAck(0x9a2b3c4d));
  }

  @Test
  void paddedQuickAckPacketWithoutTopBitIsMalformed() {
    TransportCodec client =
        TransportCodec.forClient(TransportKind.PADDED_INTERMEDIATE, false, options(1));
    TransportException e =
        (TransportException) decodeWhole(client, hex("08000000 ffffffff 01000000")).get(0);
    assertThat(e.kind()).isEqualTo(Kind.MALFORMED_PACKET);
  }

  @Test
  void onlyClientsAskForQuickAcksAndOnlyServersSendThemAndErrors() {
    TransportCodec client = TransportCodec.forClient(TransportKind.INTERMEDIATE, false, options(1));
    TransportCodec server = TransportCodec.forServer(TransportKind.INTERMEDIATE, options(1));
    ByteBuf out = Unpooled.buffer();
    ByteBuf p = Unpooled.wrappedBuffer(hex("01020304"));
    try {
      assertThatThrownBy(() -> server.encode(p, true, out))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> client.encodeQuickAck(0x80000001, out))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> client.encodeError(-404, out))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> server.encodeQuickAck(1, out))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(out.readableBytes()).isZero();
    } finally {
      out.release();
      p.release();
    }
  }

  // ---------------------------------------------------------------- encode validation

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void encodeRejectsPayloadsTheProtocolCannotCarry(TransportKind kind) {
    TransportOptions small = TransportOptions.builder().maxFrameSize(1024).build();
    TransportCodec client = TransportCodec.forClient(kind, true, small);
    ByteBuf out = Unpooled.buffer();
    try {
      for (int size : new int[] {0, 3, 6, 1028}) {
        ByteBuf p = Unpooled.buffer(size).writeZero(size);
        try {
          assertThatThrownBy(() -> client.encode(p, false, out))
              .as("size %d", size)
              .isInstanceOf(IllegalArgumentException.class);
        } finally {
          p.release();
        }
      }
      assertThat(out.readableBytes()).isZero();
    } finally {
      out.release();
    }
  }

  // ---------------------------------------------------------------- padded trimming

  @Test
  void paddedTrimmingFollowsThePacketShape() {
    TransportCodec server = TransportCodec.forServer(TransportKind.PADDED_INTERMEDIATE, options(1));
    Random r = new Random(11);
    byte[] encrypted = encryptedPacket(r, 2); // 56 bytes
    byte[] unencrypted = plainPacket(r, 36); // 56 bytes
    byte[] inconsistent = plainPacket(r, 36);
    inconsistent[16] = (byte) 200; // claims more than the packet holds
    byte[] padding = hex("0102030405060708090a0b0c0d0e0f");
    byte[] stream =
        concat(
            hex("47000000"),
            encrypted,
            padding,
            hex("3b000000"),
            unencrypted,
            java.util.Arrays.copyOf(padding, 3),
            hex("38000000"),
            encrypted,
            hex("3c000000"),
            inconsistent,
            java.util.Arrays.copyOf(padding, 4));
    assertThat(decodeWhole(server, stream))
        .containsExactly(
            Frame.of(encrypted),
            Frame.of(unencrypted),
            Frame.of(encrypted),
            Frame.of(concat(inconsistent, java.util.Arrays.copyOf(padding, 4))));
  }

  // ---------------------------------------------------------------- misc

  @Test
  void optionsValidateAndCopy() {
    assertThat(TransportOptions.defaults().maxFrameSize())
        .isEqualTo(TransportOptions.DEFAULT_MAX_FRAME_SIZE)
        .isGreaterThan(16 << 20);
    assertThatThrownBy(() -> TransportOptions.builder().maxFrameSize(8))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TransportOptions.builder().maxFrameSize(Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
    TransportOptions o = TransportOptions.builder().maxFrameSize(4096).build();
    assertThat(o.newBuilder().build().maxFrameSize()).isEqualTo(4096);
    assertThat(o.newBuilder().build().random()).isSameAs(o.random());
  }

  @Test
  void transportFrameKeepsItsQuickAckBitAcrossDerivedHolders() {
    TransportFrame frame = TransportFrame.withQuickAck(Unpooled.wrappedBuffer(hex("01020304")));
    TransportFrame copy = frame.copy();
    TransportFrame dup = frame.retainedDuplicate();
    try {
      assertThat(copy.quickAck()).isTrue();
      assertThat(dup.quickAck()).isTrue();
      assertThat(copy).isEqualTo(frame);
      assertThat(frame.refCnt()).isEqualTo(2);
      assertThat(frame.toString()).contains("4 bytes", "quick ack");
    } finally {
      copy.release();
      dup.release();
      frame.release();
    }
    assertThat(frame.refCnt()).isZero();
  }
}
