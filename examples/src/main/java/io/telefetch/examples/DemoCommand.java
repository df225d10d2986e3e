package io.telefetch.examples;

import io.telefetch.link.LinkResolver;
import io.telefetch.link.Peer;
import io.telefetch.link.ResolvedLink;
import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldUser;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telefetch demo}: starts an in-process Telegram (testkit: 3 DCs and a CDN), logs in as a
 * bot, resolves two {@code https://t.me/telefetch_demo/N} links with {@link LinkResolver}, downloads their files — one stored on a DC other than the
 * bot's home (FILE_MIGRATE), one served through the CDN — with a progress bar, checks their
 * SHA-256 and prints the throughput.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Download media from an in-process Telegram (testkit) and verify it.")
final class DemoCommand implements Callable<Integer> {
  private static final long MIB = 1 << 20;

  @Option(names = "--size-mib", defaultValue = "128", description = "size of the main video in MiB (default ${DEFAULT-VALUE})")
  long sizeMib;

  @Option(names = "--cdn-size-mib", defaultValue = "32", description = "size of the CDN-served file in MiB (default ${DEFAULT-VALUE})")
  long cdnSizeMib;

  @Option(names = "--out", description = "directory for the downloads (default: a temporary directory, deleted afterwards)")
  Path out;

  @Option(names = "--window", defaultValue = "8", description = "max parts in flight (default ${DEFAULT-VALUE})")
  int window;

  @Option(names = "--connections", defaultValue = "4", description = "download connections per DC (default ${DEFAULT-VALUE})")
  int connections;

  @Override
  public Integer call() throws Exception {
    PrintStream o = System.out;
    boolean tempDir = out == null;
    Path dir = tempDir ? Files.createTempDirectory("telefetch-demo") : Files.createDirectories(out);
    o.println("Starting testkit: 3 DCs and a CDN DC on loopback...");
    try (TestCluster cluster = TestCluster.builder().dcs(3).cdn(true).build().start()) {
      World world = cluster.world();
      WorldUser bot = world.bot("telefetch_demo_bot").dc(1).create();
      WorldChannel channel = world.channel("telefetch_demo").title("Telefetch demo").dc(1).create();
      WorldDocument video = world.video("demo.mp4", FileContent.seeded(2026, sizeMib * MIB)).dc(2)
          .video(120, 1920, 1080, true).create();
      WorldDocument cdnFile = world.video("cdn.mp4", FileContent.seeded(2027, cdnSizeMib * MIB)).dc(2).cdn(true)
          .cdnReuploadNeeded(true).create();
      int videoPost = world.post(channel).text("A video stored on DC 2").media(video).create().id();
      int cdnPost = world.post(channel).text("A popular video served by the CDN").media(cdnFile).create().id();

      try (TelegramClient client = cluster.clientOptions()
          .downloadConnections(connections).callTimeout(Duration.ofSeconds(60))
          .build()) {
        long t0 = System.nanoTime();
        client.login(Login.botToken(bot.botToken().orElseThrow())).join();
        o.printf("Logged in as @%s on DC %d (key exchange + login in %d ms)%n", bot.username().orElse("?"),
            client.mainDc(), (System.nanoTime() - t0) / 1_000_000);

        MediaFetcher fetcher = MediaFetcher.create(client, FetchOptions.builder().window(Math.min(4, window), window).build());
        boolean allOk = true;
        LinkResolver links = LinkResolver.create(client);
        for (int post : new int[] {videoPost, cdnPost}) {
          String link = "https://t.me/telefetch_demo/" + post;
          ResolvedLink resolved = links.resolve(link).join();
          Peer peer = resolved.peer().orElseThrow();
          o.printf("%nResolved %s: \"%s\" (channel %d), message %d%n", link, peer.title(), peer.id(),
              resolved.messageIds().get(0));
          MediaFile file = resolved.media().get(0);
          WorldDocument doc = post == videoPost ? video : cdnFile;
          allOk &= download(o, fetcher, file, doc, dir);
        }
        allOk &= serveRange(o, client, "https://t.me/telefetch_demo/" + videoPost, video);
        o.println(allOk ? "All files verified." : "VERIFICATION FAILED");
        return allOk ? 0 : 1;
      }
    } finally {
      if (tempDir) {
        try (var files = Files.list(dir)) {
          for (Path p : files.toList()) {
            Files.deleteIfExists(p);
          }
        }
        Files.deleteIfExists(dir);
      }
    }
  }

  private static boolean download(PrintStream o, MediaFetcher fetcher, MediaFile file, WorldDocument doc, Path dir)
      throws Exception {
    String name = file.fileName().orElse("file");
    o.printf("%s: %d MiB on DC %d%s%n", name, file.size() / MIB, file.dcId(), doc.cdn() ? ", CDN-served" : "");
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    int[] window = {0};
    Path target;
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(file.size())
        .setStyle(ProgressBarStyle.ASCII).setUnit(" MiB", MIB).showSpeed().setUpdateIntervalMillis(200)
        .build()) {
      target = fetcher.download(file).withProgress(p -> {
        bar.stepTo(p.bytesDone());
        window[0] = p.window();
        bar.setExtraMessage("window " + p.window());
      }).toPath(dir).join(); // a directory: the file keeps its own name
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpu = (cpuNanos() - cpu0) / 1e9;
    String expected = sha256(doc.content().openStream(), doc.size());
    String actual;
    try (InputStream in = Files.newInputStream(target)) {
      actual = sha256(in, Long.MAX_VALUE);
    }
    boolean ok = expected.equals(actual);
    o.printf("  %.1f MB/s (%.2f s, process CPU %.2f s, final window %d), SHA-256 %s %s%n", file.size() / 1e6 / seconds,
        seconds, cpu, window[0], actual.substring(0, 16) + "...", ok ? "matches" : "DOES NOT MATCH " + expected);
    return ok;
  }

  /**
   * {@code telefetch serve} on the same client: a Range request for 1 MiB in the middle of the video
   * answered 206 with its bytes piped through from testkit as parts arrive, checked by SHA-256.
   */
  private static boolean serveRange(PrintStream o, TelegramClient client, String link, WorldDocument doc)
      throws Exception {
    long from = doc.size() / 2;
    long to = Math.min(doc.size() - 1, from + MIB - 1);
    try (io.telefetch.examples.serve.Gateway gateway = io.telefetch.examples.serve.Gateway.start(client,
        io.telefetch.examples.serve.ServeOptions.builder().port(0).build(),
        new io.telefetch.examples.serve.GatewayMetrics())) {
      String url = "http://127.0.0.1:" + gateway.port() + "/v1/media?link="
          + java.net.URLEncoder.encode(link, java.nio.charset.StandardCharsets.UTF_8);
      o.printf("%nServing on http://127.0.0.1:%d/ (the web page; /v1/media streams a link)%n", gateway.port());
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      long t0 = System.nanoTime();
      java.net.http.HttpResponse<InputStream> r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
          .header("Range", "bytes=" + from + "-" + to).build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
      String actual = sha256(r.body(), Long.MAX_VALUE);
      double ms = (System.nanoTime() - t0) / 1e6;
      InputStream expectedBytes = doc.content().openStream();
      expectedBytes.skipNBytes(from);
      String expected = sha256(expectedBytes, to - from + 1);
      boolean ok = r.statusCode() == 206 && expected.equals(actual);
      o.printf("GET /v1/media Range: bytes=%d-%d -> %d %s in %.0f ms, SHA-256 %s %s%n", from, to, r.statusCode(),
          r.headers().firstValue("Content-Range").orElse("(no Content-Range)"), ms, actual.substring(0, 16) + "...",
          ok ? "matches" : "DOES NOT MATCH " + expected);
      return ok;
    }
  }

  private static long cpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static String sha256(InputStream in, long limit) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 16];
    long left = limit;
    int n;
    while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
      sha.update(buf, 0, n);
      left -= n;
    }
    in.close();
    return HexFormat.of().formatHex(sha.digest());
  }
}
