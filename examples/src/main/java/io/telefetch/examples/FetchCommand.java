package io.telefetch.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.telefetch.link.LinkResolver;
import io.telefetch.link.Peer;
import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code telefetch fetch}: downloads one post's document from a cluster described by the testkit
 * launcher's JSON ({@code --config-out}) with media-fetch, hashes the stream (SHA-256) and checks it
 * against the JSON, and prints one line of JSON with the result: bytes, wall time of the download,
 * this process's CPU time (user and system) during the download and overall, and its peak RSS. The
 * interop side-by-side benchmark runs it as the Telefetch client process.
 *
 * <p>Exit status: 0 when the hash matches, 1 on a mismatch or a failed download, 2 on a usage error.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    description = "Download a post's file from a testkit launcher cluster (its JSON), check its SHA-256, "
        + "print one line of JSON.")
final class FetchCommand implements Callable<Integer> {
  private static final double GIB = 1 << 30;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--config", required = true, description = "the launcher's JSON (written with --config-out)")
  Path config;

  @Option(names = "--message", description = "the post's message id (default: the first post, or the one named by --file)")
  Integer message;

  @Option(names = "--file", description = "the post whose file has this name")
  String fileName;

  @Option(names = "--channel", description = "the channel's username (default: the first channel in the JSON)")
  String channel;

  @Option(names = "--out", description = "also write the file here (default: only hash it)")
  Path out;

  @Option(names = "--guest", description = "do not log in (the launcher must run with --guest-access); "
      + "default: log in with the JSON's bot token")
  boolean guest;

  @Option(names = "--connections", defaultValue = "4", description = "download connections per DC (default ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--window", description = "max parts in flight (default: media-fetch's default)")
  Integer window;

  @Option(names = "--initial-window", description = "parts in flight at the start (default: media-fetch's default, "
      + "at most --window)")
  Integer initialWindow;

  @Option(names = "--part-size", description = "bytes per upload.getFile, a power of two (default: media-fetch's default)")
  Integer partSize;

  @Option(names = "--verify", arity = "1", description = "per-part SHA-256 verification with upload.getFileHashes "
      + "(default: media-fetch's default)")
  Boolean verify;

  @Option(names = "--timeout", defaultValue = "1800", description = "give up after this many seconds (default ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    long processStart = System.nanoTime();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("client", "telefetch");
    LaunchConfig cfg;
    LaunchConfig.Channel ch;
    LaunchConfig.Message post;
    try {
      cfg = LaunchConfig.read(config);
      ch = pickChannel(cfg, channel);
      post = pickMessage(ch, message, fileName);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("telefetch fetch: " + e.getMessage());
      return 2;
    }
    result.put("message", post.id());
    result.put("file_name", post.fileName());
    result.put("size", post.size());
    result.put("expected_sha256", post.sha256());

    FetchOptions defaults = FetchOptions.defaults();
    FetchOptions.Builder fetchOptions = defaults.newBuilder();
    int max = window != null ? window : defaults.maxWindow();
    int initial = Math.min(max, initialWindow != null ? initialWindow : defaults.initialWindow());
    fetchOptions.window(initial, max);
    if (partSize != null) {
      fetchOptions.partSize(partSize);
    }
    if (verify != null) {
      fetchOptions.verify(verify);
    }
    FetchOptions options;
    try {
      options = fetchOptions.build();
    } catch (IllegalArgumentException e) {
      System.err.println("telefetch fetch: " + e.getMessage());
      return 2;
    }
    result.put("login", guest ? "guest" : "bot");
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("connections", connections);
    settings.put("window", initial + ".." + max);
    settings.put("part_size", options.partSize());
    settings.put("verify", options.verify());
    result.put("settings", settings);

    boolean ok = false;
    try (TelegramClient client = cfg.clientOptions()
        // a guest key is never exported to other DCs: start on the file's DC
        .mainDc(guest ? post.dc() : cfg.dcs().get(0).id())
        .downloadConnections(connections).callTimeout(Duration.ofSeconds(120))
        .build()) {
      long t0 = System.nanoTime();
      if (!guest) {
        client.login(Login.botToken(cfg.botToken())).get(timeoutSeconds, TimeUnit.SECONDS);
      }
      LinkResolver links = LinkResolver.create(client);
      Peer peer = links.resolveUsername(ch.username()).get(timeoutSeconds, TimeUnit.SECONDS);
      MediaFile file = links.mediaFile(peer, post.id()).get(timeoutSeconds, TimeUnit.SECONDS);
      result.put("setup_s", seconds(System.nanoTime() - t0));
      if (file.size() != post.size()) {
        throw new IllegalStateException("the message's document has " + file.size() + " bytes, the JSON says " + post.size());
      }

      MediaFetcher fetcher = MediaFetcher.create(client, options);
      try (HashingSink sink = new HashingSink(out)) {
        Cpu cpu0 = Cpu.now();
        long d0 = System.nanoTime();
        long bytes = fetcher.download(file).toChannel(sink).get(timeoutSeconds, TimeUnit.SECONDS);
        long d1 = System.nanoTime();
        Cpu cpu1 = Cpu.now();
        String actual = sink.hex();
        double wall = seconds(d1 - d0);
        result.put("bytes", bytes);
        result.put("sha256", actual);
        result.put("download_s", wall);
        result.put("mbps", round(bytes / 1e6 / wall));
        result.put("download_cpu_user_s", round(cpu1.user - cpu0.user));
        result.put("download_cpu_system_s", round(cpu1.system - cpu0.system));
        result.put("download_cpu_s", round(cpu1.total - cpu0.total));
        result.put("download_cpu_s_per_gib", round((cpu1.total - cpu0.total) / (bytes / GIB)));
        ok = bytes == post.size() && actual.equalsIgnoreCase(post.sha256());
        if (!ok) {
          result.put("error", bytes != post.size() ? "downloaded " + bytes + " bytes, expected " + post.size()
              : "SHA-256 mismatch");
        }
      }
    } catch (Exception e) {
      Throwable cause = e instanceof CompletionException || e instanceof ExecutionException ? e.getCause() : e;
      result.put("error", String.valueOf(cause));
      cause.printStackTrace();
    }
    Cpu end = Cpu.now();
    result.put("ok", ok);
    result.put("process_cpu_user_s", round(end.user));
    result.put("process_cpu_system_s", round(end.system));
    result.put("process_cpu_s", round(end.total));
    result.put("max_rss_kib", maxRssKib());
    result.put("process_wall_s", seconds(System.nanoTime() - processStart));
    System.out.println(toJson(result));
    System.out.flush();
    return ok ? 0 : 1;
  }

