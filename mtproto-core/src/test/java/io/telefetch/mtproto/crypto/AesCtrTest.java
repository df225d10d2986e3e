package io.telefetch.mtproto.crypto;

import static io.telefetch.mtproto.crypto.TestBytes.hex;
import static io.telefetch.mtproto.crypto.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AesCtrTest {

  @Test
  void nistSp80038aCtrAes256() {
    byte[] data = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
    new AesCtr(hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
        hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")).apply(data, 0, data.length);
    assertThat(data).isEqualTo(
        hex("601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"));
  }

  /** The MTProxy obfuscation vector of the protocol notes: both streams and their continuation. */
  @Test
  void obfuscationVector() {
    byte[] init = hex("f5768f50b731260a46be1027c2eeaa39350624f0b6da59eba56c81fe4510c2e0"
        + "b61d3dd323ee02388633e3837a0c1c24fa6f29ccd724be6fdddddddd0200cce6");
    byte[] secret = hex("8a96ef6e42a18c21837580cd1c91c5a8");
    AesCtr encryptor = new AesCtr(
        Hashes.sha256(Arrays.copyOfRange(init, 8, 40), secret), Arrays.copyOfRange(init, 40, 56));
    byte[] encryptedInit = init.clone();
    encryptor.apply(encryptedInit, 0, 64);
    assertThat(Arrays.copyOfRange(encryptedInit, 56, 64)).isEqualTo(hex("bea2dde16dc59dd2"));
    byte[] abcd = "abcd".getBytes(StandardCharsets.US_ASCII);
    encryptor.apply(abcd, 0, 4);
    assertThat(abcd).isEqualTo(hex("ca7a8226"));

    byte[] reversed = Bytes.reverse(init);
    AesCtr decryptor = new AesCtr(Hashes.sha256(Arrays.copyOfRange(reversed, 8, 40), secret),
        Arrays.copyOfRange(reversed, 40, 56));
    byte[] incoming = "abcd".getBytes(StandardCharsets.US_ASCII);
    decryptor.apply(incoming, 0, 4);
    assertThat(incoming).isEqualTo(hex("8f711982"));
  }

  @Test
  void streamContinuesAcrossCallsOfAnyLength() {
    byte[] key = random(1, 32);
    byte[] iv = random(2, 16);
    byte[] whole = random(3, 1000);
    byte[] pieces = whole.clone();
    new AesCtr(key, iv).apply(whole, 0, whole.length);
    AesCtr stream = new AesCtr(key, iv);
    int[] cuts = {0, 1, 5, 16, 17, 100, 333, 1000};
    for (int i = 1; i < cuts.length; i++) {
      stream.apply(pieces, cuts[i - 1], cuts[i] - cuts[i - 1]);
    }
    assertThat(pieces).isEqualTo(whole);
  }

  @Test
  void byteBufsOfEveryKind() {
    byte[] key = random(4, 32);
    byte[] iv = random(5, 16);
    byte[] plain = random(6, 40_000);
    byte[] expected = plain.clone();
    new AesCtr(key, iv).apply(expected, 0, expected.length);
    for (ByteBuf buf : AesIgeTest.buffersHolding(plain)) {
      try {
        new AesCtr(key, iv).apply(buf);
        assertThat(AesIgeTest.readable(buf)).as(buf.toString()).isEqualTo(expected);
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void cdnPartIvCarriesTheOffsetOverSixteen() {
    byte[] key = random(7, 32);
    byte[] iv = random(8, 16);
    Arrays.fill(iv, 12, 16, (byte) 0);
    int offset = 1 << 20;
    byte[] file = random(9, offset + 4096);
    byte[] wholeFile = file.clone();
    AesCtr.forCdnPart(key, iv, 0).apply(wholeFile, 0, wholeFile.length);
    byte[] part = Arrays.copyOfRange(file, offset, offset + 4096);
    AesCtr.forCdnPart(key, iv, offset).apply(part, 0, part.length);
    assertThat(part).isEqualTo(Arrays.copyOfRange(wholeFile, offset, offset + 4096));

    byte[] expectedIv = iv.clone();
    expectedIv[13] = 1; // 2^20 / 16 = 0x00010000
    byte[] direct = Arrays.copyOfRange(file, offset, offset + 4096);
    new AesCtr(key, expectedIv).apply(direct, 0, direct.length);
    assertThat(direct).isEqualTo(part);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new AesCtr(new byte[16], new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AesCtr(new byte[32], new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AesCtr.forCdnPart(new byte[32], new byte[16], 17))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AesCtr.forCdnPart(new byte[32], new byte[16], -16))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
