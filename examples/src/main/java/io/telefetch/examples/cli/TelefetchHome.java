package io.telefetch.examples.cli;

import io.telefetch.mtproto.client.SessionStore;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The config directory: {@code $TELEFETCH_HOME}, else {@code $XDG_CONFIG_HOME/telefetch}, else
 * {@code ~/.config/telefetch}. It holds {@code config.properties} ({@code api_id}, {@code
 * api_hash}) and one session file per named account, {@code accounts/NAME.session}, mode 600 in
 * a directory of mode 700 (both set when they are created, never widened afterwards).
 */
public final class TelefetchHome {
  /** The account used without {@code --account}. */
  public static final String DEFAULT_ACCOUNT = "default";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final String SUFFIX = ".session";

  private final Path dir;

  private TelefetchHome(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** The directory {@code dir} (no lookup). */
  public static TelefetchHome at(Path dir) {
    return new TelefetchHome(dir);
  }

  /** The directory the environment names ({@code TELEFETCH_HOME}, {@code XDG_CONFIG_HOME}, {@code HOME}). */
  public static TelefetchHome of(Map<String, String> env) {
    String home = env.get("TELEFETCH_HOME");
    if (home != null && !home.isBlank()) {
      return new TelefetchHome(Path.of(home));
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return new TelefetchHome(Path.of(xdg, "telefetch"));
    }
    String user = env.getOrDefault("HOME", System.getProperty("user.home"));
    return new TelefetchHome(Path.of(user, ".config", "telefetch"));
  }

  public Path dir() {
    return dir;
  }

  /** {@code config.properties}: {@code api_id} and {@code api_hash}. */
  public Path configFile() {
    return dir.resolve("config.properties");
  }

  /** The settings of {@link #configFile()}, empty when it does not exist. */
  public Properties config() {
    Properties p = new Properties();
    Path file = configFile();
    if (Files.isRegularFile(file)) {
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException | IllegalArgumentException e) {
        throw new CliException("cannot read " + file + ": " + e.getMessage(),
            "fix or remove the file; it holds lines like api_id=12345 and api_hash=0123abcd...",
            CliException.USAGE, e);
      }
    }
    return p;
  }

  /**
   * Checks an account name: 1 to 64 letters, digits, {@code _ . -}, not starting with a dot.
   *
   * @throws CliException when it is not one
   */
  public static String checkAccount(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new CliException("invalid account name '" + name + "'",
          "use 1 to 64 letters, digits, '_', '.' or '-', e.g. --account work", CliException.USAGE, null);
    }
    return name;
  }

  /** The session file of {@code account} (which may not exist). */
  public Path sessionFile(String account) {
    return dir.resolve("accounts").resolve(checkAccount(account) + SUFFIX);
  }

  /** Whether {@code account} has a session file. */
  public boolean hasSession(String account) {
    return Files.exists(sessionFile(account));
  }

  /**
   * The file session store of {@code account}; its directory is created first with mode 700 (the
   * store creates the file itself with mode 600, atomically).
   */
  public SessionStore sessionStore(String account) {
    Path file = sessionFile(account);
    createPrivateDirectories(file.getParent());
    return SessionStore.file(file);
  }

  /** The accounts with a session file, sorted by name. */
  public List<String> accounts() {
    Path accounts = dir.resolve("accounts");
    List<String> names = new ArrayList<>();
    if (!Files.isDirectory(accounts)) {
      return names;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(accounts, "*" + SUFFIX)) {
      for (Path f : files) {
        String n = f.getFileName().toString();
        n = n.substring(0, n.length() - SUFFIX.length());
        if (NAME.matcher(n).matches() && Files.isRegularFile(f)) {
          names.add(n);
        }
      }
    } catch (IOException e) {
      throw new CliException("cannot list " + accounts + ": " + e.getMessage(), "check the directory's permissions",
          CliException.FAILED, e);
    }
    names.sort(null);
    return names;
  }

  /** Creates {@code d} and missing parents with mode 700 where the file system has POSIX permissions. */
  static void createPrivateDirectories(Path d) {
    try {
      if (Files.isDirectory(d)) {
        return;
      }
      boolean posix = d.getFileSystem().supportedFileAttributeViews().contains("posix");
      FileAttribute<?>[] attrs = posix
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
          : new FileAttribute<?>[0];
      Files.createDirectories(d, attrs);
    } catch (IOException e) {
      throw new CliException("cannot create " + d + ": " + e.getMessage(),
          "set TELEFETCH_HOME to a directory you can write", CliException.FAILED, e);
    }
  }

  @Override
  public String toString() {
    return "TelefetchHome[" + dir + "]";
  }
}
