package io.telefetch.examples;

import io.telefetch.examples.ffmpeg.FfmpegException;
import io.telefetch.examples.ffmpeg.RemuxDownload;
import io.telefetch.examples.ffmpeg.RemuxOptions;
import io.telefetch.link.LinkParseException;
import io.telefetch.link.LinkResolveException;
import io.telefetch.link.LinkResolver;
import io.telefetch.link.ResolvedLink;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code telefetch download --testkit CONFIG.json [-o DIR] LINK...}: logs in with the launcher's
 * bot, resolves each link with {@link LinkResolver} and writes its file(s) into DIR under their
 * own (sanitised) names, verified part by part against {@code upload.getFileHashes} and by size.
 *
 * <p>Output contract: one line per file on standard output, {@code <sha256>  <path>} (the format
 * {@code sha256sum -c} checks); one line per failed link on standard error, {@code telefetch
 * download: <link>: <reason>}, without a stack trace. Exit status 0 when every link downloaded, 1
 * when any failed, 2 on a usage error (an unreadable config, a DIR that is not a directory).
 *
 * <p>{@code --remux mp4|mkv} pipes each file's bytes through FFmpeg as they arrive ({@link
 * RemuxDownload}) into {@code NAME.mp4}/{@code NAME.mkv}; the line then names that file.
 */
@Command(name = "download", mixinStandardHelpOptions = true,
    description = "Resolve t.me links and download their files into a directory under their own names; "
        + "prints one line per file: SHA-256 and path.")
final class DownloadCommand implements Callable<Integer> {
  @Option(names = "--testkit", required = true, paramLabel = "CONFIG.json",
      description = "the testkit launcher's JSON (--config-out): log in there with its bot")
  Path config;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "where to write the files "
      + "(default: the current directory; created if missing)")
  Path dir = Path.of(".");

  @Option(names = "--timeout", defaultValue = "600", description = "give up on a link after this many seconds "
      + "(default ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Mixin
  RemuxOptions remux = new RemuxOptions();

  @Parameters(arity = "1..*", paramLabel = "LINK", description = "t.me or tg:// links")
  List<String> links;

  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() {
    LaunchConfig cfg;
    try {
      cfg = LaunchConfig.read(config);
      Files.createDirectories(dir);
    } catch (IOException | RuntimeException e) {
      err.println("telefetch download: " + e.getMessage());
      return 2;
    }
    int failed = 0;
    try (TelegramClient client = cfg.clientOptions().callTimeout(Duration.ofSeconds(60)).build()) {
      try {
        await(client.login(Login.botToken(cfg.botToken())));
      } catch (Exception e) {
        err.println("telefetch download: login failed: " + message(e));
        return 1;
      }
      LinkResolver resolver = LinkResolver.create(client);
      MediaFetcher fetcher = MediaFetcher.create(client);
      RemuxDownload remuxing;
      try {
        remuxing = remux.enabled() ? remux.downloader(fetcher) : null;
      } catch (FfmpegException e) {
        err.println("telefetch download: " + message(e));
        return 1;
      }
      for (String link : links) {
        try {
          ResolvedLink resolved = await(resolver.resolve(link));
          if (resolved.media().isEmpty()) {
            throw new IllegalStateException("nothing to download");
          }
          for (MediaFile file : resolved.media()) {
            if (remuxing != null) { // --remux: FFmpeg's output, so no size check against the original
              Path written = await(remuxing.start(file, dir));
              out.println(sha256(written) + "  " + written);
              continue;
            }
            Path written = await(fetcher.download(file).toPath(dir));
            long size = Files.size(written);
            if (file.size() >= 0 && size != file.size()) {
              throw new IllegalStateException(written + " has " + size + " bytes, expected " + file.size());
            }
            out.println(sha256(written) + "  " + written);
          }
        } catch (Exception e) {
          failed++;
          err.println("telefetch download: " + link.strip() + ": " + message(e));
        }
      }
    }
    out.flush();
    return failed == 0 ? 0 : 1;
  }

  private <T> T await(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      while (c instanceof CompletionException && c.getCause() != null) {
        c = c.getCause();
      }
      throw c instanceof Exception x ? x : new ExecutionException(c);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new TimeoutException("no answer within " + timeoutSeconds + " s");
    }
  }

  /** One line: the typed reason where there is one, never a stack trace. */
  private static String message(Throwable e) {
    if (e instanceof FfmpegException f) {
      return RemuxOptions.message(f);
    }
    if (e instanceof LinkResolveException r) {
      return r.getMessage();
    }
    if (e instanceof LinkParseException p) {
      return "not a Telegram link: " + p.getMessage();
    }
    String m = e.getMessage();
    return (m == null ? e.getClass().getSimpleName() : m).replace('\n', ' ');
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
