package io.telefetch.mtproto.transport;

import static io.telefetch.mtproto.transport.TestSupport.hex;
import static io.telefetch.mtproto.transport.TestSupport.seeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.telefetch.mtproto.transport.TransportException.Kind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Server-side recognition of a connection's transport from its first bytes. */
class TransportDetectorTest {

  private static final MtProxySecret SECRET =
      MtProxySecret.parse("8a96ef6e42a18c21837580cd1c91c5a8");

  /**
   * Feeds {@code stream} byte by byte and returns the detection, checking that it comes exactly
   * when {@code decisiveLength} bytes are there and consumes {@code consumed} bytes.
   */
  private static TransportDetector.Detection detectByteByByte(
      TransportDetector detector, byte[] stream, int decisiveLength, int consumed)
      throws TransportException {
    ByteBuf in = Unpooled.buffer();
    try {
      for (int i = 0; i < stream.length; i++) {
        in.writeByte(stream[i]);
        TransportDetector.Detection d = detector.detect(in);
        if (i + 1 < decisiveLength) {
          assertThat(d).as("after %d bytes", i + 1).isNull();
          assertThat(in.readerIndex()).isZero();
        } else {
          assertThat(d).as("after %d bytes", i + 1).isNotNull();
          assertThat(in.readerIndex()).isEqualTo(consumed);
          return d;
        }
      }
      throw new AssertionError("not detected");
    } finally {
      in.release();
    }
  }

  private static TransportException refusal(ServerTransportConfig config, byte[] stream) {
    ByteBuf in = Unpooled.wrappedBuffer(stream);
    try {
      new TransportDetector(config).detect(in);
      throw new AssertionError("accepted");
    } catch (TransportException e) {
      return e;
    } finally {
      in.release();
    }
  }

  private static byte[] clientStart(TransportKind kind) {
    TransportCodec client = TransportCodec.forClient(kind, true, TestSupport.options(1));
    ByteBuf out = Unpooled.buffer();
    ByteBuf p = Unpooled.wrappedBuffer(TestSupport.plainPacket(new java.util.Random(1), 20));
    try {
      client.encode(p, false, out);
      return TestSupport.bytes(out);
    } finally {
      out.release();
      p.release();
    }
  }

  @Test
  void plainAbridged() throws TransportException {
    TransportDetector.Detection d =
        detectByteByByte(
            new TransportDetector(ServerTransportConfig.defaults()),
            clientStart(TransportKind.ABRIDGED),
            1,
            1);
    assertThat(d.kind()).isEqualTo(TransportKind.ABRIDGED);
    assertThat(d.obfuscated()).isFalse();
    assertThat(d.toEvent()).isEqualTo(new TransportDetected(TransportKind.ABRIDGED, false, 0));
  }

  @ParameterizedTest
  @EnumSource(
      value = TransportKind.class,
      names = {"INTERMEDIATE", "PADDED_INTERMEDIATE"})
  void plainIntermediates(TransportKind kind) throws TransportException {
    TransportDetector.Detection d =
        detectByteByByte(
            new TransportDetector(ServerTransportConfig.defaults()), clientStart(kind), 4, 4);
    assertThat(d.kind()).isEqualTo(kind);
    assertThat(d.obfuscated()).isFalse();
  }