  static LaunchConfig.Channel pickChannel(LaunchConfig cfg, String username) {
    if (username != null) {
      return cfg.channel(username.startsWith("@") ? username.substring(1) : username)
          .orElseThrow(() -> new IllegalArgumentException("the JSON lists no channel @" + username));
    }
    if (cfg.channels().isEmpty()) {
      throw new IllegalArgumentException("the JSON lists no channel");
    }
    return cfg.channels().get(0);
  }

  static LaunchConfig.Message pickMessage(LaunchConfig.Channel ch, Integer id, String name) {
    for (LaunchConfig.Message m : ch.messages()) {
      if ((id == null || m.id() == id) && (name == null || m.fileName().equals(name))) {
        return m;
      }
    }
    throw new IllegalArgumentException("@" + ch.username() + " has no post" + (id != null ? " " + id : "")
        + (name != null ? " with the file " + name : ""));
  }

  private static double seconds(long nanos) {
    return round(nanos / 1e9);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static String toJson(Map<String, Object> result) {
    try {
      return JSON.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** This process's CPU seconds: user and system from /proc/self/stat where there is one, and their total. */
  record Cpu(double user, double system, double total) {
    /** Linux's USER_HZ: the unit of utime and stime in /proc/PID/stat (100 on every mainstream architecture). */
    private static final double TICKS_PER_SECOND = 100;

    static Cpu now() {
      double total = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
          ? os.getProcessCpuTime() / 1e9 : Double.NaN;
      try {
        String stat = Files.readString(Paths.get("/proc/self/stat"));
        // the fields after the command name (which may contain spaces) start after the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        double user = Long.parseLong(f[11]) / TICKS_PER_SECOND; // field 14, utime
        double system = Long.parseLong(f[12]) / TICKS_PER_SECOND; // field 15, stime
        return new Cpu(user, system, Double.isNaN(total) ? user + system : total);
      } catch (IOException | RuntimeException e) {
        return new Cpu(Double.NaN, Double.NaN, total);
      }
    }
  }

  /** VmHWM from /proc/self/status (the resident set's high-water mark), in KiB; -1 where there is none. */
  static long maxRssKib() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  /** Hashes what it is given and, when given a file, writes it there too. */
  static final class HashingSink implements WritableByteChannel {
    private final MessageDigest sha;
    private final FileChannel file;
    private boolean open = true;

    HashingSink(Path out) throws IOException, NoSuchAlgorithmException {
      this.sha = MessageDigest.getInstance("SHA-256");
      this.file = out == null ? null : FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int n = src.remaining();
      if (file != null) {
        ByteBuffer copy = src.duplicate();
        while (copy.hasRemaining()) {
          file.write(copy);
        }
      }
      sha.update(src); // consumes src
      return n;
    }

    String hex() {
      return HexFormat.of().formatHex(sha.digest());
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() throws IOException {
      open = false;
      if (file != null) {
        file.close();
      }
    }
  }
}
