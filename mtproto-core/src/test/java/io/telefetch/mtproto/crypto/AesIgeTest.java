package io.telefetch.mtproto.crypto;

import static io.telefetch.mtproto.crypto.TestBytes.hex;
import static io.telefetch.mtproto.crypto.TestBytes.random;
import static io.telefetch.mtproto.crypto.TestBytes.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AesIgeTest {

  @Test
  void aes128OpenSslVector() {
    byte[] data = new byte[32];
    AesIge.encrypt(sequence(0, 16), sequence(0, 32), data, 0, 32);
    assertThat(data).isEqualTo(
        hex("1a8519a6557be652e9da8e43da4ef4453cf456b4ca488aa383c79c98b34797cb"));

    AesIge.decrypt(sequence(0, 16), sequence(0, 32), data, 0, 32);
    assertThat(data).isEqualTo(new byte[32]);
  }

  @Test
  void aes256EncryptVector() {
    byte[] k = sequence(0, 32);
    byte[] data = k.clone();
    AesIge.encrypt(k, k, data, 0, 32);
    assertThat(data).isEqualTo(
        hex("e28112a53e5c89c7b1ea8071c133699fd4e86b26c4bac9fc5af1ab8ce27a44a4"));
  }

  @Test
  void aes256DecryptVector() {
    byte[] k = sequence(0, 32);
    byte[] data = k.clone();
    AesIge.decrypt(k, k, data, 0, 32);
    assertThat(data).isEqualTo(
        hex("e5777afacd7b2c16f7ac40cae61ef603fee6098fb8a8860ab9ee672cd7e5bacc"));
  }

  /** Lengths around the 16 KiB chunk of the CBC-based encryption, and a whole MiB. */
  @ParameterizedTest
  @ValueSource(ints = {16, 32, 48, 1024, 16368, 16384, 16400, 32768, 49168, 1 << 20})
  void matchesTextbookIgeAndRoundTrips(int length) throws Exception {
    byte[] key = random(length, 32);
    byte[] iv = random(length + 1, 32);
    byte[] plain = random(length + 2, length + 7);
    int offset = 7;

    byte[] data = plain.clone();
    AesIge.encrypt(key, iv, data, offset, length);
    byte[] expected = textbookEncrypt(key, iv, Arrays.copyOfRange(plain, offset, offset + length));
    assertThat(Arrays.copyOfRange(data, offset, offset + length)).isEqualTo(expected);
    assertThat(Arrays.copyOf(data, offset)).isEqualTo(Arrays.copyOf(plain, offset));

    AesIge.decrypt(key, iv, data, offset, length);
    assertThat(data).isEqualTo(plain);
  }

  @Test
  void ivIsNotModified() {
    byte[] key = random(1, 32);
    byte[] iv = random(2, 32);
    byte[] ivCopy = iv.clone();
    byte[] data = random(3, 64);
    AesIge.encrypt(key, iv, data, 0, 64);
    AesIge.decrypt(key, iv, data, 0, 64);
    assertThat(iv).isEqualTo(ivCopy);
  }

  @Test
  void emptyRangeIsANoOp() {
    byte[] data = random(1, 16);
    byte[] copy = data.clone();
    AesIge.encrypt(random(2, 32), random(3, 32), data, 5, 0);
    assertThat(data).isEqualTo(copy);
  }

  @ParameterizedTest
  @ValueSource(ints = {48, 40_000})
  void byteBufsOfEveryKindGiveTheArrayResult(int length) {
    byte[] key = random(10, 32);
    byte[] iv = random(11, 32);
    byte[] plain = random(12, length);
    byte[] expected = plain.clone();
    AesIge.encrypt(key, iv, expected, 0, length);

    for (ByteBuf buf : buffersHolding(plain)) {
      try {
        int readerIndex = buf.readerIndex();
        int writerIndex = buf.writerIndex();
        AesIge.encrypt(key, iv, buf);
        assertThat(buf.readerIndex()).isEqualTo(readerIndex);
        assertThat(buf.writerIndex()).isEqualTo(writerIndex);
        assertThat(readable(buf)).as(buf.toString()).isEqualTo(expected);
        AesIge.decrypt(key, iv, buf);
        assertThat(readable(buf)).as(buf.toString()).isEqualTo(plain);
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void rejectsBadArguments() {
    byte[] data = new byte[32];
    assertThatThrownBy(() -> AesIge.encrypt(new byte[32], new byte[32], data, 0, 17))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 16");
    assertThatThrownBy(() -> AesIge.decrypt(new byte[32], new byte[16], data, 0, 16))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IV");
    assertThatThrownBy(() -> AesIge.encrypt(new byte[31], new byte[32], data, 0, 16))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
    assertThatThrownBy(() -> AesIge.encrypt(new byte[32], new byte[32], data, 32, 16))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void threadsDoNotShareState() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Boolean>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        tasks.add(() -> {
          for (int i = 0; i < 50; i++) {
            byte[] key = random(seed * 1000 + i, 32);
            byte[] iv = random(seed * 1000 + i + 1, 32);
            byte[] plain = random(seed * 1000 + i + 2, 16 * (1 + i * 37 % 2000));
            byte[] data = plain.clone();
            AesIge.encrypt(key, iv, data, 0, data.length);
            if (!Arrays.equals(data, textbookEncrypt(key, iv, plain))) {
              return false;
            }
            AesIge.decrypt(key, iv, data, 0, data.length);
            if (!Arrays.equals(data, plain)) {
              return false;
            }
          }
          return true;
        });
      }
      for (Future<Boolean> result : pool.invokeAll(tasks)) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Heap, direct and composite buffers whose readable bytes are {@code content}. */
  static List<ByteBuf> buffersHolding(byte[] content) {
    List<ByteBuf> buffers = new ArrayList<>();
    ByteBuf heap = Unpooled.buffer(content.length + 20);
    heap.writeZero(9).readerIndex(9);
    heap.writeBytes(content).writeZero(5);
    heap.writerIndex(heap.writerIndex() - 5);
    buffers.add(heap);
    ByteBuf direct = Unpooled.directBuffer(content.length + 3);
    direct.writeZero(3).readerIndex(3);
    buffers.add(direct.writeBytes(content));
    int half = content.length / 2;
    CompositeByteBuf composite = Unpooled.compositeBuffer();
    composite.addComponent(true, Unpooled.directBuffer().writeBytes(content, 0, half));
    composite.addComponent(true, Unpooled.buffer().writeBytes(content, half, content.length - half));
    buffers.add(composite);
    return buffers;
  }

  static byte[] readable(ByteBuf buf) {
    byte[] bytes = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), bytes);
    return bytes;
  }

  /** IGE straight from its definition, one ECB block at a time: the reference. */
  static byte[] textbookEncrypt(byte[] key, byte[] iv, byte[] plain) throws Exception {
    Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
    ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
    byte[] previousCipher = Arrays.copyOfRange(iv, 0, 16);
    byte[] previousPlain = Arrays.copyOfRange(iv, 16, 32);
    byte[] out = new byte[plain.length];
    byte[] block = new byte[16];
    for (int i = 0; i < plain.length; i += 16) {
      for (int j = 0; j < 16; j++) {
        block[j] = (byte) (plain[i + j] ^ previousCipher[j]);
      }
      byte[] encrypted = ecb.doFinal(block);
      for (int j = 0; j < 16; j++) {
        out[i + j] = (byte) (encrypted[j] ^ previousPlain[j]);
      }
      previousCipher = Arrays.copyOfRange(out, i, i + 16);
      previousPlain = Arrays.copyOfRange(plain, i, i + 16);
    }
    return out;
  }
}
