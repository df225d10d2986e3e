package io.telefetch.bench;

import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.media.MediaFiles;
import io.telefetch.media.Progress;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.client.ServerKeys;
import io.telefetch.testkit.launcher.LaunchConfig;
import io.telefetch.tl.api.Channel;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.InputMessageID;
import io.telefetch.tl.api.MessageType;
import io.telefetch.tl.api.channels.GetMessages;
import io.telefetch.tl.api.contacts.ResolveUsername;
import io.telefetch.tl.api.contacts.ResolvedPeer;
import io.telefetch.tl.api.messages.ChannelMessages;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The end-to-end download benchmark: a testkit cluster in a separate process (the standalone
 * launcher, {@code testkit/target/telefetch-testkit.jar}), the client in this one.
 *
 * <ol>
 *   <li><b>Loopback run</b>: one seeded file (default 1 GiB) on a DC other than the bot's home DC
 *       (the launcher's bot lives on DC 2, so the file is on DC 3 by default and the download goes
 *       through FILE_MIGRATE / exported authorization); log in as the bot, resolve the channel,
 *       download with {@link MediaFetcher#download}{@code .toChannel} into a channel that discards
 *       the bytes and hashes them (SHA-256, checked against the launcher's JSON), or with {@code
 *       --sink discard} into one that only counts them (trusting the downloader's per-part
 *       verification). Wall time, MB/s, this process's CPU time during the download only, CPU s
 *       per GiB, the launcher's CPU too.
 *   <li><b>Floor</b>: the same machine's cost of AES-IGE decryption + SHA-256 of 1 GiB (JMH, {@link
 *       CryptoBenchmark}), and the ratio of the client's CPU s/GiB to it.
 *   <li><b>Shaped run</b>: the launcher again with {@code --latency} and a per-connection {@code
 *       --rate}, a smaller file, N connections and a window large enough to fill the pipe; MB/s and
 *       the share of the link capacity (rate x connections carrying data) reached.
 * </ol>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.telefetch.bench.DownloadBenchmark
 * [--size 1GiB] [--window 16] [--connections 4] [--part-size 1MiB] [--verify true] ...}; {@code
 * --help} lists every option. Exit status: 0 when every hash matched, 1 on a mismatch or a failed
 * download, 2 on a usage error.
 */
public final class DownloadBenchmark {
  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final long GIB = 1024 * MIB;
  private static final String FILE_NAME = "bench.bin";

  private static final PrintStream OUT = System.out;

  private DownloadBenchmark() {}

