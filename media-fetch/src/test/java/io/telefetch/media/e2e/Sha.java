package io.telefetch.media.e2e;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/** SHA-256 helpers for the downloader's end-to-end tests. */
final class Sha {
  private Sha() {}

  static String of(Path p) {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String of(byte[] hash) {
    return HexFormat.of().formatHex(hash);
  }
}
