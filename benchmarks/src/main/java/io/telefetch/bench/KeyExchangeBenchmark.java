package io.telefetch.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.connection.ConnectionOptions;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPublicKey;
import io.telefetch.mtproto.exchange.ClientKeyExchange;
import io.telefetch.mtproto.exchange.ClientKeyExchange.Phase;
import io.telefetch.mtproto.session.Envelope;
import io.telefetch.mtproto.session.MsgIdGenerator;
import io.telefetch.mtproto.session.Wire;
import io.telefetch.testkit.launcher.LaunchConfig;
import io.telefetch.tl.TlObject;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How long creating an auth key takes over loopback against a testkit launcher in another process
 * (issue 16: "key creation over loopback &lt; 50 ms"), and where the time goes.
 *
 * <ul>
 *   <li><b>Connection path</b> (what a client pays): {@link MtprotoConnection#connect} without a
 *       key on a fresh TCP connection, until the connection is ready with its new key. The first
 *       key in this (cold) JVM, then the median / p90 / min of N more, client process CPU and the
 *       launcher's CPU per key.
 *   <li><b>Steps</b>: N more keys, each on a fresh blocking socket (intermediate transport) driving
 *       {@link ClientKeyExchange} directly, timed per step: connect, the three round trips (the
 *       server's work is inside them), the client's work after each answer, split by the exchange's
 *       {@link Phase}s into pq factorization, RSA_PAD, decrypting and checking the DH parameters,
 *       {@code g^b} and {@code g_a^b}; and the client thread's CPU per key.
 * </ul>
 *
 * {@code --first steps} lets the stepped path take the cold first key instead (its breakdown is
 * then printed for it too). Options: {@code --keys N} (default 20), {@code --first
 * connection|steps}, {@code --launcher-jar PATH}, {@code --launcher-jvm-args "..."}, {@code
 * --profile cpu|wall|alloc} (async-profiler over the warm keys of both paths).
 */
public final class KeyExchangeBenchmark {
  private static final PrintStream OUT = System.out;
  private static final int INTERMEDIATE_TAG = 0xeeeeeeee;
  private static final int MAX_FRAME = 1 << 16;

  private KeyExchangeBenchmark() {}

  public static void main(String[] args) throws Exception {
    int keys = 20;
    String first = "connection";
    Path launcherJar = null;
    List<String> launcherJvmArgs = List.of();
    String profile = "none";
    int coldClients = 3;
    List<String> childJvmArgs = List.of();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--keys" -> keys = Integer.parseInt(value);
        case "--first" -> first = value;
        case "--launcher-jar" -> launcherJar = Paths.get(value);
        case "--launcher-jvm-args" -> launcherJvmArgs = value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+"));
        case "--profile" -> profile = value;
        case "--cold-clients" -> coldClients = Integer.parseInt(value);
        case "--cold-jvm-args" -> childJvmArgs = value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+"));
        case "--child" -> {
          child(value, Arrays.copyOfRange(args, i + 2, args.length));
          return;
        }
        case "--help", "-h" -> {
          OUT.println("KeyExchangeBenchmark [--keys 20] [--first connection|steps] [--launcher-jar PATH]"
              + " [--launcher-jvm-args \"..\"] [--profile cpu|wall|alloc] [--cold-clients 3] [--cold-jvm-args \"..\"]");
          return;
        }
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
      i++;
    }
    if (keys < 1 || !(first.equals("connection") || first.equals("steps"))) {
      throw new IllegalArgumentException("--keys must be positive, --first connection or steps");
    }
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    if (launcherJar == null) {
      launcherJar = DownloadBenchmark.Settings.findLauncher();
    }
    if (!Files.isRegularFile(launcherJar)) {
      throw new IllegalArgumentException("no launcher jar at " + launcherJar);
    }
    OUT.printf(Locale.ROOT, "KeyExchangeBenchmark: %d keys per path, cold key by the %s path, JVM %s, %d CPUs%n",
        keys, first, System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors());
    try (TestkitProcess launcher = TestkitProcess.start(launcherJar, launcherJvmArgs, List.of("--dcs", "1"))) {
      LaunchConfig config = launcher.config();
      LaunchConfig.Dc dc = config.dcs().get(0);
      InetSocketAddress address = new InetSocketAddress(dc.host(), dc.port());
      RsaKeys rsa = RsaKeys.of(List.of(RsaPublicKey.parsePem(config.rsa().publicKeyPem())));
      OUT.printf(Locale.ROOT, "launcher up in %.2f s (pid %d), DC %d at %s; this JVM started %d ms ago%n",
          launcher.startupSeconds(), launcher.pid(), dc.id(), address, System.currentTimeMillis() - jvmStart);

      EventLoopGroup group = new NioEventLoopGroup(1);
      try {
        Connections connections = new Connections(group, address, dc.id(), rsa);
        Steps steps = new Steps(address, dc.id(), rsa);
        // ---- the cold first key
        long cpu0 = processCpu();
        long launcherCpu0 = cpuNanos(launcher);
        if (first.equals("connection")) {
          double ms = connections.once();
          OUT.printf(Locale.ROOT, "%ncold first key (connection path, first in this JVM): %.1f ms, client process CPU %.0f ms,"
              + " launcher CPU %.0f ms%n", ms, (processCpu() - cpu0) / 1e6, (cpuNanos(launcher) - launcherCpu0) / 1e6);
        } else {
          StepTimes t = steps.once();
          OUT.printf(Locale.ROOT, "%ncold first key (stepped path, first in this JVM): %.1f ms, client process CPU %.0f ms,"
              + " launcher CPU %.0f ms%n", t.total(), (processCpu() - cpu0) / 1e6, (cpuNanos(launcher) - launcherCpu0) / 1e6);
          printSteps(List.of(t), "  cold key, by step (ms):", false);
        }

        Profiling profiling = Profiling.start(profile, "keyx", "warm");
        // ---- N warm keys through the connection path
        double[] times = new double[keys];
        cpu0 = processCpu();
        launcherCpu0 = cpuNanos(launcher);
        for (int i = 0; i < keys; i++) {
          times[i] = connections.once();
        }
        double clientCpu = (processCpu() - cpu0) / 1e6 / keys;
        double serverCpu = (cpuNanos(launcher) - launcherCpu0) / 1e6 / keys;
        OUT.printf(Locale.ROOT, "%nconnection path, %d keys after the first: median %.1f ms, p90 %.1f ms, min %.1f ms,"
            + " max %.1f ms%n", keys, percentile(times, 50), percentile(times, 90), min(times), max(times));
        OUT.printf(Locale.ROOT, "  per key: client process CPU %.1f ms, launcher process CPU %.1f ms%n", clientCpu, serverCpu);

        // ---- N warm keys through the stepped path
        List<StepTimes> stepped = new ArrayList<>();
        launcherCpu0 = cpuNanos(launcher);
        for (int i = 0; i < keys; i++) {
          stepped.add(steps.once());
        }
        serverCpu = (cpuNanos(launcher) - launcherCpu0) / 1e6 / keys;
        profiling.stop();
        double[] totals = stepped.stream().mapToDouble(StepTimes::total).toArray();
        OUT.printf(Locale.ROOT, "%nstepped path, %d keys: median %.1f ms, p90 %.1f ms, min %.1f ms; launcher process CPU"
            + " %.1f ms per key%n", keys, percentile(totals, 50), percentile(totals, 90), min(totals), serverCpu);
        printSteps(stepped, "  by step (ms):", true);

        // ---- cold clients (fresh JVMs) against the now warm server
        if (coldClients > 0) {
          coldClients(coldClients, childJvmArgs, address, dc.id(), config.rsa().publicKeyPem());
        }
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
  }

  // ------------------------------------------------------------------ cold clients

  /**
   * Runs {@code n} child JVMs, each making its first key (the stepped path, then one through the
   * connection path) against the warm launcher, and prints what each took.
   */
  private static void coldClients(int n, List<String> jvmArgs, InetSocketAddress address, int dcId, String pem) throws Exception {
    Path pemFile = Files.createTempFile("telefetch-keyx", ".pem");
    try {
      Files.writeString(pemFile, pem);
      List<StepTimes> colds = new ArrayList<>();
      double[] connection = new double[n];
      double[] jvm = new double[n];
      for (int i = 0; i < n; i++) {
        for (String path : List.of("steps", "connection")) {
          List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
          command.addAll(jvmArgs);
          command.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Dkeyx.profile=" + System.getProperty("keyx.profile", "none"),
              KeyExchangeBenchmark.class.getName(), "--child", path,
              address.getHostString() + ":" + address.getPort(), String.valueOf(dcId), pemFile.toString()));
          long t0 = System.nanoTime();
          Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
          String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          if (p.waitFor() != 0) {
            throw new IOException("the cold client failed:\n" + output);
          }
          double wall = (System.nanoTime() - t0) / 1e6;
          Map<String, Double> values = new LinkedHashMap<>();
          for (String line : output.split("\n")) {
            if (line.startsWith("COLD ")) {
              for (String kv : line.substring(5).split(";")) {
                int eq = kv.indexOf('=');
                values.put(kv.substring(0, eq), Double.parseDouble(kv.substring(eq + 1)));
              }
            }
          }
          if (path.equals("steps")) {
            double cpu = values.remove("client thread CPU");
            colds.add(new StepTimes(values, cpu));
          } else {
            connection[i] = values.get("total");
            jvm[i] = wall;
          }
        }
      }
      OUT.printf(Locale.ROOT, "%ncold clients (%d fresh JVMs each way) against the warm launcher:%n", n);
      OUT.printf(Locale.ROOT, "  connection path, first key: median %.1f ms, min %.1f ms, max %.1f ms"
          + " (whole child JVM: median %.0f ms)%n", percentile(connection, 50), min(connection), max(connection),
          percentile(jvm, 50));
      double[] totals = colds.stream().mapToDouble(StepTimes::total).toArray();
      OUT.printf(Locale.ROOT, "  stepped path, first key: median %.1f ms, min %.1f ms, max %.1f ms%n",
          percentile(totals, 50), min(totals), max(totals));
      printSteps(colds, "  by step (ms):", true);
    } finally {
      Files.deleteIfExists(pemFile);
    }
  }

  /** A cold client: one key by {@code path}, printed as a {@code COLD name=ms;...} line. */
  private static void child(String path, String[] args) throws Exception {
    String[] hostPort = args[0].split(":");
    InetSocketAddress address = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
    int dcId = Integer.parseInt(args[1]);
    RsaKeys rsa = RsaKeys.of(List.of(RsaPublicKey.parsePem(Files.readString(Paths.get(args[2])))));
    StringBuilder line = new StringBuilder("COLD ");
    String profile = System.getProperty("keyx.profile", "none");
    Profiling profiling = Profiling.start(profile, "keyx-cold", path);
    if (path.equals("steps")) {
      StepTimes t = new Steps(address, dcId, rsa).once();
      t.steps().forEach((k, v) -> line.append(k).append('=').append(v).append(';'));
      line.append("client thread CPU=").append(t.clientCpu());
    } else {
      EventLoopGroup group = new NioEventLoopGroup(1);
      try {
        line.append("total=").append(new Connections(group, address, dcId, rsa).once());
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
    profiling.stop();
    OUT.println(line);
  }

  // ------------------------------------------------------------------ the connection path

  /** Keys through {@link MtprotoConnection#connect}, as a client makes them. */
  private static final class Connections {
    private final ConnectionOptions options;

    Connections(EventLoopGroup group, InetSocketAddress address, int dcId, RsaKeys rsa) {
      this.options = ConnectionOptions.builder(address).dcId(dcId).rsaKeys(rsa).eventLoopGroup(group)
          .callbackExecutor(Runnable::run).connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** Connects with no key, waits until the key exists, closes; returns the milliseconds it took. */
    double once() throws Exception {
      long t0 = System.nanoTime();
      MtprotoConnection c = MtprotoConnection.connect(options).get(60, TimeUnit.SECONDS);
      long t1 = System.nanoTime();
      if (c.authKey() == null) {
        throw new IllegalStateException("the connection is ready without a key");
      }
      c.closeAsync();
      c.closeFuture().get(10, TimeUnit.SECONDS);
      return (t1 - t0) / 1e6;
    }
  }

  // ------------------------------------------------------------------ the stepped path

  /** What one key cost, step by step, in milliseconds. */
  record StepTimes(Map<String, Double> steps, double clientCpu) {
    double total() {
      return steps.get("total");
    }
  }

  /** Keys made by driving {@link ClientKeyExchange} over a blocking socket, timed step by step. */
  private static final class Steps {
    private final InetSocketAddress address;
    private final int dcId;
    private final RsaKeys rsa;
    private final SecureRandom random = new SecureRandom();
    private final MsgIdGenerator msgIds = new MsgIdGenerator(Clock.systemUTC());
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    Steps(InetSocketAddress address, int dcId, RsaKeys rsa) {
      this.address = address;
      this.dcId = dcId;
      this.rsa = rsa;
    }

    StepTimes once() throws IOException {
      Map<Phase, Long> marks = new EnumMap<>(Phase.class);
      ClientKeyExchange.Options options = ClientKeyExchange.Options.builder(rsa, dcId).random(random)
          .phaseListener(p -> marks.put(p, System.nanoTime())).build();
      Map<String, Double> s = new LinkedHashMap<>();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      try (Socket socket = new Socket()) {
        socket.setTcpNoDelay(true);
        socket.connect(address, 10_000);
        socket.setSoTimeout(30_000);
        long tConnected = System.nanoTime();
        s.put("connect", ms(t0, tConnected));
        OutputStream out = socket.getOutputStream();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] tag = new byte[4];
        Arrays.fill(tag, (byte) 0xee);
        out.write(tag);
        ClientKeyExchange exchange = new ClientKeyExchange(options);
        TlObject request = exchange.firstRequest();
        String[] roundTrips = {"req_pq_multi -> resPQ", "req_DH_params -> server_DH_params", "set_client_DH_params -> dh_gen_ok"};
        String[] clientWork = {"client: resPQ", "client: server_DH_params", "client: dh_gen_ok"};
        for (int step = 0; ; step++) {
          if (step == 3) {
            throw new IOException("more than three round trips");
          }
          long sent = System.nanoTime();
          send(out, request);
          TlObject answer = receive(in);
          long received = System.nanoTime();
          s.put(roundTrips[step], ms(sent, received));
          marks.clear();
          ClientKeyExchange.Step next = exchange.onResponse(answer);
          long done = System.nanoTime();
          s.put(clientWork[step], ms(received, done));
          if (step == 0) {
            s.put("  pq factorization", ms(received, marks.get(Phase.PQ_FACTORIZED)));
            s.put("  RSA_PAD encryption", ms(marks.get(Phase.PQ_FACTORIZED), marks.get(Phase.RSA_PAD_ENCRYPTED)));
          } else if (step == 1) {
            s.put("  decrypt DH params", ms(received, marks.get(Phase.DH_PARAMS_DECRYPTED)));
            s.put("  DH checks", ms(marks.get(Phase.DH_PARAMS_DECRYPTED), marks.get(Phase.DH_PARAMS_CHECKED)));
            s.put("  g^b mod p", ms(marks.get(Phase.DH_PARAMS_CHECKED), marks.get(Phase.G_B_COMPUTED)));
            s.put("  g_a^b mod p", ms(marks.get(Phase.G_B_COMPUTED), marks.get(Phase.AUTH_KEY_COMPUTED)));
          }
          if (next instanceof ClientKeyExchange.Done) {
            break;
          }
          request = ((ClientKeyExchange.Send) next).request();
        }
      }
      long end = System.nanoTime();
      s.put("total", ms(t0, end));
      return new StepTimes(s, (threads.getCurrentThreadCpuTime() - cpu0) / 1e6);
    }

    private void send(OutputStream out, TlObject request) throws IOException {
      ByteBuf data = Unpooled.wrappedBuffer(Wire.serialize(request));
      ByteBuf packet = Envelope.plain(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, msgIds.next(), data);
      try {
        byte[] frame = new byte[4 + packet.readableBytes()];
        int n = packet.readableBytes();
        frame[0] = (byte) n;
        frame[1] = (byte) (n >>> 8);
        frame[2] = (byte) (n >>> 16);
        frame[3] = (byte) (n >>> 24);
        packet.getBytes(packet.readerIndex(), frame, 4, n);
        out.write(frame);
        out.flush();
      } finally {
        data.release();
        packet.release();
      }
    }

    private static TlObject receive(DataInputStream in) throws IOException {
      int n = Integer.reverseBytes(in.readInt());
      if (n < 0 || n > MAX_FRAME) {
        throw new IOException("bad frame length " + n + (n < 0 ? " (transport error " + n + ")" : ""));
      }
      if (n == 4) {
        byte[] error = new byte[4];
        in.readFully(error);
        throw new IOException("transport error " + Integer.reverseBytes(java.nio.ByteBuffer.wrap(error).getInt()));
      }
      byte[] frame = new byte[n];
      in.readFully(frame);
      ByteBuf packet = Unpooled.wrappedBuffer(frame);
      try {
        return ClientKeyExchange.decodeAnswer(Envelope.openPlain(packet, new long[1]));
      } finally {
        packet.release();
      }
    }
  }

  private static void printSteps(List<StepTimes> keys, String title, boolean withSpread) {
    OUT.println(title);
    Map<String, double[]> columns = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      for (Map.Entry<String, Double> e : keys.get(i).steps().entrySet()) {
        columns.computeIfAbsent(e.getKey(), k -> new double[keys.size()])[i] = e.getValue();
      }
    }
    double[] cpu = keys.stream().mapToDouble(StepTimes::clientCpu).toArray();
    columns.put("client thread CPU", cpu);
    for (Map.Entry<String, double[]> e : columns.entrySet()) {
      double[] v = e.getValue();
      if (withSpread) {
        OUT.printf(Locale.ROOT, "    %-40s median %7.2f   p90 %7.2f   min %7.2f%n", e.getKey(), percentile(v, 50),
            percentile(v, 90), min(v));
      } else {
        OUT.printf(Locale.ROOT, "    %-40s %7.2f%n", e.getKey(), v[0]);
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private static double ms(long from, long to) {
    return (to - from) / 1e6;
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static long cpuNanos(TestkitProcess launcher) {
    Optional<Duration> d = launcher.cpuTime();
    return d.map(Duration::toNanos).orElse(0L);
  }

  /** The nearest-rank percentile. */
  static double percentile(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
  }
}
