package io.telefetch.examples.cli;

import io.telefetch.tl.api.auth.LogOut;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telefetch logout}: {@code auth.logOut} (the server forgets the authorization), then the
 * session file is deleted. When the server cannot be told (no network, a corrupt or revoked
 * session), nothing is deleted unless {@code --force}.
 */
@Command(name = "logout", mixinStandardHelpOptions = true,
    description = "Log the account out (auth.logOut) and delete its session file.")
public final class LogoutCommand extends CliCommand {
  @Option(names = "--force", description = "delete the session file even when Telegram cannot be told")
  boolean force;

  @Override
  protected int execute() throws Exception {
    String account = options.account();
    Path file = TelefetchHome.of(io.env()).sessionFile(account);
    if (!Files.exists(file)) {
      throw AccountOptions.notLoggedIn(account);
    }
    try (AccountClient c = options.openForLogin(io)) {
      if (!c.client().isLoggedIn()) {
        throw AccountOptions.notLoggedIn(account);
      }
      CliErrors.await(c.client().invoke(new LogOut()), Duration.ofSeconds(60));
    } catch (Exception e) {
      if (!force) {
        throw e;
      }
      io.err().println("telefetch logout: Telegram was not told (" + CliErrors.describe(e).message()
          + "); deleting the session anyway (--force)");
    }
    Files.deleteIfExists(file); // after close: closing saves the session once more
    io.out().println("Logged out account '" + account + "'; deleted " + file);
    return 0;
  }
}
