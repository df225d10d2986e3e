package io.telefetch.examples.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.telefetch.link.LinkParseException;
import io.telefetch.link.LinkResolveException;
import io.telefetch.link.MediaRef;
import io.telefetch.link.Peer;
import io.telefetch.link.ResolvedLink;
import io.telefetch.link.TelegramLink;
import io.telefetch.media.DownloadRequest;
import io.telefetch.media.MediaFile;
import io.telefetch.media.MessageNotFoundException;
import io.telefetch.media.NoMediaException;
import io.telefetch.mtproto.rpc.FloodWaitException;
import io.telefetch.TelefetchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's HTTP handling. One request at a time: reading stops while a response is being
 * written (so a pipelined request waits) and resumes after it.
 *
 * <p>{@code GET /v1/accounts} (behind the token when one is set) shows the upstream's accounts and
 * their state as JSON ({@link AccountState}), user ids masked.
 *
 * <p>Media responses are piped through: the download's publisher is asked for one part at a time,
 * only while the channel is writable; Netty's write-buffer watermark thus stalls the download
 * window when the client reads slowly, and a closed connection cancels the subscription (and the
 * download). Body buffers wrap the publisher's heap copies and are released by Netty once written
 * (or when the write fails).
 */
final class GatewayHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final Logger ACCESS = LoggerFactory.getLogger("telefetch.access");
  private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(60);
  private static final Map<String, String> ASSETS = Map.of(
      "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/sw.js", "sw.js",
      "/style.css", "style.css", "/manifest.webmanifest", "manifest.webmanifest", "/icon.svg", "icon.svg");
  private static final Map<String, byte[]> ASSET_CACHE = new ConcurrentHashMap<>();

  /** What every connection shares. */
  record Shared(GatewayUpstream upstream, ServeOptions options, GatewayMetrics metrics, ClientLimits limits,
      UrlSigner signer) {}

  /** Pipelined requests that arrived in the same read as the one being answered. */
  private static final int MAX_PIPELINED = 8;

  private final Shared s;
  private final java.util.ArrayDeque<FullHttpRequest> pipelined = new java.util.ArrayDeque<>();
  private @Nullable Exchange current;
  private @Nullable MediaStream stream;

  GatewayHandler(Shared shared) {
    this.s = shared;
  }

  /** One request and its response, for the access log, the metrics and the stream slot. */
  private final class Exchange {
    final String remote;
    final String method;
    final String logPath;
    final boolean keepAlive;
    final long start = System.nanoTime();
    final boolean head;
    final String range;
    int status = 200;
    long bytes;
    boolean slot;
    boolean finished;

    Exchange(String remote, FullHttpRequest req) {
      this.remote = remote;
      this.method = req.method().name();
      this.head = req.method().equals(HttpMethod.HEAD);
      this.logPath = logPath(req.uri());
      this.keepAlive = HttpUtil.isKeepAlive(req);
      String r = req.headers().get(HttpHeaderNames.RANGE);
      this.range = r == null ? "" : " range=" + (r.length() > 64 ? r.substring(0, 64) + "..." : r).replaceAll("[^ -~]", "?");
    }

    /** Logs, releases the slot and resumes reading (or closes); once. */
    void finish(ChannelHandlerContext ctx, boolean reusable) {
      if (finished) {
        return;
      }
      finished = true;
      if (slot) {
        s.limits().closeStream(remote);
      }
      s.metrics().requests.labelValues(Integer.toString(status)).inc();
      ACCESS.info("{} {} {} {} {} {}ms{}", remote, method, logPath, status, bytes,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), range);
      if (current == this) {
        current = null;
        stream = null;
      }
      if (reusable && keepAlive && ctx.channel().isActive()) {
        FullHttpRequest next = pipelined.poll();
        if (next != null) {
          try {
            handle(ctx, next);
          } finally {
            next.release();
          }
          return;
        }
        ctx.channel().config().setAutoRead(true);
        ctx.read();
      } else {
        ctx.close();
      }
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ctx.channel().config().setAutoRead(true);
    super.channelActive(ctx);
  }

  /**
   * Answers {@code req} now, or queues it (retained; released once answered or when the connection
   * closes) while another answer is being written.
   */
  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (current != null) {
      if (pipelined.size() >= MAX_PIPELINED) {
        ctx.close();
        return;
      }
      pipelined.add(req.retain());
      return;
    }
    handle(ctx, req);
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    ctx.channel().config().setAutoRead(false);
    Exchange x = new Exchange(remote(ctx.channel().remoteAddress()), req);
    current = x;
    try {
      if (!req.decoderResult().isSuccess()) {
        throw new GatewayException(400, "bad_request", "malformed HTTP request");
      }
      route(ctx, req, x);
    } catch (GatewayException e) {
      sendError(ctx, x, e);
    } catch (RuntimeException e) {
      LOG.warn("request failed", e);
      sendError(ctx, x, new GatewayException(500, "internal", "internal error"));
    }
  }

  private void route(ChannelHandlerContext ctx, FullHttpRequest req, Exchange x) {
    QueryStringDecoder q = new QueryStringDecoder(req.uri(), StandardCharsets.UTF_8, true, 32);
    String path = q.path();
    boolean get = req.method().equals(HttpMethod.GET) || x.head;
    if (ASSETS.containsKey(path)) {
      requireGet(get);
      asset(ctx, x, ASSETS.get(path));
      return;
    }
    if (!path.equals("/metrics") && !path.startsWith("/v1/")) {
      throw new GatewayException(404, "not_found", "no such page");
    }
    requireGet(get);
    Duration wait = s.limits().admit(x.remote);
    if (!wait.isZero()) {
      throw new GatewayException(429, "rate_limited", "too many requests", wait, null);
    }
    switch (path) {
      case "/v1/accounts" -> {
        requireBearer(req);
        ObjectNode root = JSON.createObjectNode();
        GatewayUpstream.Accounts accounts = s.upstream().accounts();
        root.put("node", accounts.node());
        root.put("redis", accounts.redis());
        ArrayNode list = root.putArray("accounts");
        accounts.accounts().forEach(a -> a.toJson(list));
        try {
          send(ctx, x, 200, "application/json; charset=utf-8", JSON.writeValueAsBytes(root));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      case "/metrics" -> {
        requireBearer(req);
        byte[] body = s.metrics().scrape().getBytes(StandardCharsets.UTF_8);
        send(ctx, x, 200, GatewayMetrics.contentType(), body);
      }
      case "/v1/info" -> info(ctx, req, q, x);
      case "/v1/media" -> media(ctx, req, q, x);
      default -> throw new GatewayException(404, "not_found", "no such endpoint");
    }
  }

  private static void requireGet(boolean get) {
    if (!get) {
      throw new GatewayException(405, "method_not_allowed", "only GET and HEAD");
    }
  }

  // ------------------------------------------------------------------ auth

  private boolean bearer(FullHttpRequest req) {
    String token = s.options().token();
    if (token == null) {
      return true;
    }
    String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(h.substring(7).strip().getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }

  private void requireBearer(FullHttpRequest req) {
    if (!bearer(req)) {
      throw new GatewayException(401, "unauthorized", "send Authorization: Bearer <token>");
    }
  }

  // ------------------------------------------------------------------ /v1/info

  private void info(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q, Exchange x) {
    requireBearer(req);
    TelegramLink link = link(q);
    resolve(ctx, x, link, r -> {
      ObjectNode root = JSON.createObjectNode();
      String canonical = link.toUrl();
      root.put("link", canonical);
      root.put("kind", r.kind().jsonName());
      root.put("from_cache", r.fromCache());
      r.peer().ifPresent(p -> peerJson(root.putObject("peer"), p));
      ArrayNode ids = root.putArray("message_ids");
      r.messageIds().forEach(ids::add);
      ArrayNode media = root.putArray("media");
      List<MediaFile> files = r.media();
      for (int i = 0; i < files.size(); i++) {
        MediaFile f = files.get(i);
        ObjectNode m = media.addObject();
        m.put("index", i);
        m.put("name", f.fileName().orElse(null));
        m.put("size", f.size());
        m.put("mime_type", f.mimeType());
        m.put("dc", f.dcId());
        m.put("playable", f.mimeType().startsWith("video/") || f.mimeType().startsWith("audio/"));
        String url = mediaUrl(canonical, i);
        m.put("url", url);
        m.put("download_url", url + "&dl=1");
      }
      ObjectNode preview = root.putObject("preview");
      preview.put("title", r.peer().map(p -> p.title() != null ? p.title() : p.username()).orElse(null));
      preview.put("description", files.isEmpty() ? null : files.get(0).fileName().orElse(null));
      try {
        send(ctx, x, 200, "application/json; charset=utf-8", JSON.writeValueAsBytes(root));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static void peerJson(ObjectNode n, Peer p) {
    n.put("type", p.type().name().toLowerCase(Locale.ROOT));
    n.put("id", p.id());
    n.put("username", p.username());
    n.put("title", p.title());
  }

  private String mediaUrl(String canonical, int i) {
    String url = "/v1/media?link=" + URLEncoder.encode(canonical, StandardCharsets.UTF_8) + "&i=" + i;
    if (s.options().token() != null) {
      long exp = s.signer().expiry();
      url += "&exp=" + exp + "&sig=" + s.signer().sign(canonical, i, exp);
    }
    return url;
  }

  // ------------------------------------------------------------------ /v1/media

  private void media(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q, Exchange x) {
    TelegramLink link = link(q);
    int item = item(q);
    if (!bearer(req)) {
      String exp = param(q, "exp");
      String sig = param(q, "sig");
      if (exp == null || sig == null || !s.signer().verify(link.toUrl(), item, exp, sig)) {
        throw new GatewayException(401, "unauthorized", "send Authorization: Bearer <token> or use a signed URL from /v1/info");
      }
    }
    String remux = param(q, "remux");
    StreamTransform.Remux transform = null;
    if (remux != null) {
      transform = s.options().transform().forFormat(remux.toLowerCase(Locale.ROOT))
          .orElseThrow(() -> new GatewayException(501, "remux_unavailable", "remux not available"));
    }
    if (!s.limits().openStream(x.remote)) {
      throw new GatewayException(429, "too_many_streams", "too many concurrent streams from this address",
          Duration.ofSeconds(1), null);
    }
    x.slot = true;
    boolean download = "1".equals(param(q, "dl"));
    String ifRange = req.headers().get(HttpHeaderNames.IF_RANGE);
    String range = req.headers().get(HttpHeaderNames.RANGE);
    StreamTransform.Remux remuxer = transform;
    resolve(ctx, x, link, r -> {
      if (item >= r.media().size()) {
        throw new GatewayException(404, "no_media", r.media().isEmpty() ? "the link has no media" : "no item " + item);
      }
      MediaFile f = r.media().get(item);
      List<MediaRef> refs = r.metadata().media();
      MediaRef ref = item < refs.size() ? refs.get(item) : null;
      if (remuxer != null) {
        remux(ctx, x, f, s.upstream().download(link, r, item), remuxer, download);
      } else {
        respondMedia(ctx, x, f, ref, range, ifRange, download, () -> s.upstream().download(link, r, item));
      }
    });
  }

  /**
   * Answers with the bytes of {@code f}: the status and headers once {@code start} gave the download
   * (an upstream that cannot start it, e.g. no account left, is an error response), then the body
   * as the parts arrive.
   */
  private void respondMedia(ChannelHandlerContext ctx, Exchange x, MediaFile f, @Nullable MediaRef ref,
      @Nullable String rangeHeader, @Nullable String ifRange, boolean download,
      java.util.function.Supplier<CompletableFuture<DownloadRequest>> start) {
    long size = f.size();
    String etag = ref == null ? null : "\"" + ref.location() + "-" + Long.toUnsignedString(ref.id(), 36) + "-"
        + ref.dcId() + "-" + size + "\"";
    ByteRange.Result result = size < 0 ? new ByteRange.Whole() : ByteRange.parse(rangeHeader, size);
    if (result instanceof ByteRange.Partial && ifRange != null && (etag == null || !ifRange.strip().equals(etag))) {
      result = new ByteRange.Whole(); // If-Range mismatch (or a date): the whole, current representation
    }
    if (result instanceof ByteRange.Unsatisfiable) {
      GatewayException e = new GatewayException(416, "range_not_satisfiable", "the range is outside the file's "
          + size + " bytes");
      FullHttpResponse resp = errorResponse(e);
      resp.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
      x.status = 416;
      write(ctx, x, resp);
      return;
    }
    HttpResponseStatus status = HttpResponseStatus.OK;
    long first = 0;
    long length = size;
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    HttpHeaders h = resp.headers();
    if (result instanceof ByteRange.Partial p) {
      status = HttpResponseStatus.PARTIAL_CONTENT;
      resp.setStatus(status);
      first = p.range().first();
      length = p.range().length();
      h.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + first + "-" + p.range().last() + "/" + size);
    }
    x.status = status.code();
    if (size >= 0) {
      h.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
      HttpUtil.setContentLength(resp, length);
    } else {
      HttpUtil.setTransferEncodingChunked(resp, true);
    }
    if (etag != null) {
      h.set(HttpHeaderNames.ETAG, etag);
    }
    h.set(HttpHeaderNames.CONTENT_TYPE, f.mimeType());
    h.set(HttpHeaderNames.CONTENT_DISPOSITION, ContentDisposition.of(download, f.fileName().orElse(null)));
    h.set(HttpHeaderNames.CACHE_CONTROL, "private, max-age=300");
    h.set("X-Content-Type-Options", "nosniff");
    keepAlive(resp, x);
    if (x.head || length == 0) {
      ctx.write(resp);
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(done -> x.finish(ctx, done.isSuccess()));
      return;
    }
    long from = first;
    long count = length;
    start.get().orTimeout(RESOLVE_TIMEOUT.toSeconds(), TimeUnit.SECONDS).whenComplete((d, e) ->
        ctx.executor().execute(() -> {
          if (!ctx.channel().isActive()) {
            x.status = 499;
            x.finish(ctx, false);
            return;
          }
          if (e != null) {
            sendError(ctx, x, map(e));
            return;
          }
          ctx.writeAndFlush(resp);
          DownloadRequest request = d;
          if (from > 0 || (size >= 0 && count < size)) {
            request = request.range(from, count); // DownloadRequest is immutable
          }
          MediaStream ms = new MediaStream(ctx, x);
          stream = ms;
          request.toPublisher().subscribe(ms);
        }));
  }

  /**
   * Streams {@code remux}'s output of the whole file: 200, chunked, no ranges. A worker thread reads
   * the transform's output and writes one chunk at a time, waiting until each is written to the
   * socket (the backpressure); a closed connection closes the transform's input, which cancels the
   * download.
   */
  private void remux(ChannelHandlerContext ctx, Exchange x, MediaFile f, CompletableFuture<DownloadRequest> start,
      StreamTransform.Remux remux, boolean download) {
    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, remux.mimeType());
    resp.headers().set(HttpHeaderNames.CONTENT_DISPOSITION, ContentDisposition.of(download, f.fileName().orElse(null)));
    resp.headers().set("X-Content-Type-Options", "nosniff");
    HttpUtil.setTransferEncodingChunked(resp, true);
    keepAlive(resp, x);
    x.status = 200;
    if (x.head) {
      ctx.write(resp);
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(done -> x.finish(ctx, done.isSuccess()));
      return;
    }
    ctx.writeAndFlush(resp);
    s.metrics().activeStreams.inc();
    Thread worker = new Thread(() -> {
      boolean ok = false;
      InputStream source;
      try {
        source = start.get(RESOLVE_TIMEOUT.toSeconds(), TimeUnit.SECONDS).openStream();
      } catch (Exception e) {
        Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        LOG.warn("remux of {} could not start: {}", x.logPath, map(cause).getMessage());
        s.metrics().activeStreams.dec();
        ctx.executor().execute(() -> x.finish(ctx, false)); // the status is sent: closing tells the client
        return;
      }
      try (InputStream out = remux.apply(source)) {
        byte[] buf = new byte[64 * 1024];
        boolean first = true;
        for (int n; (n = out.read(buf)) > 0; ) {
          if (first) {
            first = false;
            s.metrics().ttfb.observe((System.nanoTime() - x.start) / 1e9);
          }
          io.netty.channel.ChannelFuture w = ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(buf, 0, n)));
          w.awaitUninterruptibly();
          if (!w.isSuccess()) {
            return; // the client left: closing the streams cancels the download
          }
          s.metrics().bytes.inc(n);
          int sent = n;
          ctx.executor().execute(() -> x.bytes += sent);
        }
        ok = true;
      } catch (IOException | RuntimeException e) {
        LOG.warn("remux of {} failed: {}", x.logPath, e.toString());
      } finally {
        try {
          source.close();
        } catch (IOException ignored) {
          // closing a download stream does not fail
        }
        s.metrics().activeStreams.dec();
        boolean complete = ok;
        ctx.executor().execute(() -> {
          if (complete && ctx.channel().isActive()) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(done -> x.finish(ctx, done.isSuccess()));
          } else {
            x.finish(ctx, false);
          }
        });
      }
    }, "telefetch-remux");
    worker.setDaemon(true);
    worker.start();
  }

  /**
   * Writes one media body as the download delivers it. Runs its state on the channel's event loop;
   * asks the publisher for the next part only while the channel is writable.
   */
  private final class MediaStream implements Flow.Subscriber<ByteBuffer> {
    private final ChannelHandlerContext ctx;
    private final Exchange x;
    private Flow.@Nullable Subscription sub;
    private boolean waiting;
    private boolean ended;
    private boolean first = true;

    MediaStream(ChannelHandlerContext ctx, Exchange x) {
      this.ctx = ctx;
      this.x = x;
      s.metrics().activeStreams.inc();
    }

    private void run(Runnable r) {
      if (ctx.executor().inEventLoop()) {
        r.run();
      } else {
        ctx.executor().execute(r);
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      run(() -> {
        sub = subscription;
        if (ended) {
          subscription.cancel();
        } else {
          pull();
        }
      });
    }

    private void pull() {
      if (ended || sub == null) {
        return;
      }
      if (ctx.channel().isWritable()) {
        waiting = false;
        sub.request(1);
      } else {
        waiting = true;
      }
    }

    void writable() {
      if (waiting && ctx.channel().isWritable()) {
        pull();
      }
    }

    @Override
    public void onNext(ByteBuffer item) {
      run(() -> {
        if (ended) {
          return;
        }
        int n = item.remaining();
        if (first) {
          first = false;
          s.metrics().ttfb.observe((System.nanoTime() - x.start) / 1e9);
        }
        ByteBuf buf = Unpooled.wrappedBuffer(item); // released by Netty after the write
        ctx.writeAndFlush(new DefaultHttpContent(buf));
        x.bytes += n;
        s.metrics().bytes.inc(n);
        pull();
      });
    }

    @Override
    public void onError(Throwable throwable) {
      run(() -> {
        if (end()) {
          LOG.warn("stream of {} failed after {} bytes: {}", x.logPath, x.bytes, throwable.toString());
          x.finish(ctx, false); // the status is sent: closing tells the client the body is short
        }
      });
    }

    @Override
    public void onComplete() {
      run(() -> {
        if (end()) {
          ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> x.finish(ctx, f.isSuccess()));
        }
      });
    }

    /** The client went away: cancels the download. */
    void cancel() {
      if (end()) {
        if (sub != null) {
          sub.cancel();
        }
        x.finish(ctx, false);
        s.metrics().cancelled.inc(); // last: once counted, the slot is free
      }
    }

    private boolean end() {
      if (ended) {
        return false;
      }
      ended = true;
      s.metrics().activeStreams.dec();
      return true;
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    MediaStream ms = stream;
    if (ms != null) {
      ms.writable();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    MediaStream ms = stream;
    if (ms != null) {
      ms.cancel();
    }
    for (FullHttpRequest r; (r = pipelined.poll()) != null; ) {
      r.release();
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("connection error: {}", cause.toString());
    ctx.close();
  }

  // ------------------------------------------------------------------ resolution and errors

  private interface Answer {
    void accept(ResolvedLink r);
  }

  private void resolve(ChannelHandlerContext ctx, Exchange x, TelegramLink link, Answer answer) {
    s.upstream().resolve(link).orTimeout(RESOLVE_TIMEOUT.toSeconds(), TimeUnit.SECONDS).whenComplete((r, e) ->
        ctx.executor().execute(() -> {
          if (!ctx.channel().isActive()) {
            x.status = 499; // nginx's "client closed request"
            x.finish(ctx, false);
            return;
          }
          try {
            if (e != null) {
              throw map(e);
            }
            (r.fromCache() ? s.metrics().cacheHits : s.metrics().cacheMisses).inc();
            if (!allowed(r)) {
              throw new GatewayException(403, "forbidden", "this channel is not in the allow-list");
            }
            answer.accept(r);
          } catch (GatewayException g) {
            sendError(ctx, x, g);
          } catch (RuntimeException other) {
            LOG.warn("request failed", other);
            sendError(ctx, x, new GatewayException(500, "internal", "internal error"));
          }
        }));
  }

  private boolean allowed(ResolvedLink r) {
    if (s.options().allow().isEmpty()) {
      return true;
    }
    return r.peer().map(p -> (p.username() != null && s.options().allow().contains(p.username().toLowerCase(Locale.ROOT)))
        || s.options().allow().contains(Long.toString(p.id()))).orElse(false);
  }

  /** The typed failure of a resolution as an HTTP error. */
  static GatewayException map(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof FloodWaitException fw) {
        return new GatewayException(503, "flood_wait", "Telegram asks to wait " + fw.seconds() + " s",
            Duration.ofSeconds(Math.max(1, fw.seconds())), t);
      }
    }
    if (t instanceof GatewayException g) {
      return g;
    }
    if (t instanceof LinkResolveException r) {
      int status = switch (r.reason()) {
        case PRIVATE, NOT_A_MEMBER, USER_ACCOUNT_REQUIRED -> 403;
        case RPC_ERROR -> 502;
        default -> 404;
      };
      return new GatewayException(status, r.reason().name().toLowerCase(Locale.ROOT), r.getMessage(), null, r);
    }
    if (t instanceof NoMediaException || t instanceof MessageNotFoundException) {
      return new GatewayException(404, "no_media", t.getMessage(), null, t);
    }
    if (t instanceof io.telefetch.pool.NoAccountLeftException) {
      return new GatewayException(503, "no_account", "no account can fetch this now: " + t.getMessage(),
          Duration.ofSeconds(30), t);
    }
    if (t instanceof TimeoutException) {
      return new GatewayException(504, "timeout", "Telegram did not answer in time", null, t);
    }
    if (t instanceof TelefetchException) {
      return new GatewayException(502, "upstream", "Telegram failed: " + t.getMessage(), null, t);
    }
    return new GatewayException(500, "internal", "internal error", null, t);
  }

  private static TelegramLink link(QueryStringDecoder q) {
    String link = param(q, "link");
    if (link == null || link.isBlank()) {
      throw new GatewayException(400, "bad_link", "missing ?link=");
    }
    TelegramLink parsed;
    try {
      parsed = TelegramLink.parse(link);
    } catch (LinkParseException e) {
      throw new GatewayException(400, "bad_link", "not a Telegram link: " + e.getMessage(), null, e);
    }
    if (parsed.kind() == TelegramLink.Kind.UNSUPPORTED) {
      throw new GatewayException(400, "bad_link", "this kind of Telegram link carries no media");
    }
    return parsed;
  }

  private static int item(QueryStringDecoder q) {
    String i = param(q, "i");
    if (i == null) {
      return 0;
    }
    try {
      int n = Integer.parseInt(i);
      if (n < 0 || n > 1000) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new GatewayException(400, "bad_item", "i must be an album index 0..1000");
    }
  }

  private static @Nullable String param(QueryStringDecoder q, String name) {
    List<String> v = q.parameters().get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  // ------------------------------------------------------------------ responses

  private void asset(ChannelHandlerContext ctx, Exchange x, String name) {
    byte[] body = ASSET_CACHE.computeIfAbsent(name, n -> {
      try (InputStream in = GatewayHandler.class.getResourceAsStream("web/" + n)) {
        if (in == null) {
          throw new IllegalStateException("missing resource web/" + n);
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    String type = switch (name.substring(name.lastIndexOf('.') + 1)) {
      case "html" -> "text/html; charset=utf-8";
      case "js" -> "text/javascript; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "svg" -> "image/svg+xml";
      case "webmanifest" -> "application/manifest+json";
      default -> "application/octet-stream";
    };
    FullHttpResponse resp = full(200, type, body);
    resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    resp.headers().set("Content-Security-Policy", "default-src 'self'; media-src 'self' blob:; img-src 'self' data:");
    resp.headers().set("X-Content-Type-Options", "nosniff");
    write(ctx, x, resp);
  }

  private void send(ChannelHandlerContext ctx, Exchange x, int status, String type, byte[] body) {
    x.status = status;
    write(ctx, x, full(status, type, body));
  }

  private static FullHttpResponse full(int status, String type, byte[] body) {
    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
        Unpooled.wrappedBuffer(body));
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    HttpUtil.setContentLength(resp, body.length);
    return resp;
  }

  private static FullHttpResponse errorResponse(GatewayException e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error", e.code());
    n.put("message", e.getMessage());
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(n);
    } catch (IOException io) {
      throw new UncheckedIOException(io);
    }
    FullHttpResponse resp = full(e.status(), "application/json; charset=utf-8", body);
    if (e.retryAfter() != null) {
      resp.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
    }
    if (e.status() == 401) {
      resp.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
    }
    return resp;
  }

  private void sendError(ChannelHandlerContext ctx, Exchange x, GatewayException e) {
    x.status = e.status();
    write(ctx, x, errorResponse(e));
  }

  private static void keepAlive(HttpResponse resp, Exchange x) {
    if (!x.keepAlive) {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else {
      HttpUtil.setKeepAlive(resp, true);
    }
  }

  /** Writes a complete response (Netty releases its content) and finishes the exchange. */
  private void write(ChannelHandlerContext ctx, Exchange x, FullHttpResponse resp) {
    x.status = resp.status().code();
    if (!x.head) {
      x.bytes = resp.content().readableBytes();
    }
    keepAlive(resp, x);
    ctx.writeAndFlush(resp).addListener(f -> x.finish(ctx, f.isSuccess()));
  }

  private static String remote(SocketAddress a) {
    return a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress() : String.valueOf(a);
  }

  /** The path and query with signature values masked. */
  static String logPath(String uri) {
    String u = uri.length() > 512 ? uri.substring(0, 512) + "..." : uri;
    return u.replaceAll("([?&](?:sig|token|access_token)=)[^&]*", "$1***");
  }
}
