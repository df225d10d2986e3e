package io.telefetch.testkit.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Seeded and byte-backed file content: deterministic, random access, lazily hashed. */
class FileContentTest {

  @Test
  void seededContentIsDeterministicAndRandomAccess() {
    FileContent a = FileContent.seeded(42, 10_000);
    FileContent b = FileContent.seeded(42, 20_000);
    FileContent other = FileContent.seeded(43, 10_000);
    byte[] whole = a.read(0, 10_000);
    assertThat(b.read(0, 10_000)).isEqualTo(whole);
    assertThat(other.read(0, 10_000)).isNotEqualTo(whole);
    for (int offset : new int[] {0, 1, 7, 8, 9, 1023, 4095, 9_990}) {
      for (int length : new int[] {0, 1, 3, 8, 17, 100}) {
        int n = Math.min(length, 10_000 - offset);
        assertThat(a.read(offset, length)).as("%d+%d", offset, length)
            .isEqualTo(Arrays.copyOfRange(whole, offset, offset + n));
      }
    }
    assertThat(a.read(10_000, 100)).isEmpty();
    assertThat(a.read(20_000, 100)).isEmpty();
    assertThat(a.seed()).hasValue(42);
  }

  @Test
  void contentOfManyGibReadsAnyRangeCheaply() {
    long size = 5L << 30;
    FileContent huge = FileContent.seeded(9, size);
    byte[] tail = huge.read(size - 10, 4096);
    assertThat(tail).hasSize(10);
    assertThat(huge.read(size - 10, 10)).isEqualTo(tail);
    assertThat(huge.read((3L << 30) + 5, 11)).isEqualTo(Arrays.copyOfRange(huge.read(3L << 30, 16), 5, 16));
  }

  @Test
  void sha256MatchesAStreamedDigestAndIsCached() throws Exception {
    FileContent c = FileContent.seeded(1, 3_000_001);
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = c.openStream()) {
      byte[] buffer = new byte[8191];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    byte[] expected = digest.digest();
    assertThat(c.sha256()).isEqualTo(expected);
    byte[] copy = c.sha256();
    copy[0] ^= 1;
    assertThat(c.sha256()).isEqualTo(expected);
    assertThat(c.sha256Hex()).hasSize(64);
    assertThat(c.sha256(100, 1000)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(c.read(100, 1000)));
  }

  @Test
  void sha256Throughput() {
    FileContent c = FileContent.seeded(2, 256L << 20);
    long t0 = System.nanoTime();
    c.sha256();
    long millis = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("SHA-256 of seeded content: 256 MiB in %d ms (about %d ms per GiB)%n", millis, millis * 4);
    assertThat(c.sha256()).hasSize(32);
  }

  @Test
  void byteBackedContentIsACopy() throws Exception {
    byte[] data = {1, 2, 3, 4, 5};
    FileContent c = FileContent.of(data);
    data[0] = 9;
    assertThat(c.read(0, 5)).containsExactly(1, 2, 3, 4, 5);
    assertThat(c.seed()).isEmpty();
    assertThat(c.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3, 4, 5}));
    try (InputStream in = c.openStream(3)) {
      assertThat(in.readAllBytes()).containsExactly(4, 5);
    }
    assertThatThrownBy(() -> c.read(-1, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jpegContentDecodes() throws Exception {
    FileContent jpeg = FileContent.jpeg(320, 200, 5);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg.read(0, (int) jpeg.size())));
    assertThat(image.getWidth()).isEqualTo(320);
    assertThat(image.getHeight()).isEqualTo(200);
  }
}
