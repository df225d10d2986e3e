package io.telefetch.examples;

import io.telefetch.examples.tl.TlDecodeTool;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The {@code telefetch} command-line tool. */
@Command(name = "telefetch", mixinStandardHelpOptions = true, version = "telefetch 0.1.0",
    description = "Telegram media at wire speed.",
    subcommands = {TelefetchCli.Tl.class, DemoCommand.class, FetchCommand.class,
        LinkCommand.class, DownloadCommand.class, io.telefetch.examples.serve.ServeCommand.class})
public final class TelefetchCli implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new TelefetchCli()).execute(args));
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
