package io.telefetch.mtproto.transport;

import io.telefetch.mtproto.crypto.AesCtr;
import static io.telefetch.mtproto.transport.TestSupport.hex;
import static io.telefetch.mtproto.transport.TestSupport.seeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.telefetch.mtproto.transport.TestSupport.ScriptedRandom;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Obfuscated2 headers, keys and streams, including the vector of the protocol notes. */
class ObfuscationTest {

  // Protocol notes, section 6: MTProxy, dc 2, padded intermediate.
  private static final String SECRET = "8a96ef6e42a18c21837580cd1c91c5a8";
  private static final String INIT =
      "f5768f50b731260a46be1027c2eeaa39350624f0b6da59eba56c81fe4510c2e0"
          + "b61d3dd323ee02388633e3837a0c1c24fa6f29ccd724be6fdddddddd0200cce6";
  private static final byte[] ABCD = "abcd".getBytes(StandardCharsets.US_ASCII);

  private static short le16(byte[] b, int off) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort(off);
  }

  private static int le32(byte[] b, int off) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(off);
  }

  @Test
  void notesVectorClientSide() {
    Obfuscation.ClientHandshake client =
        Obfuscation.clientFromInit(hex(INIT), MtProxySecret.parse(SECRET));
    byte[] header = client.header();
    assertThat(hex(header).substring(0, 112)).isEqualTo(INIT.substring(0, 112));
    assertThat(hex(header).substring(112)).isEqualTo("bea2dde16dc59dd2");
    // "abcd" is the four ASCII bytes 61 62 63 64, encrypted after the 64 header bytes.
    assertThat(hex(client.encryptor().apply(ABCD))).isEqualTo("ca7a8226");
    // The decrypt stream is fresh: nothing has come from the server yet.
    assertThat(hex(client.decryptor().apply(ABCD))).isEqualTo("8f711982");
  }

  @Test
  void notesVectorIsNotAboutTheHexBytesAbCd() {
    Obfuscation.ClientHandshake client =
        Obfuscation.clientFromInit(hex(INIT), MtProxySecret.parse(SECRET));
    assertThat(hex(client.encryptor().apply(hex("abcd")))).isNotEqualTo("ca7a");
  }

  @Test
  void notesVectorServerSide() throws TransportException {
    byte[] sent = Obfuscation.clientFromInit(hex(INIT), MtProxySecret.parse(SECRET)).header();
    Obfuscation.ServerHandshake server = Obfuscation.server(sent, MtProxySecret.parse(SECRET));
    assertThat(server.kind()).isEqualTo(TransportKind.PADDED_INTERMEDIATE);
    assertThat(server.protocolTag()).isEqualTo(0xdddddddd);
    assertThat(server.dcId()).isEqualTo((short) 2);
    assertThat(server.decryptor().apply(hex("ca7a8226"))).isEqualTo(ABCD);
    assertThat(server.encryptor().apply(hex("8f711982"))).isEqualTo(ABCD);
  }

  @Test
  void ddPrefixedAndBase64SecretsDeriveTheSameKeys() {
    byte[] viaDd =
        Obfuscation.clientFromInit(hex(INIT), MtProxySecret.parse("dd" + SECRET)).header();
    String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(hex(SECRET));
    byte[] viaB64 = Obfuscation.clientFromInit(hex(INIT), MtProxySecret.parse(b64)).header();
    assertThat(hex(viaDd).substring(112)).isEqualTo("bea2dde16dc59dd2");
    assertThat(viaB64).isEqualTo(viaDd);
  }

  @ParameterizedTest
  @EnumSource(TransportKind.class)
  void generatedHeadersRespectTheForbiddenPatternsAndRoundTrip(TransportKind kind)
      throws TransportException {
    for (int seed = 0; seed < 50; seed++) {
      Obfuscation.ClientHandshake client = Obfuscation.client(kind, null, 0, seeded(seed));
      byte[] h = client.header();
      assertThat(h).hasSize(64);
      assertThat(h[0]).isNotEqualTo((byte) 0xef);
      assertThat(Obfuscation.isForbiddenFirstInt(le32(h, 0))).isFalse();
      assertThat(le32(h, 4)).isNotZero();
      Obfuscation.ServerHandshake server = Obfuscation.server(h, null);
      assertThat(server.kind()).isEqualTo(kind);
      byte[] message = ("message " + seed).getBytes(StandardCharsets.US_ASCII);
      assertThat(server.decryptor().apply(client.encryptor().apply(message))).isEqualTo(message);
      assertThat(client.decryptor().apply(server.encryptor().apply(message))).isEqualTo(message);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, -4, 10002, 32767, -32768})
  void mtProxyDcIdTravelsInTheHeader(int dc) throws TransportException {
    MtProxySecret secret = MtProxySecret.parse(SECRET);
    Obfuscation.ClientHandshake client =
        Obfuscation.client(TransportKind.INTERMEDIATE, secret, dc, seeded(dc));
    Obfuscation.ServerHandshake server = Obfuscation.server(client.header(), secret);
    assertThat(server.kind()).isEqualTo(TransportKind.INTERMEDIATE);
    assertThat(server.dcId()).isEqualTo((short) dc);
  }

  @Test
  void headerTagAndDcAreNotSentInTheClear() {
    Obfuscation.ClientHandshake client =
        Obfuscation.client(TransportKind.PADDED_INTERMEDIATE, null, 2, seeded(1));
    byte[] h = client.header();
    assertThat(le32(h, 56)).isNotEqualTo(0xdddddddd);
  }

  @Test
  void generationRetriesUntilTheHeaderIsAcceptable() {
    ScriptedRandom random = new ScriptedRandom();
    byte[] good = new byte[64];
    new Random(3).nextBytes(good);
    good[0] = 0x11;
    good[4] = 0x22;
    byte[] abridgedTag = good.clone();
    abridgedTag[0] = (byte) 0xef;
    byte[] post = good.clone();
    System.arraycopy("POST".getBytes(StandardCharsets.US_ASCII), 0, post, 0, 4);
    byte[] tls = good.clone();
    System.arraycopy(hex("16030102"), 0, tls, 0, 4);
    byte[] intermediateTag = good.clone();
    System.arraycopy(hex("eeeeeeee"), 0, intermediateTag, 0, 4);
    byte[] zeroSecondInt = good.clone();
    System.arraycopy(hex("00000000"), 0, zeroSecondInt, 4, 4);
    random.script.add(abridgedTag);
    random.script.add(post);
    random.script.add(tls);
    random.script.add(intermediateTag);
    random.script.add(zeroSecondInt);
    random.script.add(good);
    Obfuscation.ClientHandshake client =
        Obfuscation.client(TransportKind.ABRIDGED, null, 0, random);
    assertThat(random.calls).isEqualTo(6);
    assertThat(hex(client.header()).substring(0, 112)).isEqualTo(hex(good).substring(0, 112));
  }

  @Test
  void fullWithoutTagNeverCarriesAKnownTagByAccident() throws TransportException {
    ScriptedRandom random = new ScriptedRandom();
    byte[] good = new byte[64];
    new Random(4).nextBytes(good);
    good[0] = 0x11;
    good[4] = 0x22;
    byte[] tagged = good.clone();
    System.arraycopy(hex("dddddddd"), 0, tagged, 56, 4);
    random.script.add(tagged);
    random.script.add(good);
    Obfuscation.ClientHandshake client = Obfuscation.client(TransportKind.FULL, null, 0, random);
    assertThat(random.calls).isEqualTo(2);
    assertThat(Obfuscation.server(client.header(), null).kind()).isEqualTo(TransportKind.FULL);
  }

  @Test
  void wrongSecretIsRefusedByAnMtProxyServer() {
    MtProxySecret right = MtProxySecret.parse(SECRET);
    MtProxySecret wrong = MtProxySecret.parse("00112233445566778899aabbccddeeff");
    byte[] header = Obfuscation.client(TransportKind.ABRIDGED, right, 2, seeded(5)).header();
    assertThatThrownBy(() -> Obfuscation.server(header, wrong))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("wrong MTProxy secret")
        .extracting(e -> ((TransportException) e).kind())
        .isEqualTo(TransportException.Kind.UNSUPPORTED_PROTOCOL);
  }

  @Test
  void invalidArguments() {
    MtProxySecret secret = MtProxySecret.parse(SECRET);
    assertThatThrownBy(() -> Obfuscation.client(TransportKind.FULL, secret, 2, seeded(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Obfuscation.client(TransportKind.ABRIDGED, null, 40000, seeded(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Obfuscation.server(new byte[63], null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AesCtr(new byte[16], new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void byteBufStreamContinuesAcrossCallsAndBufferKinds() {
    byte[] key = new byte[32];
    byte[] iv = new byte[16];
    new Random(1).nextBytes(key);
    new Random(2).nextBytes(iv);
    byte[] data = new byte[1000];
    new Random(3).nextBytes(data);
    byte[] expected = new AesCtr(key, iv).apply(data);

    AesCtr ctr = new AesCtr(key, iv);
    ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer();
    ByteBuf heap = Unpooled.wrappedBuffer(data, 0, 7);
    ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(data, 7, 500);
    ByteBuf composite =
        Unpooled.wrappedBuffer(
            Unpooled.wrappedBuffer(data, 507, 250), Unpooled.wrappedBuffer(data, 757, 243));
    try {
      ctr.apply(heap, out);
      ctr.apply(direct, out);
      ctr.apply(composite, out);
      assertThat(heap.isReadable()).isFalse();
      assertThat(direct.isReadable()).isFalse();
      assertThat(composite.isReadable()).isFalse();
      assertThat(TestSupport.bytes(out)).isEqualTo(expected);
    } finally {
      out.release();
      heap.release();
      direct.release();
      composite.release();
    }
  }

  // ---------------------------------------------------------------- secrets

  @Test
  void secretForms() {
    MtProxySecret plain = MtProxySecret.parse(SECRET);
    assertThat(hex(plain.key())).isEqualTo(SECRET);
    assertThat(plain.paddingRequired()).isFalse();
    MtProxySecret dd = MtProxySecret.parse("dd" + SECRET.toUpperCase());
    assertThat(hex(dd.key())).isEqualTo(SECRET);
    assertThat(dd.paddingRequired()).isTrue();
    assertThat(MtProxySecret.of(hex("dd" + SECRET))).isEqualTo(dd);
    assertThat(MtProxySecret.parse(Base64.getEncoder().encodeToString(hex("dd" + SECRET))))
        .isEqualTo(dd);
    assertThat(plain.toString()).doesNotContain(SECRET).contains("redacted");
    byte[] key = plain.key();
    key[0] = 0;
    assertThat(hex(plain.key())).isEqualTo(SECRET); // defensive copies
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "8a96ef6e42a18c21837580cd1c91c5",
        "8a96ef6e42a18c21837580cd1c91c5a8aa00",
        "not a secret!",
        "ee8a96ef6e42a18c21837580cd1c91c5a80a0b"
      })
  void invalidSecrets(String text) {
    assertThatThrownBy(() -> MtProxySecret.parse(text))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(MtProxySecret.tryParse(text)).isEmpty();
  }
}
