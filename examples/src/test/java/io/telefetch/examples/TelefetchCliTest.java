package io.telefetch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TelefetchCliTest {

  @Test
  void tlDecodePrintsTheObject() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    int code;
    try {
      code = new CommandLine(new TelefetchCli()).execute("tl", "decode", "c5737734", "0100000000000000", "0200000000000000");
    } finally {
      System.setOut(old);
    }
    assertThat(code).isZero();
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("\"_\":\"pong\"").contains("(identical)");
  }

  @Test
  void usageListsTheCommands() {
    StringWriter sw = new StringWriter();
    new CommandLine(new TelefetchCli()).setOut(new PrintWriter(sw)).execute("--help");
    assertThat(sw.toString()).contains("tl");
  }
}
