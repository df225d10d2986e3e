package io.telefetch.examples.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.media.MediaFetcher;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway over real HTTP (OkHttp) against a testkit cluster. */
class GatewayTest {
  private static final FileSpec VIDEO = FileSpec.parse("Привет мир «clip».mp4:3MiB");
  private static final FileSpec BIG = FileSpec.parse("big.bin:48MiB");
  private static final FileSpec SMALL = FileSpec.parse("small.bin:700KiB");

  private static DemoCluster demo;
  private static TelegramClient client;
  private static GatewayMetrics metrics;
  private static Gateway gateway;
  private static OkHttpClient http;
  private static final List<Throwable> downloadEnds = new CopyOnWriteArrayList<>();
  private static final List<Long> downloadBytes = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    demo = DemoCluster.builder().dcs(2).file(VIDEO).file(BIG).file(SMALL).build().start();
    LaunchConfig cfg = demo.config();
    metrics = new GatewayMetrics();
    EventListener counting = metrics.eventListener();
    client = cfg.clientOptions().callTimeout(Duration.ofSeconds(60)).eventListener(new EventListener() {
      @Override
      public void downloadFinished(long bytes, Duration elapsed, Throwable failure) {
        downloadBytes.add(bytes);
        downloadEnds.add(failure == null ? new Throwable("completed") : failure);
      }

      @Override
      public void floodWait(io.telefetch.mtproto.rpc.CallRoute route, String method, Duration wait) {
        counting.floodWait(route, method, wait);
      }
    }).build();
    client.login(Login.botToken(cfg.botToken())).get(60, TimeUnit.SECONDS);
    gateway = Gateway.start(client, ServeOptions.builder().port(0).rateLimit(100_000, 10_000).streamsPerClient(200)
        .build(), metrics);
    http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).retryOnConnectionFailure(false).build();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (http != null) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
    if (client != null) {
      client.close();
    }
    if (demo != null) {
      demo.close();
    }
  }

  private static String link(int post) {
    return "https://t.me/" + DemoCluster.CHANNEL + "/" + demo.posts().get(post).id();
  }

  private static String media(Gateway g, int post) {
    return "http://127.0.0.1:" + g.port() + "/v1/media?link=" + URLEncoder.encode(link(post), StandardCharsets.UTF_8);
  }

  private static Response get(String url, String... headers) throws Exception {
    return call(url, "GET", headers);
  }

  private static Response call(String url, String method, String... headers) throws Exception {
    Request.Builder b = new Request.Builder().url(url).method(method, null);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.newCall(b.build()).execute();
  }

  private static byte[] bytes(FileSpec f, long from, long to) {
    return f.content().read(from, (int) (to - from + 1));
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void theWholeFileIsByteExactWithItsHeaders() throws Exception {
    long size = VIDEO.size();
    try (Response r = get(media(gateway, 0))) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Accept-Ranges")).isEqualTo("bytes");
      assertThat(r.header("Content-Length")).isEqualTo(Long.toString(size));
      assertThat(r.header("Content-Type")).isEqualTo("video/mp4");
      assertThat(r.header("ETag")).matches("\"document-[0-9a-z]+-\\d+-" + size + "\"");
      assertThat(r.header("Content-Disposition")).isEqualTo("inline; filename=\"______ ___ _clip_.mp4\"; "
          + "filename*=UTF-8''%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82%20%D0%BC%D0%B8%D1%80%20%C2%ABclip%C2%BB.mp4");
      assertThat(sha256(r.body().bytes())).isEqualTo(demo.config().channels().get(0).messages().get(0).sha256());
    }
    try (Response r = get(media(gateway, 0) + "&dl=1")) {
      assertThat(r.header("Content-Disposition")).startsWith("attachment; ");
      r.body().bytes();
    }
  }

  @Test
  void everyRangeFormIsAPartialAnswer() throws Exception {
    long size = VIDEO.size();
    record Case(String header, long first, long last) {}
    for (Case c : List.of(new Case("bytes=0-0", 0, 0), new Case("bytes=1000-600000", 1000, 600000),
        new Case("bytes=2000000-", 2000000, size - 1), new Case("bytes=-5000", size - 5000, size - 1),
        new Case("bytes=3000000-99999999", 3000000, size - 1), new Case("bytes=-99999999", 0, size - 1))) {
      try (Response r = get(media(gateway, 0), "Range", c.header())) {
        assertThat(r.code()).as(c.header()).isEqualTo(206);
        assertThat(r.header("Content-Range")).isEqualTo("bytes " + c.first() + "-" + c.last() + "/" + size);
        assertThat(r.header("Content-Length")).isEqualTo(Long.toString(c.last() - c.first() + 1));
        assertThat(r.body().bytes()).as(c.header()).isEqualTo(bytes(VIDEO, c.first(), c.last()));
      }
    }
  }

  @Test
  void anUnsatisfiableRangeIs416WithTheSize() throws Exception {
    for (String h : List.of("bytes=" + VIDEO.size() + "-", "bytes=-0", "bytes=99999999-")) {
      try (Response r = get(media(gateway, 0), "Range", h)) {
        assertThat(r.code()).as(h).isEqualTo(416);
        assertThat(r.header("Content-Range")).isEqualTo("bytes */" + VIDEO.size());
        assertThat(r.body().string()).contains("\"error\":\"range_not_satisfiable\"");
      }
    }
  }

  @Test
  void severalRangesOrAMalformedOneGetTheWholeFile() throws Exception {
    for (String h : List.of("bytes=0-10,20-30", "bytes=abc", "items=0-5", "bytes=9-3")) {
      try (Response r = get(media(gateway, 2), "Range", h)) {
        assertThat(r.code()).as(h).isEqualTo(200);
        assertThat(r.body().bytes()).hasSize((int) SMALL.size());
      }
    }
  }

  @Test
  void headHasTheHeadersAndNoBody() throws Exception {
    try (Response r = call(media(gateway, 0), "HEAD")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Length")).isEqualTo(Long.toString(VIDEO.size()));
      assertThat(r.header("ETag")).isNotBlank();
      assertThat(r.body().bytes()).isEmpty();
    }
    try (Response r = call(media(gateway, 0), "HEAD", "Range", "bytes=10-19")) {
      assertThat(r.code()).isEqualTo(206);
      assertThat(r.header("Content-Range")).isEqualTo("bytes 10-19/" + VIDEO.size());
      assertThat(r.header("Content-Length")).isEqualTo("10");
    }
  }

  @Test
  void ifRangeHonoursTheRangeOnlyForTheCurrentETag() throws Exception {
    String etag;
    try (Response r = call(media(gateway, 2), "HEAD")) {
      etag = r.header("ETag");
    }
    try (Response r = get(media(gateway, 2), "Range", "bytes=100-199", "If-Range", etag)) {
      assertThat(r.code()).isEqualTo(206);
      assertThat(r.body().bytes()).isEqualTo(bytes(SMALL, 100, 199));
    }
    try (Response r = get(media(gateway, 2), "Range", "bytes=100-199", "If-Range", "\"document-other-2-1\"")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().bytes()).isEqualTo(bytes(SMALL, 0, SMALL.size() - 1));
    }
    try (Response r = get(media(gateway, 2), "Range", "bytes=100-199", "If-Range", "Sat, 05 Dec 2026 10:00:00 GMT")) {
      assertThat(r.code()).isEqualTo(200);
      r.body().bytes();
    }
  }

  @Test
  void hundredConcurrentStreamsOfOneFileAreAllByteExact() throws Exception {
    String expected = demo.config().channels().get(0).messages().get(2).sha256();
    ExecutorService pool = Executors.newFixedThreadPool(100);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        results.add(pool.submit(() -> {
          try (Response r = get(media(gateway, 2))) {
            assertThat(r.code()).isEqualTo(200);
            return sha256(r.body().bytes());
          }
        }));
      }
      for (Future<String> f : results) {
        assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Sends a raw GET for the big file, reads {@code n} bytes of the answer and returns the open socket. */
  private static Socket startReading(Gateway g, int post, int n) throws Exception {
    Socket s = new Socket("127.0.0.1", g.port());
    s.setReceiveBufferSize(16 * 1024);
    OutputStream out = s.getOutputStream();
    String path = media(g, post).substring(("http://127.0.0.1:" + g.port()).length());
    out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[n];
    int read = 0;
    while (read < n) {
      int k = in.read(buf, read, n - read);
      assertThat(k).isPositive();
      read += k;
    }
    assertThat(new String(buf, 0, 15, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK");
    return s;
  }

  @Test
  void aClientThatDisconnectsCancelsTheDownload() throws Exception {
    int endsBefore = downloadEnds.size();
    double cancelledBefore = metrics.cancelled.get();
    Socket s = startReading(gateway, 1, 64 * 1024);
    // The client reads no more: backpressure stalls the download well before its end.
    s.close();
    await(() -> metrics.cancelled.get() > cancelledBefore, "the stream's cancellation");
    await(() -> downloadEnds.size() > endsBefore, "the download's end");
    Throwable end = downloadEnds.get(downloadEnds.size() - 1);
    assertThat(end).isNotNull().hasMessageNotContaining("completed");
    assertThat(downloadBytes.get(downloadBytes.size() - 1)).isLessThan(BIG.size());
    await(() -> metrics.activeStreams.get() == 0, "no active stream");
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.port())) {
      String path = media(gateway, 2).substring(("http://127.0.0.1:" + gateway.port()).length());
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9\r\n\r\n"
          + "GET /icon.svg HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET " + path + " HTTP/1.1\r\nHost: x\r\nRange: bytes=10-19\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      s.setSoTimeout(30_000);
      byte[] all = s.getInputStream().readAllBytes();
      String text = new String(all, StandardCharsets.ISO_8859_1);
      int a = text.indexOf("HTTP/1.1 206");
      int b = text.indexOf("HTTP/1.1 200", a);
      int c = text.indexOf("HTTP/1.1 206", b);
      assertThat(a).isGreaterThanOrEqualTo(0);
      assertThat(b).isGreaterThan(a);
      assertThat(c).isGreaterThan(b);
      assertThat(text.substring(a, b)).contains("bytes 0-9/");
      assertThat(text.substring(c)).contains("bytes 10-19/")
          .endsWith(new String(bytes(SMALL, 10, 19), StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void remuxAnswers501UntilATransformIsPluggedIn() throws Exception {
    try (Response r = get(media(gateway, 0) + "&remux=mp4")) {
      assertThat(r.code()).isEqualTo(501);
      assertThat(r.body().string()).contains("remux not available");
    }
  }

  @Test
  void aPluggedInTransformIsStreamedChunked() throws Exception {
    StreamTransform identity = format -> format.equals("mp4") ? java.util.Optional.of(new StreamTransform.Remux() {
      @Override
      public String mimeType() {
        return "video/mp4";
      }

      @Override
      public InputStream apply(InputStream source) {
        return source;
      }
    }) : java.util.Optional.empty();
    try (Gateway g = gateway(b -> b.transform(identity))) {
      try (Response r = get(media(g, 2) + "&remux=mp4", "Range", "bytes=0-9")) {
        assertThat(r.code()).as("no ranges on a transformed stream").isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("video/mp4");
        assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(r.body().bytes()).isEqualTo(bytes(SMALL, 0, SMALL.size() - 1));
      }
      try (Response r = get(media(g, 2) + "&remux=mkv")) {
        assertThat(r.code()).isEqualTo(501);
        r.body().bytes();
      }
      await(() -> g.metrics().activeStreams.get() == 0, "the remux stream's end");
    }
  }

  @Test
  void badLinksAre400AndMissingMessages404() throws Exception {
    String base = "http://127.0.0.1:" + gateway.port();
    for (String bad : List.of("https://evil.example/x", "file:///etc/passwd", "http://169.254.169.254/latest", "")) {
      try (Response r = get(base + "/v1/media?link=" + URLEncoder.encode(bad, StandardCharsets.UTF_8))) {
        assertThat(r.code()).as(bad).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.body().string()).contains("\"error\":\"bad_link\"");
      }
    }
    try (Response r = get(base + "/v1/info?link=" + URLEncoder.encode("https://t.me/" + DemoCluster.CHANNEL + "/99999",
        StandardCharsets.UTF_8))) {
      assertThat(r.code()).isEqualTo(404);
      assertThat(r.body().string()).contains("message_not_found");
    }
    try (Response r = get(base + "/v1/media?link=x&i=-1")) {
      assertThat(r.code()).isEqualTo(400);
    }
    try (Response r = get(base + "/nope")) {
      assertThat(r.code()).isEqualTo(404);
    }
  }

  @Test
  void infoDescribesTheLinkAndItsMedia() throws Exception {
    try (Response r = get("http://127.0.0.1:" + gateway.port() + "/v1/info?link="
        + URLEncoder.encode(link(0), StandardCharsets.UTF_8))) {
      assertThat(r.code()).isEqualTo(200);
      String body = r.body().string();
      assertThat(body).contains("\"kind\":\"post\"", "\"username\":\"telefetch_demo\"", "\"size\":" + VIDEO.size(),
          "\"mime_type\":\"video/mp4\"", "\"playable\":true", "\"name\":\"Привет мир «clip».mp4\"",
          "\"url\":\"/v1/media?link=");
      assertThat(body).doesNotContain("sig=");
    }
  }

  @Test
  void theWebPageAndItsAssetsAreServed() throws Exception {
    String base = "http://127.0.0.1:" + gateway.port();
    try (Response r = get(base + "/")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/html");
      assertThat(r.body().string()).contains("manifest.webmanifest", "app.js");
    }
    for (String a : List.of("/app.js", "/sw.js", "/manifest.webmanifest", "/icon.svg", "/style.css")) {
      try (Response r = get(base + a)) {
        assertThat(r.code()).as(a).isEqualTo(200);
        assertThat(r.body().bytes()).isNotEmpty();
      }
    }
  }

  @Test
  void metricsParseAndCount() throws Exception {
    try (Response r = get(media(gateway, 2))) {
      r.body().bytes();
    }
    String info = "http://127.0.0.1:" + gateway.port() + "/v1/info?link=" + URLEncoder.encode(link(2), StandardCharsets.UTF_8);
    for (int i = 0; i < 2; i++) {
      try (Response r = get(info)) {
        r.body().bytes();
      }
    }
    String text;
    try (Response r = get("http://127.0.0.1:" + gateway.port() + "/metrics")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/plain");
      text = r.body().string();
    }
    java.util.Map<String, Double> samples = new java.util.HashMap<>();
    for (String line : text.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      assertThat(line).matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})? -?[0-9.eE+\\-]+|.* [+-]Inf|.* NaN");
      int sp = line.lastIndexOf(' ');
      samples.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
    }
    assertThat(samples.get("telefetch_serve_bytes_total")).isGreaterThanOrEqualTo(SMALL.size());
    assertThat(samples.get("telefetch_serve_ttfb_seconds_count")).isGreaterThanOrEqualTo(1);
    assertThat(samples.get("telefetch_serve_link_cache_hits_total")).isGreaterThanOrEqualTo(1);
    assertThat(samples).containsKeys("telefetch_serve_active_streams", "telefetch_serve_flood_waits_total",
        "telefetch_serve_requests_total{status=\"200\"}");
  }

  // ------------------------------------------------------------------ safety

  private static Gateway gateway(Consumer<ServeOptions.Builder> tune) {
    ServeOptions.Builder b = ServeOptions.builder().port(0);
    tune.accept(b);
    return Gateway.start(client, b.build(), new GatewayMetrics());
  }

  @Test
  void anotherAddressThanLoopbackNeedsAToken() {
    assertThatThrownBy(() -> ServeOptions.builder().bind("0.0.0.0").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without --token");
    assertThat(ServeOptions.builder().bind("0.0.0.0").token("0123456789abcdef0123").build().toString())
        .doesNotContain("0123456789abcdef0123");
    assertThat(ServeOptions.builder().bind("::1").build().bind()).isEqualTo("::1");
  }

  @Test
  void withATokenTheApiNeedsItAndMediaUrlsAreSigned() throws Exception {
    String token = "s3cret-token-0123456789";
    try (Gateway g = gateway(b -> b.token(token))) {
      String base = "http://127.0.0.1:" + g.port();
      String info = base + "/v1/info?link=" + URLEncoder.encode(link(2), StandardCharsets.UTF_8);
      try (Response r = get(info)) {
        assertThat(r.code()).isEqualTo(401);
      }
      try (Response r = get(media(g, 2))) {
        assertThat(r.code()).isEqualTo(401);
      }
      try (Response r = get(base + "/metrics")) {
        assertThat(r.code()).isEqualTo(401);
      }
      String url;
      try (Response r = get(info, "Authorization", "Bearer " + token)) {
        assertThat(r.code()).isEqualTo(200);
        String body = r.body().string();
        assertThat(body).doesNotContain(token);
        int at = body.indexOf("\"url\":\"") + 7;
        url = body.substring(at, body.indexOf('"', at));
      }
      assertThat(url).contains("&exp=", "&sig=");
      try (Response r = get(base + url)) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().bytes()).isEqualTo(bytes(SMALL, 0, SMALL.size() - 1));
      }
      try (Response r = get(base + url.replace("&i=0", "&i=1"))) {
        assertThat(r.code()).isEqualTo(401);
      }
      try (Response r = get(base + url.substring(0, url.length() - 2) + "xx")) {
        assertThat(r.code()).isEqualTo(401);
      }
      try (Response r = get(media(g, 2), "Authorization", "Bearer " + token)) {
        assertThat(r.code()).isEqualTo(200);
        r.body().bytes();
      }
    }
    assertThat(GatewayHandler.logPath("/v1/media?link=x&exp=1&sig=SECRET")).isEqualTo("/v1/media?link=x&exp=1&sig=***");
  }

  @Test
  void aSignedUrlExpires() throws Exception {
    Instant now = Instant.parse("2026-12-05T10:00:00Z");
    UrlSigner signer = new UrlSigner(new java.security.SecureRandom(), Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5));
    long exp = signer.expiry();
    String sig = signer.sign("https://t.me/a/1", 0, exp);
    assertThat(signer.verify("https://t.me/a/1", 0, Long.toString(exp), sig)).isTrue();
    assertThat(signer.verify("https://t.me/a/1", 0, Long.toString(exp + 1), sig)).isFalse();
    assertThat(signer.verify("https://t.me/a/1", 0, Long.toString(now.getEpochSecond() - 1),
        signer.sign("https://t.me/a/1", 0, now.getEpochSecond() - 1))).isFalse();
  }

  @Test
  void theRateLimitAnswers429WithRetryAfter() throws Exception {
    Clock fixed = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);
    try (Gateway g = gateway(b -> b.clock(fixed).rateLimit(1, 3))) {
      String url = "http://127.0.0.1:" + g.port() + "/metrics";
      for (int i = 0; i < 3; i++) {
        try (Response r = get(url)) {
          assertThat(r.code()).isEqualTo(200);
        }
      }
      try (Response r = get(url)) {
        assertThat(r.code()).isEqualTo(429);
        assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(r.body().string()).contains("rate_limited");
      }
      try (Response r = get("http://127.0.0.1:" + g.port() + "/")) {
        assertThat(r.code()).as("the page shell is not rate-limited").isEqualTo(200);
      }
    }
  }

  @Test
  void theConcurrentStreamLimitAnswers429() throws Exception {
    try (Gateway g = gateway(b -> b.streamsPerClient(1))) {
      double before = g.metrics().cancelled.get();
      try (Socket holding = startReading(g, 1, 32 * 1024)) {
        try (Response r = get(media(g, 2))) {
          assertThat(r.code()).isEqualTo(429);
          assertThat(r.header("Retry-After")).isEqualTo("1");
          assertThat(r.body().string()).contains("too_many_streams");
        }
      }
      await(() -> g.metrics().cancelled.get() > before, "the held stream's end");
      try (Response r = get(media(g, 2))) {
        assertThat(r.code()).as("the slot is free again").isEqualTo(200);
        r.body().bytes();
      }
    }
  }

  @Test
  void theAllowListRefusesOtherChannels() throws Exception {
    try (Gateway g = gateway(b -> b.allow(Set.of("some_other_channel")))) {
      try (Response r = get(media(g, 2))) {
        assertThat(r.code()).isEqualTo(403);
        assertThat(r.body().string()).contains("allow-list");
      }
    }
    try (Gateway g = gateway(b -> b.allow(Set.of("@Telefetch_Demo")))) {
      try (Response r = get(media(g, 2))) {
        assertThat(r.code()).isEqualTo(200);
        r.body().bytes();
      }
    }
  }
}
