package io.telefetch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README's demo, small: two links downloaded and verified, then a Range request served. */
class DemoCommandTest {
  @Test
  void theDemoDownloadsBothLinksAndServesARangeAllVerified() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    int status;
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      status = new CommandLine(new DemoCommand()).execute("--size-mib", "6", "--cdn-size-mib", "2");
    } finally {
      System.setOut(saved);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(status).as(out).isZero();
    assertThat(out).contains("demo.mp4: 6 MiB on DC 2", "cdn.mp4: 2 MiB on DC 2, CDN-served")
        .containsPattern("GET /v1/media Range: bytes=3145728-4194303 -> 206 bytes 3145728-4194303/6291456 in \\d+ ms, "
            + "SHA-256 [0-9a-f]{16}\\.\\.\\. matches")
        .contains("All files verified.")
        .doesNotContain("DOES NOT MATCH");
  }
}
