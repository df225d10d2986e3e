package io.telefetch.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.security.MessageDigest;

/** Reading a served stream into a digest in the pool tests. */
final class StreamBytes {
  private StreamBytes() {}

  /** Reads exactly {@code n} bytes of {@code in} into {@code sha}; fails the test if the stream ends first. */
  static void read(InputStream in, MessageDigest sha, long n) throws Exception {
    byte[] buf = new byte[1 << 16];
    long left = n;
    while (left > 0) {
      int got = in.read(buf, 0, (int) Math.min(buf.length, left));
      assertThat(got).as("the stream ended early").isPositive();
      sha.update(buf, 0, got);
      left -= got;
    }
  }
}
