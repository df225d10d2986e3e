package io.telefetch.examples.serve;

import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.link.LinkResolver;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * {@code telefetch serve} benchmark (a main, not a test): time to first byte of {@code /v1/media}
 * for a 1 GiB testkit file, and throughput and heap for 1, 10 and 100 concurrent streams, against
 * download-to-disk-then-serve (the file is downloaded to disk with {@code toPath} first, then read
 * back; its first byte can leave only once the download is complete).
 *
 * <p>Run: {@code java -Xmx2g -cp <examples test classpath> io.telefetch.examples.serve.ServeBenchmark [streamMiB]}.
 * Heap: the peak of "used heap" sampled every 5 ms minus the idle baseline (garbage included), and
 * the peak of the heap pools' usage right after a collection (a proxy for live data): indicative only.
 */
public final class ServeBenchmark {
  private ServeBenchmark() {}

  public static void main(String[] args) throws Exception {
    long streamMiB = args.length > 0 ? Long.parseLong(args[0]) : 16;
    FileSpec big = FileSpec.parse("big.bin:1GiB");
    FileSpec mid = FileSpec.parse("mid.bin:" + streamMiB + "MiB");
    Path tmp = Files.createTempDirectory("serve-bench");
    try (DemoCluster demo = DemoCluster.builder().dcs(2).file(big).file(mid).build().start();
        TelegramClient client = demo.config().clientOptions().callTimeout(Duration.ofSeconds(120)).build()) {
      client.login(Login.botToken(demo.config().botToken())).get(60, TimeUnit.SECONDS);
      OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(300))
          .connectionPool(new okhttp3.ConnectionPool(200, 1, TimeUnit.MINUTES)).build();
      http.dispatcher().setMaxRequestsPerHost(200);
      String bigLink = "https://t.me/" + DemoCluster.CHANNEL + "/" + demo.posts().get(0).id();
      String midLink = "https://t.me/" + DemoCluster.CHANNEL + "/" + demo.posts().get(1).id();
      LinkResolver resolver = LinkResolver.create(client);
      MediaFetcher fetcher = MediaFetcher.create(client);
      try (Gateway g = Gateway.start(client, ServeOptions.builder().port(0).rateLimit(100_000, 10_000)
          .streamsPerClient(1000).build(), new GatewayMetrics())) {
        String base = "http://127.0.0.1:" + g.port() + "/v1/media?link=";
        // warm-up: resolve both links (cached afterwards), one small range
        ttfb(http, base + URLEncoder.encode(bigLink, StandardCharsets.UTF_8));
        ttfb(http, base + URLEncoder.encode(midLink, StandardCharsets.UTF_8));
        System.out.println("== time to first byte, 1 GiB file ==");
        for (int i = 0; i < 5; i++) {
          System.out.printf("pipe-through  ttfb %.1f ms%n", ttfb(http, base + URLEncoder.encode(bigLink, StandardCharsets.UTF_8)) / 1e6);
        }
        MediaFile bigFile = resolver.resolve(bigLink).get().media().get(0);
        long t0 = System.nanoTime();
        Path p = fetcher.download(bigFile).toPath(tmp.resolve("big.bin")).get();
        try (InputStream in = Files.newInputStream(p)) {
          in.read();
        }
        System.out.printf("disk-first    ttfb %.1f ms (the whole download)%n", (System.nanoTime() - t0) / 1e6);
        Files.delete(p);

        MediaFile midFile = resolver.resolve(midLink).get().media().get(0);
        System.out.println("== " + streamMiB + " MiB per stream ==");
        for (int n : new int[] {1, 10, 100}) {
          run("pipe-through", n, mid.size(), () -> stream(http, base + URLEncoder.encode(midLink, StandardCharsets.UTF_8)));
          int[] k = {0};
          run("disk-first  ", n, mid.size(), () -> {
            Path f;
            synchronized (k) {
              f = tmp.resolve("mid-" + k[0]++ + ".bin");
            }
            Path w = fetcher.download(midFile).toPath(f).get();
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = Files.newInputStream(w)) {
              for (int r; (r = in.read(buf)) > 0; ) {
                total += r;
              }
            }
            Files.delete(w);
            return total;
          });
        }
      }
    } finally {
      try (var s = Files.list(tmp)) {
        s.forEach(f -> f.toFile().delete());
      }
      Files.deleteIfExists(tmp);
    }
  }

  private interface Job {
    long run() throws Exception;
  }

  private static void run(String name, int n, long size, Job job) throws Exception {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    System.gc();
    long baseline = mem.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong(baseline);
    AtomicBoolean sampling = new AtomicBoolean(true);
    List<java.lang.management.MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(m -> m.getType() == java.lang.management.MemoryType.HEAP && m.getCollectionUsage() != null).toList();
    AtomicLong peakLive = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (sampling.get()) {
        peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
        peakLive.accumulateAndGet(pools.stream().mapToLong(m -> m.getCollectionUsage().getUsed()).sum(), Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.start();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    long t0 = System.nanoTime();
    List<Future<Long>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fs.add(pool.submit(job::run));
    }
    long total = 0;
    for (Future<Long> f : fs) {
      long got = f.get(600, TimeUnit.SECONDS);
      if (got != size) {
        throw new AssertionError("got " + got + " bytes, expected " + size);
      }
      total += got;
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    sampling.set(false);
    sampler.join();
    pool.shutdown();
    System.out.printf("%s streams=%3d  %7.1f MiB/s  %6.2f s  peak used heap +%d MiB, peak after-GC heap %d MiB%n",
        name, n, total / secs / (1 << 20), secs, (peak.get() - baseline) >> 20, peakLive.get() >> 20);
  }

  private static long ttfb(OkHttpClient http, String url) throws Exception {
    long t0 = System.nanoTime();
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      InputStream in = r.body().byteStream();
      if (in.read() < 0) {
        throw new AssertionError("empty body");
      }
      return System.nanoTime() - t0;
    }
  }

  private static long stream(OkHttpClient http, String url) throws Exception {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      InputStream in = r.body().byteStream();
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
      }
      return total;
    }
  }
}