  @Test
  void plainFullIsRecognizedBySequenceNumberZeroAndLeftInPlace() throws TransportException {
    TransportDetector.Detection d =
        detectByteByByte(
            new TransportDetector(ServerTransportConfig.defaults()),
            clientStart(TransportKind.FULL),
            8,
            0);
    assertThat(d.kind()).isEqualTo(TransportKind.FULL);
    assertThat(d.obfuscated()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void obfuscatedWithoutSecret(TransportKind kind) throws TransportException {
    for (int seed = 0; seed < 20; seed++) {
      Obfuscation.ClientHandshake client = Obfuscation.client(kind, null, 0, seeded(seed));
      TransportDetector.Detection d =
          detectByteByByte(
              new TransportDetector(ServerTransportConfig.defaults()), client.header(), 64, 64);
      assertThat(d.kind()).isEqualTo(kind);
      assertThat(d.obfuscated()).isTrue();
      byte[] abcd = "abcd".getBytes(StandardCharsets.US_ASCII);
      assertThat(d.obfuscation().decryptor().apply(client.encryptor().apply(abcd))).isEqualTo(abcd);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TransportKind.class,
      names = {"ABRIDGED", "INTERMEDIATE", "PADDED_INTERMEDIATE"})
  void obfuscatedWithMtProxySecret(TransportKind kind) throws TransportException {
    ServerTransportConfig config =
        ServerTransportConfig.builder().mtProxySecret(SECRET).obfuscationRequired(true).build();
    for (int seed = 0; seed < 20; seed++) {
      Obfuscation.ClientHandshake client = Obfuscation.client(kind, SECRET, -4, seeded(seed));
      TransportDetector.Detection d =
          detectByteByByte(new TransportDetector(config), client.header(), 64, 64);
      assertThat(d.kind()).isEqualTo(kind);
      assertThat(d.toEvent()).isEqualTo(new TransportDetected(kind, true, -4));
    }
  }

  @Test
  void notesVectorHeaderIsDetected() throws TransportException {
    byte[] header =
        Obfuscation.clientFromInit(
                hex(
                    "f5768f50b731260a46be1027c2eeaa39350624f0b6da59eba56c81fe4510c2e0"
                        + "b61d3dd323ee02388633e3837a0c1c24fa6f29ccd724be6fdddddddd0200cce6"),
                SECRET)
            .header();
    ServerTransportConfig config = ServerTransportConfig.builder().mtProxySecret(SECRET).build();
    TransportDetector.Detection d = detectByteByByte(new TransportDetector(config), header, 64, 64);
    assertThat(d.toEvent())
        .isEqualTo(new TransportDetected(TransportKind.PADDED_INTERMEDIATE, true, 2));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET / HTTP/1.1\r\n",
        "POST /api HTTP/1.1\r\n",
        "HEAD / HTTP/1.1\r\n",
        "OPTIONS * HTTP/1.1\r\n"
      })
  void httpIsRefused(String request) {
    TransportException e =
        refusal(ServerTransportConfig.defaults(), request.getBytes(StandardCharsets.US_ASCII));
    assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_PROTOCOL);
    assertThat(e.getMessage()).contains("HTTP");
  }

  @Test
  void tlsIsRefused() {
    TransportException e = refusal(ServerTransportConfig.defaults(), hex("160301020001fc0303"));
    assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_PROTOCOL);
    assertThat(e.getMessage()).contains("TLS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"08000000 00000000", "f0ffff7f 00000000", "11000000 00000000"})
  void fullStartWithAnInsaneLengthIsRefused(String start) {
    TransportException e = refusal(ServerTransportConfig.defaults(), hex(start));
    assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_PROTOCOL);
    assertThat(e.getMessage()).contains("full transport");
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void plainIsRefusedWhenObfuscationIsRequired(TransportKind kind) {
    TransportException e =
        refusal(
            ServerTransportConfig.builder().obfuscationRequired(true).build(), clientStart(kind));
    assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_PROTOCOL);
    assertThat(e.getMessage()).contains("requires obfuscation");
  }

  @Test
  void wrongSecretIsRefused() {
    byte[] header =
        Obfuscation.client(
                TransportKind.INTERMEDIATE,
                MtProxySecret.parse("00112233445566778899aabbccddeeff"),
                2,
                seeded(3))
            .header();
    ServerTransportConfig config = ServerTransportConfig.builder().mtProxySecret(SECRET).build();
    assertThat(refusal(config, header).kind()).isEqualTo(Kind.UNSUPPORTED_PROTOCOL);
  }

  @Test
  void configsAreImmutableValuesWithBuilders() {
    ServerTransportConfig server =
        ServerTransportConfig.builder().mtProxySecret(SECRET).obfuscationRequired(true).build();
    assertThat(server.newBuilder().build().mtProxySecret()).isEqualTo(SECRET);
    assertThat(server.toString()).doesNotContain("8a96");
    ClientTransportConfig client =
        ClientTransportConfig.builder(TransportKind.INTERMEDIATE)
            .mtProxySecret(SECRET)
            .dcId(2)
            .build();
    assertThat(client.obfuscated()).isTrue();
    assertThat(client.newBuilder().build().dcId()).isEqualTo(2);
    assertThatThrownBy(() -> ClientTransportConfig.builder(TransportKind.ABRIDGED).dcId(2).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> ClientTransportConfig.builder(TransportKind.FULL).mtProxySecret(SECRET).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                ClientTransportConfig.builder(TransportKind.INTERMEDIATE)
                    .mtProxySecret(MtProxySecret.parse("dd8a96ef6e42a18c21837580cd1c91c5a8"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
