package io.telefetch.examples;

import io.telefetch.examples.cli.AccountsCommand;
import io.telefetch.examples.cli.CliCommand;
import io.telefetch.examples.cli.CliIo;
import io.telefetch.examples.cli.DownloadCommand;
import io.telefetch.examples.cli.InfoCommand;
import io.telefetch.examples.cli.LoginCommand;
import io.telefetch.examples.cli.LogoutCommand;
import io.telefetch.examples.tl.TlDecodeTool;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The {@code telefetch} command-line tool. */
@Command(name = "telefetch", mixinStandardHelpOptions = true, version = "telefetch 0.1.0",
    description = "Telegram media at wire speed.",
    subcommands = {
        TelefetchCli.Tl.class,
        DemoCommand.class,
        FetchCommand.class,
        LinkCommand.class,
        LoginCommand.class,
        AccountsCommand.class,
        LogoutCommand.class,
        DownloadCommand.class,
        InfoCommand.class,
        io.telefetch.examples.serve.ServeCommand.class,
    })
public final class TelefetchCli implements Runnable {

  public static void main(String[] args) {
    System.exit(commandLine(CliIo.system()).execute(args));
  }

  /**
   * The command line with {@code io} handed to every account command ({@link CliCommand}): tests
   * run it with captured streams and their own environment.
   */
  public static CommandLine commandLine(CliIo io) {
    CommandLine cl = new CommandLine(new TelefetchCli(), CliCommand.factory(io));
    cl.setOut(new java.io.PrintWriter(io.out(), true));
    cl.setErr(new java.io.PrintWriter(io.err(), true));
    return cl;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** TL tools. */
  @Command(name = "tl", description = "TL schema tools.", mixinStandardHelpOptions = true,
      subcommands = {Tl.Decode.class, TlInteropCommands.Random.class, TlInteropCommands.Decode.class})
  static final class Tl implements Runnable {
    @Override
    public void run() {
      new CommandLine(this).usage(System.out);
    }

    @Command(name = "decode", description = "Decode a boxed TL object from hex and re-encode it.", mixinStandardHelpOptions = true)
    static final class Decode implements Callable<Integer> {
      @Parameters(arity = "1..*", paramLabel = "HEX", description = "hex bytes (spaces allowed)")
      String[] hex;

      @Override
      public Integer call() {
        return TlDecodeTool.run(String.join("", hex), System.out, System.err);
      }
    }
  }
}
