package io.telefetch.mtproto.crypto;

import static io.telefetch.mtproto.crypto.MtprotoCrypto.Direction.CLIENT_TO_SERVER;
import static io.telefetch.mtproto.crypto.MtprotoCrypto.Direction.SERVER_TO_CLIENT;
import static io.telefetch.mtproto.crypto.TestBytes.hex;
import static io.telefetch.mtproto.crypto.TestBytes.random;
import static io.telefetch.mtproto.crypto.TestBytes.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MtprotoCryptoTest {

  private static final AuthKey KEY = AuthKey.of(sequence(0, 256));
  private static final byte[] MSG_KEY = sequence(0, 16);
  private static final byte[] VECTOR_PLAINTEXT = Arrays.copyOf(
      "Hello, world! This data should remain secure!".getBytes(StandardCharsets.US_ASCII), 64);
  private static final byte[] VECTOR_PACKET = hex(
      "32d1586ea457dfc8a81729d46db54019a2bfd7f744f9b96c4f716cfdc4477db2"
          + "a2c15f6ddb85235fb9552f1d8407c6aaea00cc844c5a1bf6ac44b79b5edc2a23"
          + "868b3d6073a590992c0f2975243d563ea180d218ee757c9a");

  @Test
  void kdfVectorClientToServer() {
    AesKeyIv keys = MtprotoCrypto.deriveKeys(KEY, CLIENT_TO_SERVER, MSG_KEY);
    assertThat(keys.key()).isEqualTo(
        hex("704ed09c8b41668ae8f99d244738f71dbddc44469b6bbd4aa8573dd042bd059e"));
    assertThat(keys.iv()).isEqualTo(
        hex("4d266000a550edabbf4c7ce40fd0043cc92230184cd317a5cc9c2482fd3b9318"));
  }

  @Test
  void kdfVectorServerToClient() {
    AesKeyIv keys = MtprotoCrypto.deriveKeys(KEY, SERVER_TO_CLIENT, MSG_KEY);
    assertThat(keys.key()).isEqualTo(
        hex("217725799b245806458174a1fcfbc883906807b15033fdd0ea2b4d69cf9c364e"));
    assertThat(keys.iv()).isEqualTo(
        hex("669a6538917a4fa56ca32360a431c9160be4ad887140980dab91ce7bdc47ffbc"));
  }

  @Test
  void wholeClientPacketVector() {
    assertThat(VECTOR_PLAINTEXT.length).isEqualTo(45 + 19);
    assertThat(MtprotoCrypto.encrypt(KEY, CLIENT_TO_SERVER, VECTOR_PLAINTEXT))
        .isEqualTo(VECTOR_PACKET);
    assertThat(MtprotoCrypto.decrypt(KEY, CLIENT_TO_SERVER, VECTOR_PACKET))
        .isEqualTo(VECTOR_PLAINTEXT);
  }

  @Test
  void packetHeadIsAuthKeyIdAndMsgKey() {
    byte[] packet = MtprotoCrypto.encrypt(KEY, SERVER_TO_CLIENT, VECTOR_PLAINTEXT);
    assertThat(Bytes.getLongLe(packet, 0)).isEqualTo(KEY.id());
    assertThat(Arrays.copyOfRange(packet, 8, 24))
        .isEqualTo(MtprotoCrypto.msgKey(KEY, SERVER_TO_CLIENT, VECTOR_PLAINTEXT, 0, 64));
  }

  @Test
  void decryptionRejectsAWrongMsgKey() {
    byte[] packet = VECTOR_PACKET.clone();
    packet[8] ^= 1;
    assertThatThrownBy(() -> MtprotoCrypto.decrypt(KEY, CLIENT_TO_SERVER, packet))
        .isInstanceOf(CryptoCheckException.class).hasMessageContaining("msg_key");
  }

  @Test
  void decryptionRejectsTamperedCiphertext() {
    for (int position : new int[] {24, 40, VECTOR_PACKET.length - 1}) {
      byte[] packet = VECTOR_PACKET.clone();
      packet[position] ^= (byte) 0x80;
      assertThatThrownBy(() -> MtprotoCrypto.decrypt(KEY, CLIENT_TO_SERVER, packet))
          .isInstanceOf(CryptoCheckException.class);
    }
  }

  @Test
  void decryptionRejectsTheWrongDirection() {
    assertThatThrownBy(() -> MtprotoCrypto.decrypt(KEY, SERVER_TO_CLIENT, VECTOR_PACKET))
        .isInstanceOf(CryptoCheckException.class);
  }

  @Test
  void decryptionRejectsAnotherAuthKeyAndBadLengths() {
    AuthKey other = AuthKey.of(sequence(1, 256));
    assertThatThrownBy(() -> MtprotoCrypto.decrypt(other, CLIENT_TO_SERVER, VECTOR_PACKET))
        .isInstanceOf(CryptoCheckException.class).hasMessageContaining("another auth key");
    for (int length : new int[] {0, 24, 39, 41, 87}) {
      byte[] packet = Arrays.copyOf(VECTOR_PACKET, length);
      assertThatThrownBy(() -> MtprotoCrypto.decrypt(KEY, CLIENT_TO_SERVER, packet))
          .isInstanceOf(CryptoCheckException.class);
    }
  }

  @Test
  void encryptionRejectsUnpaddedPlaintext() {
    assertThatThrownBy(() -> MtprotoCrypto.encrypt(KEY, CLIENT_TO_SERVER, new byte[45]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MtprotoCrypto.encrypt(KEY, CLIENT_TO_SERVER, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void byteBufEncryptionMatchesArraysAndReturnsTheQuickAckToken() {
    byte[] plaintext = random(5, 1 << 20);
    byte[] expected = MtprotoCrypto.encrypt(KEY, SERVER_TO_CLIENT, plaintext);
    byte[] large = MtprotoCrypto.msgKeyLarge(KEY, SERVER_TO_CLIENT, plaintext, 0, plaintext.length);
    for (ByteBuf in : AesIgeTest.buffersHolding(plaintext)) {
      ByteBuf out = Unpooled.directBuffer();
      try {
        out.writeByte(0xAB).readerIndex(1);
        int token = MtprotoCrypto.encrypt(KEY, SERVER_TO_CLIENT, in, out);
        assertThat(AesIgeTest.readable(in)).isEqualTo(plaintext);
        assertThat(AesIgeTest.readable(out)).isEqualTo(expected);
        assertThat(token).isEqualTo(
            (large[0] & 0xFF | (large[1] & 0xFF) << 8 | (large[2] & 0xFF) << 16
                | (large[3] & 0xFF) << 24) | 0x8000_0000);
      } finally {
        in.release();
        out.release();
      }
    }
  }

  @Test
  void byteBufDecryptionWorksInPlace() {
    byte[] plaintext = random(6, 4096);
    byte[] packet = MtprotoCrypto.encrypt(KEY, CLIENT_TO_SERVER, plaintext);
    for (ByteBuf buf : AesIgeTest.buffersHolding(packet)) {
      try {
        int readerIndex = buf.readerIndex();
        MtprotoCrypto.decrypt(KEY, CLIENT_TO_SERVER, buf);
        assertThat(buf.readerIndex()).isEqualTo(readerIndex + MtprotoCrypto.HEADER_SIZE);
        assertThat(AesIgeTest.readable(buf)).isEqualTo(plaintext);
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void byteBufDecryptionFailureZeroesTheBodyAndKeepsTheIndexes() {
    byte[] packet = MtprotoCrypto.encrypt(KEY, CLIENT_TO_SERVER, random(7, 256));
    packet[30] ^= 1;
    ByteBuf buf = Unpooled.directBuffer().writeBytes(packet);
    try {
      assertThatThrownBy(() -> MtprotoCrypto.decrypt(KEY, CLIENT_TO_SERVER, buf))
          .isInstanceOf(CryptoCheckException.class);
      assertThat(buf.readerIndex()).isZero();
      assertThat(buf.writerIndex()).isEqualTo(packet.length);
      assertThat(buf.slice(24, 256).forEachByte(b -> b == 0)).isEqualTo(-1);
    } finally {
      buf.release();
    }
  }

  @Test
  void authKeyIdentifiersAndValueSemantics() {
    AuthKey same = AuthKey.of(sequence(0, 256));
    assertThat(same).isEqualTo(KEY).hasSameHashCodeAs(KEY);
    assertThat(AuthKey.of(sequence(1, 256))).isNotEqualTo(KEY);
    byte[] sha1 = Hashes.sha1(sequence(0, 256));
    assertThat(KEY.id()).isEqualTo(Bytes.getLongLe(sha1, 12));
    assertThat(KEY.auxHash()).isEqualTo(Bytes.getLongLe(sha1, 0));
    assertThat(KEY.toString()).doesNotContain("000102");
    assertThatThrownBy(() -> AuthKey.of(new byte[255])).isInstanceOf(IllegalArgumentException.class);
  }
}
