package io.telefetch.testkit.e2e.client;

import io.telefetch.mtproto.client.ClientOptions;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** Builds {@link TelegramClient}s for a test cluster and reads its counters. */
final class TestClients {
  static final int API_ID = 4242;
  static final String API_HASH = "0123456789abcdef0123456789abcdef";

  private TestClients() {}

  /**
   * Options for {@code cluster}: its main DCs as the bootstrap list (media-only and CDN options
   * come from help.getConfig), its RSA key, home DC 1, short timeouts.
   */
  static ClientOptions.Builder builder(TestCluster cluster) {
    List<DcOption> options = new ArrayList<>();
    for (DcServer dc : cluster.dcs()) {
      if (!dc.mediaOnly() && !dc.cdn()) {
        options.add(DcOption.of(dc.id(), dc.host(), dc.port()));
      }
    }
    return TelegramClient.builder()
        .apiId(API_ID).apiHash(API_HASH)
        .dcOptions(DcOptions.of(options))
        .serverKeys(cluster.serverKeys())
        .mainDc(1)
        .callTimeout(Duration.ofSeconds(20))
        .connectTimeout(Duration.ofSeconds(5))
        .retries(2, Duration.ofMillis(20), Duration.ofMillis(200));
  }

  /** The future's value within 30 s, its failure unwrapped. */
  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new CompletionException(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 30 s", e);
    }
  }

  /** The failure of {@code f}, unwrapped. */
  static Throwable failure(CompletableFuture<?> f) {
    try {
      f.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      while (c instanceof CompletionException && c.getCause() != null) {
        c = c.getCause();
      }
      return c;
    } catch (Exception e) {
      throw new AssertionError("unexpected " + e, e);
    }
    throw new AssertionError("the call succeeded");
  }

  /** How many calls of {@code method} all servers of DC {@code dc} handled. */
  static long count(TestCluster cluster, int dc, String method) {
    return cluster.dcs().stream().filter(d -> d.id() == dc).mapToLong(d -> d.recorder().count(method)).sum();
  }

  /** How many calls of {@code method} the whole cluster handled. */
  static long count(TestCluster cluster, String method) {
    return cluster.dcs().stream().mapToLong(d -> d.recorder().count(method)).sum();
  }
}