  public static void main(String[] args) {
    Settings s;
    try {
      s = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("DownloadBenchmark: " + e.getMessage());
      System.err.println(Settings.USAGE);
      System.exit(2);
      return;
    }
    if (s.help) {
      OUT.println(Settings.USAGE);
      return;
    }
    int status;
    try {
      status = run(s);
    } catch (Throwable t) {
      System.err.println("DownloadBenchmark failed: " + t);
      t.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  private static int run(Settings s) throws Exception {
    OUT.printf(Locale.ROOT, "Telefetch end-to-end download benchmark%n");
    OUT.printf(Locale.ROOT, "  JVM %s (%s), %d CPUs, max heap %d MiB, load average %s%n",
        System.getProperty("java.vm.version"), System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / MIB, loadAverage());
    OUT.printf(Locale.ROOT, "  JVM options %s%n", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    OUT.printf(Locale.ROOT, "  launcher %s%n", s.launcherJar);

    List<Result> results = new ArrayList<>();
    CryptoFloor floor = null;
    String floorError = null;
    boolean ok = true;

    if (s.loopback) {
      RunSpec spec = new RunSpec("loopback", s.size, s.connections, s.window, s.initialWindow, 0, 0, s.warmup);
      Result r = download(s, spec);
      results.add(r);
      ok &= r.ok();
    }
    if (!s.floor.equals("none")) {
      String load = loadAverage();
      OUT.printf(Locale.ROOT, "%n[floor] measuring AES-IGE decrypt and SHA-256 of 1 MiB (%s), load average %s%n", s.floor, load);
      try {
        floor = s.floor.equals("loop") ? CryptoFloor.loop(8) : CryptoFloor.jmh(s.jmhWarmup, s.jmhIterations, s.jmhSeconds);
      } catch (Exception | LinkageError e) {
        floorError = e.toString();
        OUT.printf(Locale.ROOT, "[floor] failed: %s%n", e);
      }
    }
    if (s.shaped) {
      // the bandwidth-delay product and half as much again for parts that arrive out of order (they
      // wait in the window for the ones before them)
      int window = s.shapedWindow > 0 ? s.shapedWindow
          : suggestedWindow(s.rateMbps, s.latencyMs, s.partSize, s.shapedConnections) * 3 / 2;
      RunSpec spec = new RunSpec("shaped", s.shapedSize, s.shapedConnections, window,
          s.shapedInitialWindow > 0 ? Math.min(s.shapedInitialWindow, window) : Math.min(4, window), s.rateMbps, s.latencyMs,
          s.shapedWarmup);
      Result r = download(s, spec);
      results.add(r);
      ok &= r.ok();
    }

    summary(s, results, floor, floorError);
    OUT.println(ok ? "All hashes matched." : "HASH MISMATCH OR FAILED DOWNLOAD: exit status 1");
    return ok ? 0 : 1;
  }

  /** Parts in flight needed to keep every connection busy: one part in transfer plus the latency's worth, plus one. */
  static int suggestedWindow(double rateMbps, long latencyMs, int partSize, int connections) {
    if (rateMbps <= 0) {
      return 16;
    }
    double partSeconds = partSize / (rateMbps * 1e6);
    int perConnection = (int) Math.ceil(1 + latencyMs / 1000.0 / partSeconds) + 1;
    return Math.max(4, perConnection * connections);
  }

  // ------------------------------------------------------------------ one run

  record RunSpec(String name, long size, int connections, int window, int initialWindow, double rateMbps,
      long latencyMs, long warmupBytes) {}

  /** What one run measured. */
  static final class Result {
    final RunSpec spec;
    int fileDc;
    long bytes;
    double seconds = Double.NaN;
    double steadyMbps = Double.NaN;
    double cpuSeconds = Double.NaN;
    double launcherCpuSeconds = Double.NaN;
    double warmupSeconds = Double.NaN;
    double launcherStartupSeconds = Double.NaN;
    double loginSeconds = Double.NaN;
    /** Median time to the first byte of a one-part range on ready connections, ms. */
    double ttfbMillis = Double.NaN;
    long gcCount;
    /** CPU of the JIT compiler threads during the download (/proc; else CompilationMXBean's elapsed time). */
    double jitSeconds = Double.NaN;
    /** CPU of the GC threads during the download (/proc), NaN where unknown. */
    double gcThreadSeconds = Double.NaN;
    double gcSeconds;
    int peakWindow;
    int finalWindow;
    String sink;
    String expectedSha;
    String actualSha;
    String error;
    String loadBefore;
    String loadAfter;
    Connections connections = Connections.UNKNOWN;
    Map<String, Double> threadCpu = new LinkedHashMap<>();
    double javaThreadCpuSeconds;

    Result(RunSpec spec) {
      this.spec = spec;
    }

    boolean ok() {
      return error == null && expectedSha != null
          && (actualSha == null ? sink.startsWith("discard") : expectedSha.equalsIgnoreCase(actualSha));
    }

    double mbps() {
      return bytes / 1e6 / seconds;
    }

    double cpuPerGib() {
      return cpuSeconds / (bytes / (double) GIB);
    }

    double capacityMbps() {
      if (spec.rateMbps <= 0) {
        return Double.NaN;
      }
      return spec.rateMbps * connectionsUsed();
    }

    int connectionsUsed() {
      return connections.carrying > 0 ? connections.carrying : spec.connections;
    }
  }

  private static Result download(Settings s, RunSpec spec) throws Exception {
    Result r = new Result(spec);
    r.sink = s.sink.equals("discard") ? "discard (per-part verification " + (s.verify ? "on" : "OFF") + ")"
        : "SHA-256 of the stream";
    OUT.printf(Locale.ROOT, "%n[%s] starting the testkit launcher: %s on DC %d%s, load average %s%n", spec.name,
        size(spec.size), s.fileDc, spec.rateMbps > 0
            ? String.format(Locale.ROOT, ", %.1f MB/s per connection, %d ms latency", spec.rateMbps, spec.latencyMs) : "",
        loadAverage());
    List<String> args = new ArrayList<>(List.of("--dcs", String.valueOf(s.dcs),
        "--file", FILE_NAME + ":" + spec.size + ":" + s.fileDc));
    if (spec.rateMbps > 0) {
      args.add("--rate");
      args.add(String.valueOf(spec.rateMbps));
    }
    if (spec.latencyMs > 0) {
      args.add("--latency");
      args.add(String.valueOf(spec.latencyMs));
    }
    try (TestkitProcess launcher = TestkitProcess.start(s.launcherJar, s.launcherJvmArgs, args)) {
      r.launcherStartupSeconds = launcher.startupSeconds();
      LaunchConfig config = launcher.config();
      LaunchConfig.Channel channel = config.channels().get(0);
      LaunchConfig.Message post = channel.messages().get(0);
      r.expectedSha = post.sha256();
      r.fileDc = post.dc();
      OUT.printf(Locale.ROOT, "[%s] launcher pid %d ready in %.1f s: @%s message %d, %s, %d bytes on DC %d, sha256 %s...%n",
          spec.name, launcher.pid(), r.launcherStartupSeconds, channel.username(), post.id(), post.fileName(), post.size(),
          post.dc(), post.sha256().substring(0, 16));

      List<DcOption> options = new ArrayList<>();
      for (LaunchConfig.Dc dc : config.dcs()) {
        if (!dc.cdn()) {
          options.add(DcOption.builder(dc.id(), dc.host(), dc.port()).mediaOnly(dc.mediaOnly()).build());
        }
      }
      ServerKeys keys = ServerKeys.fromPem(config.rsa().publicKeyPem());
      try (TelegramClient client = TelegramClient.builder()
          .apiId(config.apiId()).apiHash(config.apiHash())
          .dcOptions(DcOptions.of(options)).serverKeys(keys).mainDc(1)
          .downloadConnections(spec.connections).callTimeout(Duration.ofSeconds(120))
          .build()) {
        long t0 = System.nanoTime();
        client.login(Login.botToken(config.botToken())).join();
        ResolvedPeer peer = (ResolvedPeer) client.invoke(new ResolveUsername(channel.username(), null)).join();
        Channel ch = (Channel) peer.chats().get(0);
        if (ch.id() != channel.id()) {
          throw new IllegalStateException("resolved @" + channel.username() + " to " + ch.id() + ", the JSON says " + channel.id());
        }
        InputChannel input = new InputChannel(ch.id(), ch.accessHash());
        Supplier<CompletableFuture<MessageType>> fetch = () -> client
            .invoke(new GetMessages(input, List.of(new InputMessageID(post.id()))))
            .thenApply(m -> ((ChannelMessages) m).messages().get(0));
        MediaFile file = MediaFiles.of(fetch.get().join(), fetch);
        r.loginSeconds = (System.nanoTime() - t0) / 1e9;
        OUT.printf(Locale.ROOT, "[%s] logged in on DC %d, resolved @%s, file on DC %d (%.2f s)%n", spec.name,
            client.mainDc(), ch.username(), file.dcId(), r.loginSeconds);
        if (file.size() != post.size()) {
          throw new IllegalStateException("the message's document has " + file.size() + " bytes, the JSON says " + post.size());
        }

        FetchOptions fetchOptions = FetchOptions.builder().partSize(s.partSize)
            .window(spec.initialWindow, spec.window).verify(s.verify).build();
        MediaFetcher fetcher = MediaFetcher.create(client, fetchOptions);
        OUT.printf(Locale.ROOT, "[%s] %d download connections, window %d..%d parts of %s, verify %s, sink: %s%n",
            spec.name, spec.connections, spec.initialWindow, spec.window, size(s.partSize), s.verify, r.sink);

        if (spec.warmupBytes > 0) {
          long n = Math.min(spec.warmupBytes, file.size());
          long w0 = System.nanoTime();
          fetcher.download(file).range(0, n).toChannel(new Sink(true)).get(10, TimeUnit.MINUTES);
          r.warmupSeconds = (System.nanoTime() - w0) / 1e9;
          OUT.printf(Locale.ROOT, "[%s] warm-up: first %s in %.2f s (connections, key exchange, authorization "
              + "import and JIT; not counted)%n", spec.name, size(n), r.warmupSeconds);
        }

        timedDownload(s, spec, r, fetcher, file, launcher, client);
        timeToFirstByte(s, spec, r, fetcher, file);
      }
    } catch (Exception e) {
      Throwable cause = e instanceof CompletionException || e instanceof ExecutionException ? e.getCause() : e;
      r.error = String.valueOf(cause);
      OUT.printf(Locale.ROOT, "[%s] FAILED: %s%n", spec.name, cause);
      cause.printStackTrace(OUT);
    }
    return r;
  }

  private static void timedDownload(Settings s, RunSpec spec, Result r, MediaFetcher fetcher, MediaFile file,
      TestkitProcess launcher, TelegramClient client) throws Exception {
    Sink sink = new Sink(!s.sink.equals("discard"));
    ProgressLog progress = new ProgressLog(file.size());
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(rt -> {
      Thread t = new Thread(rt, "bench-progress");
      t.setDaemon(true);
      return t;
    });
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] gc0 = gc();
    long jit0 = jitMillis();
    Map<String, Double> vm0 = VmThreads.cpuSeconds();
    Map<Long, ThreadSample> threads0 = threadCpu(threads);
    double launcherCpu0 = launcher.cpuTime().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    r.loadBefore = loadAverage();

    Profiling profiling = Profiling.start(s.profile, s.profileOut, spec.name);
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    progress.start(t0);
    ticker.scheduleAtFixedRate(() -> progress.print(spec.name), 5, 5, TimeUnit.SECONDS);
    long bytes;
    try {
      bytes = fetcher.download(file).withProgress(progress::on).toChannel(sink).get(30, TimeUnit.MINUTES);
    } finally {
      ticker.shutdownNow();
    }
    long t1 = System.nanoTime();
    long cpu1 = os.getProcessCpuTime();
    profiling.stop();

    r.loadAfter = loadAverage();
    double launcherCpu1 = launcher.cpuTime().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    long[] gc1 = gc();
    long jit1 = jitMillis();
    Map<String, Double> vm1 = VmThreads.cpuSeconds();
    Map<Long, ThreadSample> threads1 = threadCpu(threads);
    r.connections = Connections.sample(launcherPorts(launcher.config(), file.dcId()));

    r.bytes = bytes;
    r.seconds = (t1 - t0) / 1e9;
    r.cpuSeconds = (cpu1 - cpu0) / 1e9;
    r.launcherCpuSeconds = launcherCpu1 - launcherCpu0;
    r.gcCount = gc1[0] - gc0[0];
    r.jitSeconds = vm0.containsKey(VmThreads.JIT) && vm1.containsKey(VmThreads.JIT)
        ? vm1.get(VmThreads.JIT) - vm0.get(VmThreads.JIT) : jit0 < 0 || jit1 < 0 ? Double.NaN : (jit1 - jit0) / 1e3;
    r.gcThreadSeconds = vm0.containsKey(VmThreads.GC) && vm1.containsKey(VmThreads.GC)
        ? vm1.get(VmThreads.GC) - vm0.get(VmThreads.GC) : Double.NaN;
    r.gcSeconds = (gc1[1] - gc0[1]) / 1e3;
    r.peakWindow = progress.peakWindow;
    r.finalWindow = progress.lastWindow;
    r.steadyMbps = progress.steadyMbps(0.1, 0.9);
    r.actualSha = sink.hex();
    summarizeThreads(r, threads0, threads1);
    if (bytes != file.size()) {
      r.error = "downloaded " + bytes + " bytes, expected " + file.size();
    }
    OUT.printf(Locale.ROOT, "[%s] %s in %.2f s: %.1f MB/s (10-90%%: %.1f MB/s), client CPU %.2f s = %.2f s/GiB, "
            + "launcher CPU %.2f s, windows peak %d final %d, SHA-256 %s%n",
        spec.name, size(bytes), r.seconds, r.mbps(), r.steadyMbps, r.cpuSeconds, r.cpuPerGib(), r.launcherCpuSeconds,
        r.peakWindow, r.finalWindow, r.actualSha == null ? "not computed (sink discards)"
            : r.expectedSha.equalsIgnoreCase(r.actualSha) ? "matches the JSON" : "DOES NOT MATCH: " + r.actualSha);
  }

  /**
   * Time to first byte of a range, connections ready: a one-part range from the middle of the file
   * (a new download each time, so its hashes are not known yet), three times, the median. The ideal
   * is one round trip plus one part at the link's rate.
   */
  private static void timeToFirstByte(Settings s, RunSpec spec, Result r, MediaFetcher fetcher, MediaFile file)
      throws Exception {
    long[] ms = new long[3];
    for (int i = 0; i < ms.length; i++) {
      long offset = (file.size() / 2 / s.partSize + i * 7L) * s.partSize % Math.max(1, file.size() - s.partSize);
      long t0 = System.nanoTime();
      long[] first = {0};
      WritableByteChannel timing = new WritableByteChannel() {
        @Override
        public int write(ByteBuffer src) {
          if (first[0] == 0) {
            first[0] = System.nanoTime();
          }
          int n = src.remaining();
          src.position(src.limit());
          return n;
        }

        @Override
        public boolean isOpen() {
          return true;
        }

        @Override
        public void close() {}
      };
      fetcher.download(file).range(offset, Math.min(s.partSize, file.size() - offset)).toChannel(timing)
          .get(2, TimeUnit.MINUTES);
      ms[i] = (first[0] - t0) / 1_000_000;
    }
    Arrays.sort(ms);
    r.ttfbMillis = ms[1];
    OUT.printf(Locale.ROOT, "[%s] time to first byte of a %s range (connections ready): %d, %d, %d ms%n", spec.name,
        size(s.partSize), ms[0], ms[1], ms[2]);
  }

  // ------------------------------------------------------------------ measurement helpers

  /** A channel that discards what it is given, hashing it first unless told not to. */
  static final class Sink implements WritableByteChannel {
    private final MessageDigest sha;
    private long bytes;
    private boolean open = true;

    Sink(boolean hash) throws NoSuchAlgorithmException {
      this.sha = hash ? MessageDigest.getInstance("SHA-256") : null;
    }

    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      if (sha != null) {
        sha.update(src); // consumes src
      } else {
        src.position(src.limit());
      }
      bytes += n;
      return n;
    }

    String hex() {
      return sha == null ? null : HexFormat.of().formatHex(sha.digest());
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }

  /** Progress events: the peak window and (time, bytes) points for the steady-state rate. */
  static final class ProgressLog {
    private final long total;
    private final long[] times = new long[4096];
    private final long[] done = new long[4096];
    private int count;
    private long t0;
    volatile long lastBytes;
    volatile int lastWindow;
    volatile int peakWindow;
    volatile double lastRate;

    ProgressLog(long total) {
      this.total = total;
    }

    void start(long t0) {
      this.t0 = t0;
    }

    synchronized void on(Progress p) {
      lastBytes = p.bytesDone();
      lastWindow = p.window();
      lastRate = p.bytesPerSecond();
      if (p.window() > peakWindow) {
        peakWindow = p.window();
      }
      if (count < times.length) {
        times[count] = System.nanoTime();
        done[count] = p.bytesDone();
        count++;
      } else {
        // Keep the resolution bounded: drop every other point and continue at half the rate.
        for (int i = 0; i < count / 2; i++) {
          times[i] = times[2 * i];
          done[i] = done[2 * i];
        }
        count /= 2;
      }
    }

    /** MB/s between the first events at {@code from} and {@code to} of the bytes (NaN without enough events). */
    synchronized double steadyMbps(double from, double to) {
      int a = -1;
      int b = -1;
      for (int i = 0; i < count; i++) {
        if (a < 0 && done[i] >= from * total) {
          a = i;
        }
        if (b < 0 && done[i] >= to * total) {
          b = i;
        }
      }
      if (a < 0 || b <= a || times[b] == times[a]) {
        return Double.NaN;
      }
      return (done[b] - done[a]) / 1e6 / ((times[b] - times[a]) / 1e9);
    }

    void print(String name) {
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.err.printf(Locale.ROOT, "[%s] %6.1f s  %s / %s  avg %.1f MB/s  engine rate %.1f MB/s  window %d%n", name,
          seconds, size(lastBytes), size(total), lastBytes / 1e6 / seconds, lastRate / 1e6, lastWindow);
    }
  }

  private record ThreadSample(String name, long cpuNanos) {}

  private static Map<Long, ThreadSample> threadCpu(ThreadMXBean threads) {
    Map<Long, ThreadSample> out = new LinkedHashMap<>();
    if (!threads.isThreadCpuTimeSupported()) {
      return out;
    }
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu >= 0) {
          out.put(info.getThreadId(), new ThreadSample(info.getThreadName(), cpu));
        }
      }
    }
    return out;
  }

  /** CPU of the Java threads during the download, grouped by name without trailing numbers. */
  private static void summarizeThreads(Result r, Map<Long, ThreadSample> before, Map<Long, ThreadSample> after) {
    Map<String, Double> groups = new TreeMap<>();
    double sum = 0;
    for (var e : after.entrySet()) {
      ThreadSample b = before.get(e.getKey());
      double seconds = (e.getValue().cpuNanos() - (b == null ? 0 : b.cpuNanos())) / 1e9;
      if (seconds <= 0) {
        continue;
      }
      String group = e.getValue().name().replaceAll("[-#_ ]?\\d+$", "").replaceAll("\\d+", "N");
      groups.merge(group, seconds, Double::sum);
      sum += seconds;
    }
    r.javaThreadCpuSeconds = sum;
    groups.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> r.threadCpu.put(e.getKey(), e.getValue()));
  }

  /** Total JIT compilation time of this JVM so far, ms; -1 if not monitored. */
  private static long jitMillis() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
  }

  private static long[] gc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  private static List<Integer> launcherPorts(LaunchConfig config, int dcId) {
    List<Integer> ports = new ArrayList<>();
    for (LaunchConfig.Dc dc : config.dcs()) {
      if (dc.id() == dcId && !dc.cdn()) {
        ports.add(dc.port());
      }
    }
    return ports;
  }

  /** The client's TCP connections to the file's DC, from {@code ss -tin} (Linux), with the bytes each received. */
  record Connections(int open, int carrying, List<Long> bytesReceived, String note) {
    static final Connections UNKNOWN = new Connections(0, 0, List.of(), "not sampled");

    static Connections sample(List<Integer> ports) {
      List<String> command = new ArrayList<>(List.of("ss", "-tinH", "state", "established"));
      StringBuilder filter = new StringBuilder("(");
      for (int i = 0; i < ports.size(); i++) {
        filter.append(i == 0 ? " " : " or ").append("dport = :").append(ports.get(i));
      }
      command.add(filter.append(" )").toString());
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text;
        try (InputStream in = p.getInputStream()) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
          return new Connections(0, 0, List.of(), "ss failed: " + text.trim());
        }
        List<Long> received = new ArrayList<>();
        int open = 0;
        for (String line : text.split("\n")) {
          if (line.isBlank()) {
            continue;
          }
          if (!Character.isWhitespace(line.charAt(0))) {
            open++;
          }
          int at = line.indexOf("bytes_received:");
          if (at >= 0) {
            int end = at + "bytes_received:".length();
            int stop = end;
            while (stop < line.length() && Character.isDigit(line.charAt(stop))) {
              stop++;
            }
            received.add(Long.parseLong(line.substring(end, stop)));
          }
        }
        received.sort(null);
        java.util.Collections.reverse(received);
        int carrying = (int) received.stream().filter(b -> b >= 4 * MIB).count();
        return new Connections(open, carrying, received, "ss");
      } catch (IOException | RuntimeException e) {
        return new Connections(0, 0, List.of(), "ss unavailable: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Connections(0, 0, List.of(), "interrupted");
      }
    }

    String describe() {
      if (!note.equals("ss")) {
        return note;
      }
      StringBuilder b = new StringBuilder();
      b.append(open).append(" open, ").append(carrying).append(" carried >= 4 MiB; MiB received each:");
      for (long n : bytesReceived) {
        b.append(' ').append(n / MIB);
      }
      return b.toString();
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return l < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", l);
    }
  }

  static String size(long bytes) {
    if (bytes >= GIB && bytes % GIB == 0) {
      return bytes / GIB + " GiB";
    }
    if (bytes >= MIB && bytes % MIB == 0) {
      return bytes / MIB + " MiB";
    }
    if (bytes >= KIB && bytes % KIB == 0) {
      return bytes / KIB + " KiB";
    }
    if (bytes >= MIB) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }
    return bytes + " B";
  }

  // ------------------------------------------------------------------ summary

  private static void summary(Settings s, List<Result> results, CryptoFloor floor, String floorError) {
    OUT.println();
    OUT.println("==================================== summary ====================================");
    List<String[]> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of(""));
    for (Result r : results) {
      header.add(r.spec.name);
    }
    rows.add(header.toArray(String[]::new));
    row(rows, results, "file", r -> size(r.spec.size) + " on DC " + r.fileDc);
    row(rows, results, "link", r -> r.spec.rateMbps > 0
        ? String.format(Locale.ROOT, "%.1f MB/s/conn, +%d ms", r.spec.rateMbps, r.spec.latencyMs) : "loopback, unshaped");
    row(rows, results, "connections (cfg / carrying)", r -> r.spec.connections + " / "
        + (r.connections.note().equals("ss") ? String.valueOf(r.connections.carrying()) : "?"));
    row(rows, results, "window (init..max / peak)", r -> r.spec.initialWindow + ".." + r.spec.window + " / " + r.peakWindow);
    row(rows, results, "part size / verify", r -> size(s.partSize) + " / " + (s.verify ? "on" : "off"));
    row(rows, results, "sink", r -> s.sink.equals("discard") ? "discard" : "SHA-256");
    row(rows, results, "wall time", r -> fmt("%.2f s", r.seconds));
    row(rows, results, "TTFB of a 1-part range", r -> fmt("%.0f ms", r.ttfbMillis) + (r.spec.rateMbps > 0
        ? fmt(" (round trip + a part at the cap: %.0f ms)", r.spec.latencyMs + s.partSize / (r.spec.rateMbps * 1e3)) : ""));
    row(rows, results, "throughput", r -> fmt("%.1f MB/s", r.mbps()));
    row(rows, results, "throughput 10-90%", r -> fmt("%.1f MB/s", r.steadyMbps));
    row(rows, results, "client CPU", r -> fmt("%.2f s", r.cpuSeconds));
    row(rows, results, "client CPU per GiB", r -> fmt("%.2f s/GiB", r.cpuPerGib()));
    row(rows, results, "  of which Java threads", r -> fmt("%.2f s", r.javaThreadCpuSeconds));
    row(rows, results, "  GC (count / pause)", r -> r.gcCount + fmt(" / %.2f s", r.gcSeconds));
    row(rows, results, "  JIT compiler threads", r -> fmt("%.2f s", r.jitSeconds));
    row(rows, results, "  GC threads", r -> fmt("%.2f s", r.gcThreadSeconds));
    row(rows, results, "client CPU/GiB without JIT", r -> fmt("%.2f s/GiB", (r.cpuSeconds - r.jitSeconds) / (r.bytes / (double) GIB)));
    row(rows, results, "launcher CPU per GiB", r -> fmt("%.2f s/GiB", r.launcherCpuSeconds / (r.bytes / (double) GIB)));
    if (floor != null) {
      row(rows, results, "client CPU / floor", r -> fmt("%.2f x", r.cpuPerGib() / floor.floorSecondsPerGib(1)));
      int hashPasses = 1 + (s.verify ? 1 : 0) + (s.sink.equals("discard") ? 0 : 1);
      double configFloor = floor.floorSecondsPerGib(hashPasses);
      row(rows, results, "client CPU / config floor", r -> fmt("%.2f x", r.cpuPerGib() / configFloor)
          + fmt(" (%.2f x without JIT)", (r.cpuSeconds - r.jitSeconds) / (r.bytes / (double) GIB) / configFloor));
    }
    row(rows, results, "link capacity", r -> r.spec.rateMbps > 0
        ? fmt("%.1f MB/s", r.capacityMbps()) + " (" + r.connectionsUsed() + " conn)" : "-");
    row(rows, results, "share of capacity", r -> r.spec.rateMbps > 0
        ? fmt("%.1f %%", 100 * r.mbps() / r.capacityMbps()) + fmt(" (10-90%%: %.1f %%)", 100 * r.steadyMbps / r.capacityMbps()) : "-");
    row(rows, results, "SHA-256 vs JSON", r -> r.error != null ? "FAILED" : r.actualSha == null ? "not computed"
        : r.expectedSha.equalsIgnoreCase(r.actualSha) ? "match" : "MISMATCH");
    row(rows, results, "load average before", r -> r.loadBefore);
    row(rows, results, "load average after", r -> r.loadAfter);
    int[] widths = new int[header.size()];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        b.append(i == 0 ? "" : "  |  ").append(pad(row[i], widths[i]));
      }
      OUT.println(b.toString().stripTrailing());
    }

    for (Result r : results) {
      if (r.error == null && r.spec.rateMbps > 0) {
        OUT.printf(Locale.ROOT, "%s: link capacity = %.1f MB/s per connection x %d connections carrying data (the cap "
            + "applies per TCP connection, so capacity scales with connections)%n", r.spec.name, r.spec.rateMbps,
            r.connectionsUsed());
      }
      if (r.error == null && (double) r.spec.window * s.partSize > 0.25 * r.bytes) {
        OUT.printf(Locale.ROOT, "%s: the window (%s) holds %.0f %% of the file: the 10-90%% rate is distorted by "
            + "in-order release of buffered parts; use the end-to-end figure%n", r.spec.name,
            size((long) r.spec.window * s.partSize), 100.0 * r.spec.window * s.partSize / r.bytes);
      }
    }
    OUT.println();
    if (floor != null) {
      OUT.printf(Locale.ROOT, "Floor (%s):%n", floor.method);
      OUT.printf(Locale.ROOT, "  AES-256-IGE decrypt (JDK AES)        %8.1f MiB/s  %6.2f s/GiB%n",
          floor.mibPerSecond.get(CryptoFloor.IGE), floor.secondsPerGib(CryptoFloor.IGE));
      OUT.printf(Locale.ROOT, "  SHA-256                              %8.1f MiB/s  %6.2f s/GiB%n",
          floor.mibPerSecond.get(CryptoFloor.SHA), floor.secondsPerGib(CryptoFloor.SHA));
      if (floor.mibPerSecond.containsKey(CryptoFloor.MESSAGE)) {
        OUT.printf(Locale.ROOT, "  MTProto decrypt, direct buffer (info) %7.1f MiB/s  %6.2f s/GiB%n",
            floor.mibPerSecond.get(CryptoFloor.MESSAGE), floor.secondsPerGib(CryptoFloor.MESSAGE));
      }
      double f1 = floor.floorSecondsPerGib(1);
      OUT.printf(Locale.ROOT, "  floor = AES-IGE decrypt + SHA-256 of 1 GiB = %.2f s/GiB%n", f1);
      int passes = 1 + (s.verify ? 1 : 0) + (s.sink.equals("discard") ? 0 : 1);
      double fk = floor.floorSecondsPerGib(passes);
      for (Result r : results) {
        if (r.error == null) {
          OUT.printf(Locale.ROOT, "  %-8s ratio client CPU / floor = %.2f / %.2f = %.2f x%n", r.spec.name, r.cpuPerGib(), f1,
              r.cpuPerGib() / f1);
        }
      }
      OUT.printf(Locale.ROOT, "  this configuration hashes every byte %d time(s) (msg_key%s%s): its crypto floor is "
          + "%.2f s/GiB%n", passes, s.verify ? " + upload.getFileHashes check" : "",
          s.sink.equals("discard") ? "" : " + the benchmark's own SHA-256", fk);
      for (Result r : results) {
        if (r.error == null) {
          OUT.printf(Locale.ROOT, "  %-8s ratio client CPU / configuration floor = %.2f x%n", r.spec.name, r.cpuPerGib() / fk);
        }
      }
    } else if (floorError != null) {
      OUT.println("Floor: not measured: " + floorError);
    }

    for (Result r : results) {
      if (r.error != null) {
        OUT.printf(Locale.ROOT, "%n%s: FAILED: %s%n", r.spec.name, r.error);
        continue;
      }
      OUT.printf(Locale.ROOT, "%n%s details: launcher ready in %.1f s, login + resolve %.2f s, warm-up %s; connections to DC %d: %s%n",
          r.spec.name, r.launcherStartupSeconds, r.loginSeconds,
          Double.isNaN(r.warmupSeconds) ? "none" : fmt("%.2f s", r.warmupSeconds), r.fileDc, r.connections.describe());
      OUT.printf(Locale.ROOT, "  client CPU by Java thread group (the rest, %.2f s, is GC, JIT, VM threads and threads that ended):%n",
          r.cpuSeconds - r.javaThreadCpuSeconds);
      int shown = 0;
      for (var e : r.threadCpu.entrySet()) {
        if (shown++ == 8) {
          break;
        }
        OUT.printf(Locale.ROOT, "    %-40s %6.2f s%n", e.getKey(), e.getValue());
      }
    }
  }

  private interface Cell {
    String of(Result r);
  }

  private static void row(List<String[]> rows, List<Result> results, String label, Cell cell) {
    String[] row = new String[results.size() + 1];
    row[0] = label;
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      String v;
      try {
        v = r.error != null && !label.startsWith("file") && !label.startsWith("link") && !label.startsWith("SHA")
            ? "-" : cell.of(r);
      } catch (RuntimeException e) {
        v = "?";
      }
      row[i + 1] = v == null ? "-" : v;
    }
    rows.add(row);
  }

  private static String fmt(String format, double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, format, value);
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  // ------------------------------------------------------------------ options

  static final class Settings {
    static final String USAGE = String.join("\n",
        "Usage: java -cp benchmarks/target/benchmarks.jar io.telefetch.bench.DownloadBenchmark [options]",
        "  --size SIZE              loopback file size (default 1GiB; 123, 64KiB, 128MiB, 1GiB, 1.5GiB)",
        "  --window N               max parts in flight, loopback run (default 16)",
        "  --initial-window N       parts in flight at the start (default: min(4, window))",
        "  --connections N          download connections per DC, loopback run (default 4)",
        "  --part-size SIZE         bytes per upload.getFile (default 1MiB)",
        "  --verify true|false      per-part SHA-256 verification via upload.getFileHashes (default true)",
        "  --sink sha256|discard    hash the downloaded stream and compare with the JSON (default), or discard it",
        "  --file-dc N              DC holding the file (default 3; the launcher's bot lives on DC 2)",
        "  --dcs N                  DCs in the cluster (default 3)",
        "  --warmup SIZE            untimed range download first, loopback run (default 64MiB; 0: none)",
        "  --floor jmh|loop|none    how to measure the AES-IGE + SHA-256 floor (default jmh)",
        "  --jmh-warmup N --jmh-iterations N --jmh-seconds N   JMH iterations and their length (default 3, 3, 2)",
        "  --shaped true|false      run the shaped download (default true)",
        "  --loopback true|false    run the loopback download (default true)",
        "  --shaped-size SIZE       shaped file size (default 1GiB: the first round trip alone is 4 % of 256 MiB)",
        "  --rate MBPS              shaped: per-connection cap, 10^6 bytes/s (default 20)",
        "  --latency MS             shaped: latency added before every answer (default 100)",
        "  --shaped-connections N   shaped: download connections (default: --connections)",
        "  --shaped-window N        shaped: max window (default: 1.5 x rate x latency on every connection)",
        "  --shaped-initial-window N  shaped: parts in flight at the start (default 4: a cold start)",
        "  --shaped-warmup SIZE     shaped: untimed range download first (default 8MiB)",
        "  --launcher-jar PATH      testkit launcher (default testkit/target/telefetch-testkit.jar, found from here",
        "                           or next to this jar's reactor)",
        "  --launcher-jvm-args \"..\" JVM options for the launcher process",
        "  --profile EVENT          async-profiler during the timed downloads only: cpu, itimer, wall or alloc",
        "  --profile-out PREFIX     where the collapsed stacks go: PREFIX-<run>-<event>.collapsed (default profile)");

    boolean help;
    long size = GIB;
    int window = 16;
    int initialWindow = -1;
    int connections = 4;
    int partSize = (int) MIB;
    boolean verify = true;
    String sink = "sha256";
    int fileDc = 3;
    int dcs = 3;
    long warmup = 64 * MIB;
    String floor = "jmh";
    int jmhWarmup = 3;
    int jmhIterations = 3;
    int jmhSeconds = 2;
    boolean shaped = true;
    boolean loopback = true;
    long shapedSize = GIB;
    double rateMbps = 20;
    long latencyMs = 100;
    int shapedConnections = -1;
    int shapedWindow = -1;
    int shapedInitialWindow = -1;
    long shapedWarmup = 8 * MIB;
    Path launcherJar;
    List<String> launcherJvmArgs = List.of();
    String profile = "none";
    String profileOut = "profile";

    static Settings parse(String[] args) {
      Settings s = new Settings();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--help") || a.equals("-h")) {
          s.help = true;
          continue;
        }
        String value;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          value = a.substring(eq + 1);
          a = a.substring(0, eq);
        } else {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("missing value for " + a);
          }
          value = args[++i];
        }
        switch (a) {
          case "--size" -> s.size = parseSize(value);
          case "--window" -> s.window = positive(a, value);
          case "--initial-window" -> s.initialWindow = positive(a, value);
          case "--connections" -> s.connections = positive(a, value);
          case "--part-size" -> s.partSize = (int) parseSize(value);
          case "--verify" -> s.verify = bool(a, value);
          case "--sink" -> s.sink = oneOf(a, value, "sha256", "discard");
          case "--file-dc" -> s.fileDc = positive(a, value);
          case "--dcs" -> s.dcs = positive(a, value);
          case "--warmup" -> s.warmup = parseSize(value);
          case "--floor" -> s.floor = oneOf(a, value, "jmh", "loop", "none");
          case "--jmh-warmup" -> s.jmhWarmup = positive(a, value);
          case "--jmh-iterations" -> s.jmhIterations = positive(a, value);
          case "--jmh-seconds" -> s.jmhSeconds = positive(a, value);
          case "--shaped" -> s.shaped = bool(a, value);
          case "--loopback" -> s.loopback = bool(a, value);
          case "--shaped-size" -> s.shapedSize = parseSize(value);
          case "--rate" -> s.rateMbps = Double.parseDouble(value);
          case "--latency" -> s.latencyMs = Long.parseLong(value);
          case "--shaped-connections" -> s.shapedConnections = positive(a, value);
          case "--shaped-window" -> s.shapedWindow = positive(a, value);
          case "--shaped-initial-window" -> s.shapedInitialWindow = positive(a, value);
          case "--shaped-warmup" -> s.shapedWarmup = parseSize(value);
          case "--launcher-jar" -> s.launcherJar = Paths.get(value);
          case "--launcher-jvm-args" -> s.launcherJvmArgs = value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+"));
          case "--profile" -> s.profile = oneOf(a, value, "none", "cpu", "itimer", "wall", "alloc");
          case "--profile-out" -> s.profileOut = value;
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (s.initialWindow < 0) {
        s.initialWindow = Math.min(4, s.window);
      }
      s.initialWindow = Math.min(s.initialWindow, s.window);
      if (s.shapedConnections < 0) {
        s.shapedConnections = s.connections;
      }
      if (s.fileDc > s.dcs) {
        throw new IllegalArgumentException("--file-dc " + s.fileDc + " but only " + s.dcs + " DCs");
      }
      if (s.rateMbps <= 0 || s.latencyMs < 0) {
        throw new IllegalArgumentException("--rate must be positive and --latency not negative");
      }
      if (!s.help && s.launcherJar == null) {
        s.launcherJar = findLauncher();
      }
      if (!s.help && !Files.isRegularFile(s.launcherJar)) {
        throw new IllegalArgumentException("no launcher jar at " + s.launcherJar
            + " (build it: mvn -B -q -o package -pl testkit -DskipTests, or pass --launcher-jar)");
      }
      return s;
    }

    static Path findLauncher() {
      Path relative = Paths.get("testkit", "target", "telefetch-testkit.jar");
      if (Files.isRegularFile(relative)) {
        return relative.toAbsolutePath();
      }
      try {
        // benchmarks/target/benchmarks.jar -> ../../testkit/target/telefetch-testkit.jar
        Path self = Paths.get(DownloadBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path reactor = self.getParent() == null ? null : self.getParent().getParent();
        if (reactor != null && reactor.getParent() != null) {
          Path candidate = reactor.getParent().resolve(relative);
          if (Files.isRegularFile(candidate)) {
            return candidate;
          }
        }
      } catch (Exception e) {
        // fall through
      }
      return relative.toAbsolutePath();
    }

    static long parseSize(String text) {
      String t = text.trim();
      int i = 0;
      while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
        i++;
      }
      if (i == 0) {
        throw new IllegalArgumentException("not a size: " + text);
      }
      double n = Double.parseDouble(t.substring(0, i));
      long unit = switch (t.substring(i).trim().toUpperCase(Locale.ROOT)) {
        case "", "B" -> 1;
        case "K", "KIB" -> KIB;
        case "M", "MIB" -> MIB;
        case "G", "GIB" -> GIB;
        case "KB" -> 1000;
        case "MB" -> 1_000_000;
        case "GB" -> 1_000_000_000;
        default -> throw new IllegalArgumentException("unknown size unit in " + text);
      };
      return (long) (n * unit);
    }

    private static int positive(String option, String value) {
      int n;
      try {
        n = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " needs a number: " + value);
      }
      if (n < 1) {
        throw new IllegalArgumentException(option + " must be at least 1: " + value);
      }
      return n;
    }

    private static boolean bool(String option, String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1" -> true;
        case "false", "no", "off", "0" -> false;
        default -> throw new IllegalArgumentException(option + " takes true or false: " + value);
      };
    }

    private static String oneOf(String option, String value, String... allowed) {
      for (String a : allowed) {
        if (a.equals(value)) {
          return a;
        }
      }
      throw new IllegalArgumentException(option + " takes one of " + String.join(", ", allowed) + ": " + value);
    }
  }
}
