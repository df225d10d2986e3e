package io.telefetch.examples.cli;

import io.telefetch.mtproto.client.SessionData;
import io.telefetch.mtproto.client.SessionStore;
import io.telefetch.mtproto.client.SessionStoreException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * {@code telefetch accounts}: one line per account of the config directory: name, kind (user,
 * bot, logged out, or why the session file is unusable), the user id masked, the home DC and the
 * session file. Reads the session files only; no network.
 */
@Command(name = "accounts", mixinStandardHelpOptions = true,
    description = "List the accounts: name, kind, user id (masked), home DC, session file.")
public final class AccountsCommand extends CliCommand {
  @Override
  protected int execute() {
    TelefetchHome home = TelefetchHome.of(io.env());
    List<String> names = home.accounts();
    if (names.isEmpty()) {
      io.err().println("telefetch accounts: no account in " + home.dir());
      io.err().println("  hint: log one in: telefetch login --phone +44... (or --bot-token, --qr)");
      return 0;
    }
    io.out().printf("%-16s %-10s %-12s %-4s %s%n", "ACCOUNT", "KIND", "ID", "DC", "SESSION");
    for (String name : names) {
      Path file = home.sessionFile(name);
      String kind;
      String id = "-";
      String dc = "-";
      try {
        Optional<SessionData> data = SessionStore.file(file).load();
        if (data.isEmpty() || data.get().userId() == 0) {
          kind = "logged-out";
        } else {
          kind = data.get().bot() ? "bot" : "user";
          id = maskId(data.get().userId());
        }
        if (data.isPresent()) {
          dc = Integer.toString(data.get().mainDc());
        }
      } catch (SessionStoreException e) {
        kind = e.kind().name().toLowerCase(Locale.ROOT);
      }
      io.out().printf("%-16s %-10s %-12s %-4s %s%n", name, kind, id, dc, file);
    }
    return 0;
  }

  /** An id with all but its first two and last two digits hidden: {@code 12***89}. */
  static String maskId(long id) {
    String s = Long.toString(id);
    return s.length() <= 4 ? "***" : s.substring(0, 2) + "***" + s.substring(s.length() - 2);
  }
}
