package io.telefetch.mtproto.transport;

import static io.telefetch.mtproto.transport.TestSupport.buf;
import static io.telefetch.mtproto.transport.TestSupport.drainOutbound;
import static io.telefetch.mtproto.transport.TestSupport.encryptedPacket;
import static io.telefetch.mtproto.transport.TestSupport.plainPacket;
import static io.telefetch.mtproto.transport.TestSupport.seeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.telefetch.mtproto.transport.TestSupport.Frame;
import io.telefetch.mtproto.transport.TestSupport.Recorder;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Fake-TLS (MTProxy {@code ee} secrets): the handshake functions and both pipelines. */
class FakeTlsTest {
  private static final byte[] KEY = HexFormat.of().parseHex("8a96ef6e42a18c21837580cd1c91c5a8");
  private static final MtProxySecret SECRET = MtProxySecret.fakeTls(KEY, "example.org");
  private static final long NOW = 1_790_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void release() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private static TransportOptions options(long seed, Clock clock) {
    return TransportOptions.builder().random(seeded(seed)).clock(clock).build();
  }

  // ------------------------------------------------------------ the secret

  @Test
  void eeSecretsParseAndPrintBack() {
    String hex = "ee" + "8a96ef6e42a18c21837580cd1c91c5a8" + HexFormat.of().formatHex("example.org".getBytes());
    MtProxySecret parsed = MtProxySecret.parse(hex);
    assertThat(parsed).isEqualTo(SECRET);
    assertThat(parsed.fakeTls()).isTrue();
    assertThat(parsed.fakeTlsDomain()).contains("example.org");
    assertThat(parsed.key()).isEqualTo(KEY);
    assertThat(parsed.toHex()).isEqualTo(hex);
    assertThat(parsed.toString()).doesNotContain("8a96");
    assertThat(MtProxySecret.parse("dd8a96ef6e42a18c21837580cd1c91c5a8").toHex())
        .isEqualTo("dd8a96ef6e42a18c21837580cd1c91c5a8");
    assertThatThrownBy(() -> MtProxySecret.parse("ee8a96ef6e42a18c21837580cd1c91c5a8" + "0a0b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("printable");
    // ee and the key but no domain: refused, not read as a dd secret (which would print back as dd)
    assertThatThrownBy(() -> MtProxySecret.parse("ee8a96ef6e42a18c21837580cd1c91c5a8"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("domain");
  }

  // ------------------------------------------------------------ handshake functions

  @Test
  void helloIsSignedAndCarriesTheDomain() throws Exception {
    byte[] hello = FakeTls.clientHello(SECRET, NOW, seeded(1));
    assertThat(FakeTls.helloLength(hello, hello.length)).isEqualTo(hello.length);
    assertThat(hello.length).isEqualTo(517);
    assertThat(new String(hello, java.nio.charset.StandardCharsets.US_ASCII)).contains("example.org");
    byte[] random = FakeTls.checkClientHello(hello, SECRET, NOW + 30, 600);
    assertThat(random).hasSize(32);
  }

  @Test
  void helloIsRefusedForAnotherKeyDomainTimeOrAnyChangedByte() {
    byte[] hello = FakeTls.clientHello(SECRET, NOW, seeded(1));
    MtProxySecret otherKey = MtProxySecret.fakeTls(new byte[16], "example.org");
    MtProxySecret otherDomain = MtProxySecret.fakeTls(KEY, "example.com");
    assertThatThrownBy(() -> FakeTls.checkClientHello(hello, otherKey, NOW, 600))
        .isInstanceOf(TransportException.class).hasMessageContaining("digest");
    assertThatThrownBy(() -> FakeTls.checkClientHello(
        FakeTls.clientHello(otherDomain, NOW, seeded(1)), otherDomain.equals(SECRET) ? null : SECRET, NOW, 600))
        .isInstanceOf(TransportException.class);
    assertThatThrownBy(() -> FakeTls.checkClientHello(hello, SECRET, NOW + 601, 600))
        .isInstanceOf(TransportException.class).hasMessageContaining("time");
    for (int i : new int[] {0, 5, 9, 11, 30, 38, 44, 100, hello.length - 1}) { // not the time bytes 39..42
      byte[] changed = hello.clone();
      changed[i] ^= 0x01;
      assertThatThrownBy(() -> FakeTls.checkClientHello(changed, SECRET, NOW, 600))
          .as("byte %d changed", i).isInstanceOf(TransportException.class);
    }
  }

  @Test
  void helloSignedForTheRightKeyButAnotherServerNameIsRefused() {
    // same key, other domain: the digest matches (it covers only the bytes), the SNI does not
    MtProxySecret sameKeyOtherDomain = MtProxySecret.fakeTls(KEY, "example.com");
    byte[] hello = FakeTls.clientHello(sameKeyOtherDomain, NOW, seeded(2));
    assertThatThrownBy(() -> FakeTls.checkClientHello(hello, SECRET, NOW, 600))
        .isInstanceOf(TransportException.class).hasMessageContaining("another server");
  }

  @Test
  void serverAnswerIsSignedOverTheClientRandom() throws Exception {
    byte[] hello = FakeTls.clientHello(SECRET, NOW, seeded(1));
    byte[] random = FakeTls.checkClientHello(hello, SECRET, NOW, 600);
    byte[] answer = FakeTls.serverHello(SECRET, hello, random, seeded(3));
    for (int n = 0; n < answer.length; n++) {
      assertThat(FakeTls.serverHelloLength(answer, n)).as("prefix of %d bytes", n).isEqualTo(-1);
    }
    assertThat(FakeTls.serverHelloLength(answer, answer.length)).isEqualTo(answer.length);
    FakeTls.checkServerHello(SECRET, random, answer);
    byte[] otherRandom = random.clone();
    otherRandom[0] ^= 1;
    assertThatThrownBy(() -> FakeTls.checkServerHello(SECRET, otherRandom, answer))
        .isInstanceOf(TransportException.class);
    byte[] changed = answer.clone();
    changed[answer.length - 1] ^= 1;
    assertThatThrownBy(() -> FakeTls.checkServerHello(SECRET, random, changed))
        .isInstanceOf(TransportException.class);
    assertThatThrownBy(() -> FakeTls.checkServerHello(MtProxySecret.fakeTls(new byte[16], "example.org"), random, answer))
        .isInstanceOf(TransportException.class);
  }

  // ------------------------------------------------------------ pipelines

  enum Kind {
    INTERMEDIATE(TransportKind.INTERMEDIATE),
    PADDED(TransportKind.PADDED_INTERMEDIATE),
    ABRIDGED(TransportKind.ABRIDGED);

    final TransportKind kind;

    Kind(TransportKind kind) {
      this.kind = kind;
    }
  }

  private EmbeddedChannel client(MtProxySecret secret, TransportKind kind, Recorder recorder) {
    ClientTransportConfig config = ClientTransportConfig.builder(kind).mtProxySecret(secret).dcId(2)
        .options(options(7, CLOCK)).build();
    EmbeddedChannel ch = TestSupport.clientChannel(config, recorder);
    channels.add(ch);
    return ch;
  }

  private EmbeddedChannel server(MtProxySecret secret, Recorder recorder) {
    ServerTransportConfig config = ServerTransportConfig.builder().mtProxySecret(secret)
        .options(options(9, CLOCK)).build();
    EmbeddedChannel ch = TestSupport.serverChannel(config, recorder);
    channels.add(ch);
    return ch;
  }

  private static List<byte[]> packets(long seed, int big) {
    Random r = new Random(seed);
    return List.of(plainPacket(r, 20), encryptedPacket(r, big), encryptedPacket(r, 3));
  }

  private static void write(EmbeddedChannel ch, List<byte[]> packets) {
    for (byte[] p : packets) {
      ch.write(buf(ch.alloc(), p));
    }
    ch.flush();
  }

  private static List<Frame> frames(List<byte[]> packets) {
    return packets.stream().map(Frame::of).toList();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void framesCrossBothWaysAfterTheHandshake(Kind kind) {
    Recorder clientSeen = new Recorder();
    Recorder serverSeen = new Recorder();
    EmbeddedChannel client = client(SECRET, kind.kind, clientSeen);
    EmbeddedChannel server = server(SECRET, serverSeen);

    List<byte[]> up = packets(1, 70_000); // a 1.1 MB packet: many records
    write(client, up); // queued until the proxy's answer is checked
    byte[] hello = drainOutbound(client);
    assertThat(hello[0]).as("only the ClientHello leaves first").isEqualTo((byte) 0x16);
    assertThat(hello).hasSize(517);
    server.writeInbound(buf(server.alloc(), hello));
    byte[] answer = drainOutbound(server);
    assertThat(serverSeen.frames()).isEmpty();

    // the answer, and the client's queued packets follow it
    client.writeInbound(buf(client.alloc(), answer));
    assertThat(clientSeen.errors).isEmpty();
    byte[] wrapped = drainOutbound(client);
    assertThat(ByteBuffer.wrap(wrapped, 0, 6)).isEqualTo(ByteBuffer.wrap(FakeTls.CHANGE_CIPHER_SPEC));
    for (int cut = 1; cut < wrapped.length; cut += 4099) { // arrives in odd pieces
      int end = Math.min(wrapped.length, cut + 4099);
      if (cut == 1) {
        server.writeInbound(buf(server.alloc(), wrapped, 0, end));
      } else {
        server.writeInbound(buf(server.alloc(), wrapped, cut, end - cut));
      }
    }
    assertThat(serverSeen.frames()).containsExactlyElementsOf(frames(up));
    TransportDetected detected = (TransportDetected) serverSeen.events.get(0);
    assertThat(detected.dcId()).isEqualTo(2);
    assertThat(detected.kind()).isEqualTo(kind.kind);

    List<byte[]> down = packets(2, 5000);
    write(server, down);
    byte[] records = drainOutbound(server);
    assertThat(records[0]).isEqualTo((byte) 0x17);
    client.writeInbound(buf(client.alloc(), records));
    assertThat(clientSeen.frames()).containsExactlyElementsOf(frames(down));
    assertThat(clientSeen.errors).isEmpty();
    assertThat(serverSeen.errors).isEmpty();
  }

  @Test
  void serverRefusesAHelloForAnotherSecretAndSendsNothing() {
    Recorder serverSeen = new Recorder();
    EmbeddedChannel client = client(MtProxySecret.fakeTls(new byte[16], "example.org"), TransportKind.INTERMEDIATE, new Recorder());
    EmbeddedChannel server = server(SECRET, serverSeen);
    server.writeInbound(buf(server.alloc(), drainOutbound(client)));
    assertThat(drainOutbound(server)).isEmpty();
    assertThat(server.isOpen()).isFalse();
    assertThat(serverSeen.errors).singleElement().isInstanceOf(TransportException.class);
  }

  @Test
  void clientRefusesAnAnswerNotSignedWithItsSecretAndSendsNothingMore() {
    Recorder clientSeen = new Recorder();
    EmbeddedChannel client = client(SECRET, TransportKind.INTERMEDIATE, clientSeen);
    write(client, packets(3, 2));
    byte[] hello = drainOutbound(client);
    // an impostor that knows the protocol but not the key
    MtProxySecret impostor = MtProxySecret.fakeTls(new byte[16], "example.org");
    byte[] random = java.util.Arrays.copyOfRange(hello, 11, 43);
    byte[] answer = FakeTls.serverHello(impostor, hello, random, seeded(4));
    client.writeInbound(buf(client.alloc(), answer));
    assertThat(client.isOpen()).isFalse();
    assertThat(drainOutbound(client)).as("the queued packets never leave").isEmpty();
    assertThat(clientSeen.errors).singleElement().isInstanceOf(TransportException.class)
        .extracting(Throwable::getMessage).asString().contains("digest");
  }

  @Test
  void aServerWithAFakeTlsSecretStillServesPlainAndObfuscatedClients() {
    Recorder serverSeen = new Recorder();
    EmbeddedChannel server = server(SECRET, serverSeen);
    ClientTransportConfig obfuscated = ClientTransportConfig.builder(TransportKind.INTERMEDIATE)
        .mtProxySecret(MtProxySecret.of(KEY)).dcId(3).options(options(5, CLOCK)).build();
    EmbeddedChannel client = new EmbeddedChannel(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel c) {
        TransportPipeline.configureClient(c.pipeline(), obfuscated);
      }
    });
    channels.add(client);
    List<byte[]> up = packets(4, 2);
    write(client, up);
    server.writeInbound(buf(server.alloc(), drainOutbound(client)));
    assertThat(serverSeen.frames()).containsExactlyElementsOf(frames(up));
    assertThat(server.pipeline().get(TransportPipeline.FAKE_TLS)).isNull();
    assertThat(server.pipeline().get(TransportPipeline.FAKE_TLS_ENCODER)).isNull();
  }

  @Test
  void recordsOfAnotherTypeAfterTheHandshakeAreRefused() {
    Recorder serverSeen = new Recorder();
    EmbeddedChannel client = client(SECRET, TransportKind.INTERMEDIATE, new Recorder());
    EmbeddedChannel server = server(SECRET, serverSeen);
    server.writeInbound(buf(server.alloc(), drainOutbound(client)));
    drainOutbound(server);
    server.writeInbound(buf(server.alloc(), new byte[] {0x15, 3, 3, 0, 2, 2, 40})); // an alert
    assertThat(server.isOpen()).isFalse();
    assertThat(serverSeen.errors).singleElement().extracting(Throwable::getMessage).asString()
        .contains("type 21");
  }
}
