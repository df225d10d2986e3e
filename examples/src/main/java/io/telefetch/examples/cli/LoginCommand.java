package io.telefetch.examples.cli;

import io.telefetch.mtproto.client.Login;
import io.telefetch.tl.api.User;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telefetch login}: logs an account in with a bot token, a phone number (code, then the
 * two-step password when the account has one) or a QR code scanned by a logged-in app, and keeps
 * the session in the account's file (mode 600). Secrets are read without echo on a terminal;
 * without one, each answer is the next line of standard input (for scripts and tests).
 */
@Command(name = "login", mixinStandardHelpOptions = true,
    description = {"Log an account in and keep its session (mode 600) in the config directory.",
        "One of --bot-token, --phone or --qr; answers (code, password) are asked for on the terminal, "
            + "or read one a line from standard input when it is not a terminal."})
public final class LoginCommand extends CliCommand {
  @Option(names = "--bot-token", arity = "0..1", fallbackValue = "", paramLabel = "TOKEN",
      description = "log in as a bot; without TOKEN it is asked for (without echo)")
  @Nullable String botToken;

  @Option(names = "--phone", arity = "0..1", fallbackValue = "", paramLabel = "PHONE",
      description = "log in as a user: Telegram sends a code; without PHONE it is asked for")
  @Nullable String phone;

  @Option(names = "--qr", description = "log in by scanning a QR code with a logged-in Telegram app "
      + "(Settings > Devices > Link Desktop Device)")
  boolean qr;

  @Option(names = "--qr-poll", defaultValue = "2", paramLabel = "SECONDS", hidden = true,
      description = "how often the QR login checks whether the code was scanned")
  long qrPollSeconds;

  @Option(names = "--login-timeout", defaultValue = "900", paramLabel = "SECONDS",
      description = "give up after this many seconds (default ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Override
  protected int execute() throws Exception {
    int ways = (botToken != null ? 1 : 0) + (phone != null ? 1 : 0) + (qr ? 1 : 0);
    if (ways != 1) {
      throw new CliException(ways == 0 ? "how to log in?" : "give only one of --bot-token, --phone and --qr",
          "telefetch login --phone +4420..., telefetch login --bot-token 123:ABC..., or telefetch login --qr",
          CliException.USAGE, null);
    }
    ExecutorService prompts = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "telefetch-prompt");
      t.setDaemon(true);
      return t;
    });
    String account = options.account();
    Path file = TelefetchHome.of(io.env()).sessionFile(account);
    boolean existed = Files.exists(file);
    boolean ok = false;
    try (AccountClient c = options.openForLogin(io)) {
      Login login = login(prompts);
      User user = CliErrors.await(c.client().login(login), Duration.ofSeconds(timeoutSeconds));
      ok = true;
      io.out().println("Logged in as " + describe(user) + " on DC " + c.client().mainDc() + "; account '" + account
          + "', session " + c.sessionFile().map(Path::toString).orElse("in memory"));
      return 0;
    } finally {
      prompts.shutdownNow();
      if (!ok && !existed) {
        Files.deleteIfExists(file); // no login: leave no half-made account behind
      }
    }
  }

  private Login login(ExecutorService prompts) {
    if (botToken != null) {
      String token = botToken.isEmpty() ? require(io.ask("Bot token (from @BotFather): ", true), "no bot token given")
          : botToken;
      return Login.botToken(token.strip());
    }
    if (phone != null) {
      String number = phone.isEmpty() ? require(io.ask("Phone number (international format): ", false),
          "no phone number given") : phone;
      return Login.user(number.strip(), new Login.UserAuthenticator() {
        @Override
        public CompletionStage<String> code(Login.CodeRequest request) {
          String prompt = (request.attempt() > 1 ? "Wrong code. " : "") + "Login code (sent "
              + sentBy(request) + "): ";
          return CompletableFuture.supplyAsync(() -> require(io.ask(prompt, false), "no login code given"), prompts);
        }

        @Override
        public CompletionStage<String> password(Login.PasswordRequest request) {
          return askPassword(request, prompts);
        }
      });
    }
    return Login.qr(new Login.QrCallback() {
      @Override
      public void onToken(Login.QrToken token) {
        io.out().println("Scan this with a logged-in Telegram app: Settings > Devices > Link Desktop Device");
        io.out().print(QrText.render(token.url()));
        io.out().println(token.url());
        io.out().println("(valid until " + token.expires() + "; a new code follows when it expires)");
        io.out().flush();
      }

      @Override
      public CompletionStage<String> password(Login.PasswordRequest request) {
        return askPassword(request, prompts);
      }
    }, Duration.ofSeconds(Math.max(1, qrPollSeconds)));
  }

  private CompletionStage<String> askPassword(Login.PasswordRequest request, ExecutorService prompts) {
    String prompt = (request.attempt() > 1 ? "Wrong password. " : "") + "Two-step verification password"
        + (request.hint() == null || request.hint().isEmpty() ? "" : " (hint: " + request.hint() + ")") + ": ";
    return CompletableFuture.supplyAsync(() -> {
      String p = io.ask(prompt, true);
      if (p == null) {
        throw new CliException("this account has two-step verification: its password is needed",
            "run telefetch login in a terminal, or give the password on the line after the code");
      }
      return p;
    }, prompts);
  }

  private static String sentBy(Login.CodeRequest request) {
    String type = request.type() == null ? "" : request.type().tlName();
    if (type.contains("App")) {
      return "to your Telegram app";
    }
    if (type.contains("Sms")) {
      return "by SMS";
    }
    return "by Telegram";
  }

  private static String require(@Nullable String answer, String what) {
    if (answer == null || answer.isBlank()) {
      throw new CliException(what, "type it when asked, or give it on standard input", CliException.USAGE, null);
    }
    return answer;
  }

  /** A user's name, @username and masked id; no phone number. */
  static String describe(User user) {
    StringBuilder s = new StringBuilder();
    String name = ((user.firstName() == null ? "" : user.firstName()) + " "
        + (user.lastName() == null ? "" : user.lastName())).strip();
    s.append(name.isEmpty() ? "(no name)" : name);
    if (user.username() != null) {
      s.append(" (@").append(user.username()).append(')');
    }
    s.append(user.bot() ? ", bot " : ", user ").append(AccountsCommand.maskId(user.id()));
    return s.toString();
  }
}
