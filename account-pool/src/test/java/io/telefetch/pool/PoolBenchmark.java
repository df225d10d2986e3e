package io.telefetch.pool;

import io.telefetch.media.DownloadRequest;
import io.telefetch.media.FetchOptions;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The account pool benchmark of issue 15 (a main, not a test): one file (1 GiB by default) through
 * 1, 2, 4 and 8 accounts of a testkit whose accounts are each capped ({@code --account-rate}: the
 * testkit holds each account's parts to its rate over all its connections), aggregate MB/s and the
 * process's CPU use. The testkit runs in this JVM (its encryption costs CPU here too), so on a small
 * machine the curve bends where the CPU is spent, not at the link.
 *
 * <p>Run: {@code java -cp <account-pool test classpath> io.telefetch.pool.PoolBenchmark [sizeMiB]
 * [capMBps] [accounts,...]}; the bytes are SHA-256-checked against the launcher's digest.
 */
public final class PoolBenchmark {
  private PoolBenchmark() {}

  private static long cpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  public static void main(String[] args) throws Exception {
    long size = (args.length > 0 ? Long.parseLong(args[0]) : 1024) << 20;
    double capMb = args.length > 1 ? Double.parseDouble(args[1]) : 16;
    int[] counts = args.length > 2 ? java.util.Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {1, 2, 4, 8};
    int max = java.util.Arrays.stream(counts).max().orElse(1);
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= max; i++) {
      names.add("acc" + i);
    }
    try (DemoCluster demo = DemoCluster.builder().dcs(1).file(FileSpec.parse("bench.bin:" + size)).accounts(names)
        .accountRateBytesPerSecond((long) (capMb * 1_000_000)).build().start()) {
      LaunchConfig cfg = demo.config();
      LaunchConfig.Message m = cfg.channels().get(0).messages().get(0);
      String link = "https://t.me/" + cfg.channels().get(0).username() + "/" + m.id();
      List<TelegramClient> clients = new ArrayList<>();
      for (String n : names) {
        TelegramClient c = cfg.clientOptions().callTimeout(Duration.ofSeconds(60)).downloadConnections(2).build();
        c.login(Login.botToken(cfg.account(n).orElseThrow().botToken())).get(60, TimeUnit.SECONDS);
        clients.add(c);
      }
      System.out.printf("file %d MiB, each account capped at %.1f MB/s, %d cores%n", size >> 20, capMb,
          Runtime.getRuntime().availableProcessors());
      for (int n : counts) {
        AccountPool.Builder b = AccountPool.builder();
        for (int i = 0; i < n; i++) {
          b.account(PoolAccount.of(names.get(i), clients.get(i), AccountLimits.free()));
        }
        AccountPool pool = b.build();
        FetchOptions options = FetchOptions.builder().partSize(1 << 20).window(16, 8 * n + 8).cdn(false).build();
        DownloadRequest d = pool.download(link, options).get(60, TimeUnit.SECONDS);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        long got = d.toChannel(new WritableByteChannel() {
          @Override
          public int write(ByteBuffer src) {
            int k = src.remaining();
            sha.update(src);
            return k;
          }

          @Override
          public boolean isOpen() {
            return true;
          }

          @Override
          public void close() {}
        }).get(30, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        boolean ok = got == size && HexFormat.of().formatHex(sha.digest()).equals(m.sha256());
        StringBuilder parts = new StringBuilder();
        for (AccountStatus s : pool.status()) {
          parts.append(' ').append(s.name()).append('=').append(s.partsFetched());
        }
        System.out.printf("%d account(s): %.1f MB/s aggregate (%.1f s, cap %.1f MB/s = %.0f%%), CPU %.1f core-s "
            + "(%.2f cores busy), sha256 %s; parts:%s%n", n, size / 1e6 / seconds, seconds, n * capMb,
            100 * size / 1e6 / seconds / (n * capMb), cpu, cpu / seconds, ok ? "ok" : "MISMATCH", parts);
      }
      clients.forEach(TelegramClient::close);
    }
  }
}
