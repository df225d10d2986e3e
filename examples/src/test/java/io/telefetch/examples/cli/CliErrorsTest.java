package io.telefetch.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.link.LinkParseException;
import io.telefetch.link.LinkResolveException;
import io.telefetch.link.TelegramLink;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.mtproto.rpc.RpcTimeoutException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The one place errors become a line and a hint: every link reason, rpc errors, wrappers, --debug. */
class CliErrorsTest {
  @Test
  void everyLinkReasonHasItsOwnHint() {
    Set<String> hints = new HashSet<>();
    for (LinkResolveException.Reason reason : LinkResolveException.Reason.values()) {
      CliErrors.Problem p = CliErrors.describe(new LinkResolveException(reason, "it failed"));
      assertThat(p.message()).isEqualTo("it failed (" + reason + ")");
      assertThat(p.status()).isEqualTo(1);
      hints.add(p.hint());
    }
    assertThat(hints).hasSize(LinkResolveException.Reason.values().length);
  }

  @Test
  void rpcErrorsAPersonMeets() {
    assertThat(CliErrors.describe(RpcException.of(400, "PHONE_CODE_EXPIRED")).message()).contains("expired");
    assertThat(CliErrors.describe(RpcException.of(401, "SESSION_PASSWORD_NEEDED")).message())
        .contains("two-step verification");
    assertThat(CliErrors.describe(RpcException.of(400, "API_ID_INVALID")).hint()).contains("my.telegram.org");
    assertThat(CliErrors.describe(RpcException.of(401, "AUTH_KEY_UNREGISTERED")).hint()).contains("telefetch login");
    assertThat(CliErrors.describe(RpcException.of(420, "FLOOD_WAIT_31")).message()).contains("31 s");
    assertThat(CliErrors.describe(RpcException.of(400, "SOMETHING_NEW")).message())
        .isEqualTo("Telegram answered 400 SOMETHING_NEW");
  }

  @Test
  void wrappersAreUnwrappedAndTimeoutsAreNetworkErrors() {
    Throwable wrapped = new CompletionException(new ExecutionException(
        new RpcTimeoutException("upload.getFile", Duration.ofSeconds(30))));
    assertThat(CliErrors.describe(wrapped).message()).startsWith("cannot reach Telegram");
  }

  @Test
  void reportIsTwoLinesAndTheStackTraceOnlyWithDebug() throws Exception {
    LinkParseException e = assertThrowsParse();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    assertThat(CliErrors.report(err, "info", e, false)).isEqualTo(1);
    String plain = bytes.toString(StandardCharsets.UTF_8);
    assertThat(plain.lines().toList()).hasSize(2);
    assertThat(plain).startsWith("telefetch info: not a Telegram link: ").contains("  hint: links look like");
    bytes.reset();
    CliErrors.report(err, "info", e, true);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("LinkParseException").contains("\tat ");
  }

  @Test
  void anUnexpectedErrorSaysItIsABug() {
    CliErrors.Problem p = CliErrors.describe(new NullPointerException("x was null\nsecond line"));
    assertThat(p.message()).isEqualTo("NullPointerException: x was null");
    assertThat(p.hint()).contains("--debug");
  }

  private static LinkParseException assertThrowsParse() {
    try {
      TelegramLink.parse("https://evil.example/x");
    } catch (LinkParseException e) {
      return e;
    }
    throw new AssertionError("parsed");
  }
}
