package io.telefetch.examples.tl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TlDecodeToolTest {

  @Test
  void decodesAndReencodes() {
    // pong msg_id=1 ping_id=2
    String hex = "c5737734 01000000 00000000 02000000 00000000";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = TlDecodeTool.run(hex, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("{\"_\":\"pong\",\"msg_id\":1,\"ping_id\":2}")
        .contains("re-encoded: c573773401000000000000000200000000000000 (identical)");
  }

  @Test
  void reportsUndecodableInput() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = TlDecodeTool.run("deadbeef", System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown constructor").contains("#efbeadde");
  }

  @Test
  void rejectsOddHex() {
    assertThat(TlDecodeTool.run("abc", System.out, new PrintStream(new ByteArrayOutputStream()))).isEqualTo(1);
    assertThat(TlDecodeTool.run(" ", System.out, new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
  }
}
