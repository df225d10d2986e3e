package io.telefetch.examples.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a command runs with: standard input, output and error, the environment, and the terminal
 * when there is one. {@link #system()} is the real process; tests build their own with {@link
 * #of} (no terminal: prompts read lines from {@code in}, output is plain).
 */
public final class CliIo {
  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private final @Nullable Console console;
  private @Nullable BufferedReader lines;

  private CliIo(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, @Nullable Console console) {
    this.in = Objects.requireNonNull(in, "in");
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
    this.env = Map.copyOf(env);
    this.console = console;
  }

  /** The process's own streams, environment and terminal ({@link System#console()}). */
  public static CliIo system() {
    return new CliIo(System.in, System.out, System.err, System.getenv(), System.console());
  }

  /** Given streams and environment, without a terminal. */
  public static CliIo of(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    return new CliIo(in, out, err, env, null);
  }

  public InputStream in() {
    return in;
  }

  public PrintStream out() {
    return out;
  }

  public PrintStream err() {
    return err;
  }

  /** An environment variable, or null. */
  public @Nullable String env(String name) {
    return env.get(name);
  }

  /** The environment. */
  public Map<String, String> env() {
    return env;
  }

  /** Whether standard input and output are a terminal (then prompts hide passwords, progress is drawn live). */
  public boolean terminal() {
    return console != null;
  }

  /**
   * Asks for one line: on the terminal with {@code prompt}, else the next line of standard input
   * (the prompt goes to standard error). Null at the end of the input.
   *
   * @param secret read without echo on a terminal (passwords, tokens)
   */
  public synchronized @Nullable String ask(String prompt, boolean secret) {
    if (console != null) {
      if (secret) {
        char[] chars = console.readPassword("%s", prompt);
        return chars == null ? null : new String(chars);
      }
      return console.readLine("%s", prompt);
    }
    err.print(prompt);
    err.flush();
    try {
      if (lines == null) {
        lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      }
      String line = lines.readLine();
      err.println();
      return line;
    } catch (IOException e) {
      return null;
    }
  }
}
