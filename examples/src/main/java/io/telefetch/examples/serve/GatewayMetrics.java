package io.telefetch.examples.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.telefetch.mtproto.rpc.CallRoute;
import io.telefetch.mtproto.rpc.EventListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * The gateway's Prometheus metrics (its own registry): bytes served, active streams, time to first
 * byte, requests by status, flood waits (through {@link #eventListener}, given to the client) and
 * link-cache hits. {@link #scrape} renders the Prometheus text format.
 */
public final class GatewayMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  final Counter bytes = Counter.builder().name("telefetch_serve_bytes")
      .help("Media bytes written to clients").register(registry);
  final Gauge activeStreams = Gauge.builder().name("telefetch_serve_active_streams")
      .help("Media streams being written").register(registry);
  final Histogram ttfb = Histogram.builder().name("telefetch_serve_ttfb_seconds")
      .help("Time from a media request to its first body byte").classicOnly()
      .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10).register(registry);
  final Counter requests = Counter.builder().name("telefetch_serve_requests")
      .help("HTTP requests by status").labelNames("status").register(registry);
  final Counter floodWaits = Counter.builder().name("telefetch_serve_flood_waits")
      .help("FLOOD_WAIT answers the client met").register(registry);
  final Counter cacheHits = Counter.builder().name("telefetch_serve_link_cache_hits")
      .help("Links answered from the metadata cache").register(registry);
  final Counter cacheMisses = Counter.builder().name("telefetch_serve_link_cache_misses")
      .help("Links resolved through Telegram").register(registry);
  final Counter cancelled = Counter.builder().name("telefetch_serve_streams_cancelled")
      .help("Media streams ended by the client before their last byte").register(registry);

  private final java.util.concurrent.atomic.AtomicReference<GatewayUpstream> watched =
      new java.util.concurrent.atomic.AtomicReference<>();

  /**
   * Adds {@code telefetch_serve_accounts{state=...}}: the upstream's accounts per state (active,
   * flood_wait, elsewhere, standby, removed...), read at each scrape. Once per metrics: a later
   * upstream replaces the earlier one.
   */
  void watchAccounts(GatewayUpstream upstream) {
    if (watched.getAndSet(upstream) != null) {
      return;
    }
    GaugeWithCallback.builder().name("telefetch_serve_accounts")
        .help("Accounts of this node by state (with Redis: held here, elsewhere, standby...)").labelNames("state")
        .callback(cb -> {
          java.util.Map<String, Integer> byState = new java.util.TreeMap<>();
          for (AccountState a : watched.get().accounts().accounts()) {
            byState.merge(a.state(), 1, Integer::sum);
          }
          byState.forEach((state, n) -> cb.call(n, state));
        }).register(registry);
  }

  /** Counts flood waits; pass it to the client's {@code ClientOptions.Builder.eventListener}. */
  public EventListener eventListener() {
    return new EventListener() {
      @Override
      public void floodWait(CallRoute route, String method, Duration wait) {
        floodWaits.inc();
      }
    };
  }

  /** The metrics in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The exposition's content type. */
  static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
