package io.telefetch.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command of the account layer: runs {@link #execute()} with the {@link CliIo} it was given
 * ({@link #factory}) and reports any failure through {@link CliErrors} (one line and a hint; the
 * stack trace only with {@code --debug}).
 */
public abstract class CliCommand implements Callable<Integer> {
  /** The streams and environment; {@link #factory} sets it. */
  protected CliIo io = CliIo.system();

  /** {@code --account}, {@code --api-id}, {@code --api-hash}, {@code --testkit}, {@code --debug}. */
  @Mixin
  protected AccountOptions options = new AccountOptions();

  @Spec
  CommandSpec spec;

  /** Runs the command; its return value is the exit status. */
  protected abstract int execute() throws Exception;

  @Override
  public final Integer call() {
    try {
      return execute();
    } catch (Exception | AssertionError e) {
      return CliErrors.report(io.err(), spec == null ? "" : spec.name(), e, options.debug());
    } finally {
      io.out().flush();
    }
  }

  /** A picocli factory that hands {@code io} to every {@link CliCommand} it creates. */
  public static CommandLine.IFactory factory(CliIo io) {
    CommandLine.IFactory fallback = CommandLine.defaultFactory();
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        K k = fallback.create(cls);
        if (k instanceof CliCommand c) {
          c.io = io;
        }
        return k;
      }
    };
  }
}
