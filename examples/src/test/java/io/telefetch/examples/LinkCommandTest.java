package io.telefetch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code telefetch link parse}: the JSON-lines contract scripts depend on, and its exit status. */
class LinkCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Run(int exit, List<JsonNode> lines) {}

  private static Run run(String stdin, String... args) throws Exception {
    LinkCommand.Parse parse = new LinkCommand.Parse();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    parse.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    parse.in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    int exit = new CommandLine(parse).execute(args);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        lines.add(JSON.readTree(line));
      }
    }
    return new Run(exit, lines);
  }

  @Test
  void everyKindPrintsItsFields() throws Exception {
    Run run = run("", "https://t.me/durov/3/5?single&comment=7&t=1m",
        "t.me/c/1234567890/9", "https://t.me/durov", "https://t.me/+AbCd", "t.me/+12025550123",
        "https://t.me/durov/s/4", "https://t.me/addstickers/Animals");
    assertThat(run.exit()).isZero();
    assertThat(run.lines()).hasSize(7);
    assertThat(run.lines().get(0).toString()).isEqualTo(
        "{\"input\":\"https://t.me/durov/3/5?single&comment=7&t=1m\",\"kind\":\"post\","
            + "\"username\":\"durov\",\"msg\":5,\"thread\":3,\"comment\":7,\"single\":true,\"t\":60}");
    assertThat(run.lines().get(1).toString()).isEqualTo(
        "{\"input\":\"t.me/c/1234567890/9\",\"kind\":\"private_post\",\"channel\":1234567890,"
            + "\"msg\":9}");
    assertThat(run.lines().get(2).get("kind").asText()).isEqualTo("username");
    assertThat(run.lines().get(3).get("hash").asText()).isEqualTo("AbCd");
    assertThat(run.lines().get(4).get("phone").asText()).isEqualTo("12025550123");
    assertThat(run.lines().get(5).get("story").asInt()).isEqualTo(4);
    assertThat(run.lines().get(6).get("what").asText()).isEqualTo("sticker_set");
    assertThat(run.lines().get(0).has("error")).isFalse();
  }

  @Test
  void anInvalidInputPrintsAnErrorAndExitsOne() throws Exception {
    Run run = run("", "https://t.me/durov/5", "https://t.me.evil.com/durov/5");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.lines().get(0).get("kind").asText()).isEqualTo("post");
    assertThat(run.lines().get(1).get("input").asText()).isEqualTo("https://t.me.evil.com/durov/5");
    assertThat(run.lines().get(1).get("error").asText()).contains("FOREIGN_HOST").contains("8");
    assertThat(run.lines().get(1).has("kind")).isFalse();
  }

  @Test
  void dashReadsOneLinkALineFromStandardInput() throws Exception {
    Run run = run("https://t.me/durov/1\n\n  tg://resolve?domain=durov&post=2  \nnot a link\n", "-");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.lines()).hasSize(3);
    assertThat(run.lines().get(1).get("msg").asInt()).isEqualTo(2);
    assertThat(run.lines().get(2).has("error")).isTrue();
    Run ok = run("https://t.me/durov/1\n");
    assertThat(ok.exit()).isZero();
    assertThat(ok.lines()).hasSize(1);
  }
}
