package io.telefetch.tl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.security.MessageDigest;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link TlBytes#updateDigest} hashes exactly the range asked, whatever backs the value. */
class TlBytesDigestTest {
  private static final TlReader.Options ZERO_COPY = new TlReader.Options(16, 1 << 20, 64, false);

  @Test
  void heapValuesAndSlicesOfHeapAndDirectBuffersHashTheSameRange() throws Exception {
    byte[] content = new byte[5000];
    new Random(3).nextBytes(content);
    byte[] expected = sha(content, 1000, 2500);
    assertThat(digestOf(TlBytes.of(content), 1000, 2500)).isEqualTo(expected);
    for (Function<Integer, ByteBuf> alloc : java.util.List.<Function<Integer, ByteBuf>>of(Unpooled::buffer, Unpooled::directBuffer)) {
      ByteBuf encoded = alloc.apply(content.length + 16);
      try {
        encoded.writeInt(7); // something before the value: the slice does not start at the array's 0
        new TlWriter(encoded).writeBytes(TlBytes.wrap(content));
        encoded.skipBytes(4);
        TlBytes slice = new TlReader(encoded, TlRegistry.standard(), ZERO_COPY).readBytes();
        assertThat(slice.isSlice()).isTrue();
        try {
          assertThat(digestOf(slice, 1000, 2500)).as(encoded.isDirect() ? "direct" : "heap").isEqualTo(expected);
          assertThat(digestOf(slice, 0, content.length)).isEqualTo(sha(content, 0, content.length));
        } finally {
          slice.release();
        }
      } finally {
        encoded.release();
      }
    }
  }

  @Test
  void aRangeOutsideTheValueIsRefused() {
    TlBytes value = TlBytes.of(new byte[10]);
    assertThatThrownBy(() -> value.updateDigest(MessageDigest.getInstance("SHA-256"), 5, 6))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> value.updateDigest(MessageDigest.getInstance("SHA-256"), -1, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static byte[] digestOf(TlBytes value, int from, int length) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    value.updateDigest(md, from, length);
    return md.digest();
  }

  private static byte[] sha(byte[] content, int from, int length) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(content, from, length);
    return md.digest();
  }
}
