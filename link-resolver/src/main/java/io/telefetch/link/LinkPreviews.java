package io.telefetch.link;

import io.telefetch.link.LinkPreviewException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;

/**
 * Reads the public preview of a Telegram link from t.me's web pages, with no account: the
 * OpenGraph tags of the page and, for posts, the message widget of its {@code ?embed=1} page.
 *
 * <p>Built for hostile pages: every request has a deadline, every body a size cap, redirects are
 * followed only on the configured host (a renamed username answers 301 there) and at most {@link
 * Builder#maxRedirects} times, and any failure completes the future with a {@link
 * LinkPreviewException} naming its {@link Reason}. The base URL is configurable, so tests and the
 * demo point it at testkit's pages.
 *
 * <pre>{@code
 * try (LinkPreviews previews = LinkPreviews.create()) {
 *   LinkPreview p = previews.preview("https://t.me/somechannel/123").join();
 * }
 * }</pre>
 *
 * <p>Whoever creates the HTTP client closes it: {@link #close} shuts down the client this object
 * built, never one passed to {@link Builder#httpClient}.
 */
public final class LinkPreviews implements AutoCloseable {
  /** Telegram's link host. */
  public static final String TELEGRAM = "https://t.me";

  private final HttpUrl base;
  private final OkHttpClient http;
  private final boolean ownsClient;
  private final long maxBodyBytes;
  private final int maxRedirects;
  private final String userAgent;

  private LinkPreviews(Builder b) {
    this.base = b.base;
    this.maxBodyBytes = b.maxBodyBytes;
    this.maxRedirects = b.maxRedirects;
    this.userAgent = b.userAgent;
    OkHttpClient.Builder http = b.http == null ? new OkHttpClient.Builder() : b.http.newBuilder();
    this.http = http.followRedirects(false).followSslRedirects(false)
        .callTimeout(b.timeout.toMillis(), TimeUnit.MILLISECONDS)
        .readTimeout(b.timeout.toMillis(), TimeUnit.MILLISECONDS)
        .connectTimeout(b.timeout.toMillis(), TimeUnit.MILLISECONDS)
        .build();
    this.ownsClient = b.http == null;
  }

  /** Previews from {@code https://t.me} with the default limits. */
  public static LinkPreviews create() {
    return builder().build();
  }

  /** A builder with the defaults: {@code https://t.me}, 10 s per page, 2 MiB, 3 redirects. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses {@code link} and reads its preview; a link that does not parse fails the future with
   * {@link LinkParseException}.
   */
  public CompletableFuture<LinkPreview> preview(String link) {
    TelegramLink parsed;
    try {
      parsed = TelegramLink.parse(link);
    } catch (LinkParseException e) {
      return CompletableFuture.failedFuture(e);
    }
    return preview(parsed);
  }

  /** Reads the preview of {@code link}; failures complete it with {@link LinkPreviewException}. */
  public CompletableFuture<LinkPreview> preview(TelegramLink link) {
    Objects.requireNonNull(link, "link");
    if (link instanceof TelegramLink.Post post) {
      HttpUrl.Builder page = base.newBuilder().addPathSegment(post.username())
          .addPathSegment(Integer.toString(post.messageId()));
      if (post.options().single()) {
        page.addQueryParameter("single", null);
      }
      HttpUrl pageUrl = page.build();
      HttpUrl embedUrl = pageUrl.newBuilder().addQueryParameter("embed", "1").build();
      return fetch(pageUrl).thenCompose(p -> fetch(embedUrl).thenApply(e -> postPreview(p, e)));
    }
    if (link instanceof TelegramLink.Username u) {
      return fetch(base.newBuilder().addPathSegment(u.username()).build()).thenApply(
          p -> pagePreview(p));
    }
    if (link instanceof TelegramLink.Story s) {
      return fetch(base.newBuilder().addPathSegment(s.username()).addPathSegment("s")
          .addPathSegment(Integer.toString(s.storyId())).build()).thenApply(p -> pagePreview(p));
    }
    if (link instanceof TelegramLink.Invite i) {
      return fetch(base.newBuilder().addPathSegment("+" + i.hash()).build()).thenApply(
          p -> pagePreview(p));
    }
    if (link instanceof TelegramLink.PrivatePost || link instanceof TelegramLink.Phone) {
      return CompletableFuture.failedFuture(new LinkPreviewException(Reason.PRIVATE,
          "a " + link.kind().jsonName() + " link has no public page"));
    }
    return CompletableFuture.failedFuture(new LinkPreviewException(Reason.UNSUPPORTED,
        "no preview for " + link));
  }

  /** Shuts down the HTTP client this object built (never one passed to the builder). */
  @Override
  public void close() {
    if (ownsClient) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  // ------------------------------------------------------------------------------- fetching

  private record Page(HttpUrl url, Document document) {}

  private CompletableFuture<Page> fetch(HttpUrl url) {
    return fetch(url, maxRedirects);
  }

  private CompletableFuture<Page> fetch(HttpUrl url, int redirectsLeft) {
    CompletableFuture<Page> result = new CompletableFuture<>();
    Request request = new Request.Builder().url(url).header("User-Agent", userAgent)
        .header("Accept", "text/html").get().build();
    Call call = http.newCall(request);
    result.whenComplete((p, e) -> {
      if (result.isCancelled()) {
        call.cancel();
      }
    });
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        result.completeExceptionally(failure(url, e));
      }

      @Override
      public void onResponse(Call c, Response response) {
        try (response) {
          int status = response.code();
          if (status >= 300 && status < 400 && status != 304) {
            HttpUrl target = redirectTarget(url, response.header("Location"), redirectsLeft);
            fetch(target, redirectsLeft - 1).whenComplete((p, e) -> {
              if (e != null) {
                result.completeExceptionally(e);
              } else {
                result.complete(p);
              }
            });
            return;
          }
          if (status == 404 || status == 410) {
            throw new LinkPreviewException(Reason.NOT_FOUND, "status " + status + " for " + shown(url));
          }
          if (status < 200 || status >= 300) {
            throw new LinkPreviewException(Reason.HTTP_STATUS, "status " + status + " for " + shown(url));
          }
          result.complete(new Page(url, parse(url, response.body())));
        } catch (LinkPreviewException e) {
          result.completeExceptionally(e);
        } catch (IOException e) {
          result.completeExceptionally(failure(url, e));
        } catch (RuntimeException e) {
          result.completeExceptionally(new LinkPreviewException(Reason.IO,
              "unreadable page " + shown(url) + ": " + e, e));
        }
      }
    });
    return result;
  }

  private HttpUrl redirectTarget(HttpUrl from, String location, int redirectsLeft) {
    if (location == null) {
      throw new LinkPreviewException(Reason.HTTP_STATUS, "a redirect without Location from " + shown(from));
    }
    HttpUrl target = from.resolve(location);
    if (target == null || !target.host().equalsIgnoreCase(base.host())
        || target.port() != base.port() || !target.scheme().equals(base.scheme())) {
      throw new LinkPreviewException(Reason.REDIRECT_REFUSED,
          "a redirect from " + shown(from) + " off " + base.host() + " refused");
    }
    if (redirectsLeft <= 0) {
      throw new LinkPreviewException(Reason.REDIRECT_REFUSED,
          "more than " + maxRedirects + " redirects from " + shown(from));
    }
    return target;
  }

  /** The URL for messages, with invite hashes ({@code /+hash}) masked: they grant access. */
  static String shown(HttpUrl url) {
    StringBuilder b = new StringBuilder(url.scheme()).append("://").append(url.host())
        .append(':').append(url.port());
    for (String segment : url.pathSegments()) {
      b.append('/').append(segment.startsWith("+") ? "+" + Masking.mask(segment.substring(1))
          : segment);
    }
    return b.toString();
  }

  private static LinkPreviewException failure(HttpUrl url, IOException e) {
    boolean timeout = e instanceof InterruptedIOException
        || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("timeout");
    return new LinkPreviewException(timeout ? Reason.TIMEOUT : Reason.IO,
        (timeout ? "timed out reading " : "failed to read ") + shown(url) + ": " + e.getMessage(), e);
  }

  /** Reads at most {@link Builder#maxBodyBytes} of the body and parses it as HTML. */
  private Document parse(HttpUrl url, ResponseBody body) throws IOException {
    long declared = body.contentLength();
    if (declared > maxBodyBytes) {
      throw new LinkPreviewException(Reason.TOO_LARGE,
          shown(url) + " declares " + declared + " bytes, more than " + maxBodyBytes);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try (InputStream in = body.byteStream()) {
      int n;
      while ((n = in.read(chunk)) != -1) {
        if (bytes.size() + n > maxBodyBytes) {
          throw new LinkPreviewException(Reason.TOO_LARGE,
              shown(url) + " is larger than " + maxBodyBytes + " bytes");
        }
        bytes.write(chunk, 0, n);
      }
    }
    String charset = charsetOf(body.contentType());
    byte[] html = bytes.toByteArray();
    try {
      return Jsoup.parse(new ByteArrayInputStream(html), charset, url.toString());
    } catch (IllegalArgumentException e) {
      // an unknown charset named by a page: let jsoup detect it from the bytes and meta tags
      return Jsoup.parse(new ByteArrayInputStream(html), null, url.toString());
    }
  }

  /** The charset a Content-Type names, if the JVM knows it; else null (detect from the page). */
  private static String charsetOf(MediaType type) {
    if (type == null) {
      return null;
    }
    String name = type.parameter("charset");
    if (name == null) {
      return null;
    }
    try {
      return Charset.isSupported(name) ? name : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  // ----------------------------------------------------------------------------- extracting

  private static LinkPreview pagePreview(Page page) {
    Document d = page.document();
    if (d.selectFirst(".tgme_page_not_found") != null) {
      throw new LinkPreviewException(Reason.NOT_FOUND, "no such page: " + shown(page.url()));
    }
    return new LinkPreview(page.url().toString(), title(d), meta(d, "og:description").orElse(""),
        url(meta(d, "og:image")), url(meta(d, "og:video")), Optional.empty(), false, 0);
  }

  private static LinkPreview postPreview(Page page, Page embed) {
    LinkPreview base = pagePreview(page);
    Document e = embed.document();
    if (e.selectFirst(".tgme_widget_message_error") != null) {
      throw new LinkPreviewException(Reason.NOT_FOUND, "no such post: " + shown(page.url()));
    }
    Element widget = e.selectFirst(".tgme_widget_message");
    if (widget == null) {
      return base;
    }
    String mediaSelector = ".tgme_widget_message_photo_wrap, .tgme_widget_message_video_player,"
        + " .tgme_widget_message_document_wrap, .tgme_widget_message_roundvideo_player,"
        + " .tgme_widget_message_voice_player, .tgme_widget_message_audio_player";
    Elements media = widget.select(mediaSelector);
    Element grouped = widget.selectFirst(".tgme_widget_message_grouped_layer");
    int albumSize = grouped != null ? grouped.select(mediaSelector).size() : Math.min(1, media.size());
    Optional<String> author = Optional.ofNullable(widget.selectFirst(".tgme_widget_message_owner_name"))
        .map(Element::text).map(LinkPreviews::clean).filter(s -> !s.isEmpty());
    Optional<String> video = base.videoUrl().isPresent() ? base.videoUrl()
        : url(Optional.ofNullable(widget.selectFirst("video[src]")).map(v -> v.absUrl("src")));
    String description = base.description().isEmpty()
        ? Optional.ofNullable(widget.selectFirst(".tgme_widget_message_text")).map(Element::text)
            .map(LinkPreviews::clean).orElse("")
        : base.description();
    return new LinkPreview(base.url(), base.title(), description, base.imageUrl(), video,
        author.isPresent() ? author : Optional.of(base.title()).filter(s -> !s.isEmpty()),
        !media.isEmpty(), albumSize);
  }

  private static String title(Document d) {
    return meta(d, "og:title").orElseGet(() -> clean(d.title()));
  }

  /** The content of {@code <meta property=name>} (or {@code name=name}), cleaned, if not empty. */
  private static Optional<String> meta(Document d, String name) {
    Element e = d.selectFirst("meta[property=" + name + "]");
    if (e == null) {
      e = d.selectFirst("meta[name=" + name + "]");
    }
    return Optional.ofNullable(e).map(x -> clean(x.attr("content"))).filter(s -> !s.isEmpty());
  }

  /** Only absolute http(s) URLs survive (no javascript:, data: or relative junk). */
  private static Optional<String> url(Optional<String> value) {
    return value.map(HttpUrl::parse).map(HttpUrl::toString);
  }

  /** Plain text: control characters removed, white space collapsed, trimmed, capped. */
  static String clean(String text) {
    StringBuilder b = new StringBuilder(Math.min(text.length(), LinkPreview.MAX_TEXT));
    boolean space = false;
    for (int i = 0; i < text.length() && b.length() < LinkPreview.MAX_TEXT; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        space = b.length() > 0;
        continue;
      }
      if (Character.isISOControl(c) || (c >= '\u202a' && c <= '\u202e')
          || (c >= '\u2066' && c <= '\u2069')) {
        continue; // controls and bidi overrides
      }
      if (space) {
        b.append(' ');
        space = false;
      }
      b.append(c);
    }
    return b.toString();
  }

  /** Options of {@link LinkPreviews}. */
  public static final class Builder {
    private HttpUrl base = HttpUrl.get(TELEGRAM);
    private OkHttpClient http;
    private Duration timeout = Duration.ofSeconds(10);
    private long maxBodyBytes = 2L << 20;
    private int maxRedirects = 3;
    private String userAgent = "telefetch/0.1 (link previews)";

    private Builder() {}

    /** Where t.me's pages are served, e.g. testkit's {@code http://127.0.0.1:PORT}. */
    public Builder baseUrl(String url) {
      HttpUrl parsed = HttpUrl.parse(Objects.requireNonNull(url, "url"));
      if (parsed == null) {
        throw new IllegalArgumentException("not an http(s) URL: " + url);
      }
      this.base = parsed;
      return this;
    }

    /** An OkHttp client to share (its pool and threads); {@link #close} leaves it running. */
    public Builder httpClient(OkHttpClient client) {
      this.http = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The deadline of one page, connection and whole body included (default 10 s). */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /** The largest page read (default 2 MiB); larger ones fail with {@link Reason#TOO_LARGE}. */
    public Builder maxBodyBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxBodyBytes must be positive");
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** How many same-host redirects are followed (default 3). */
    public Builder maxRedirects(int redirects) {
      if (redirects < 0 || redirects > 20) {
        throw new IllegalArgumentException("maxRedirects must be 0..20");
      }
      this.maxRedirects = redirects;
      return this;
    }

    /** The User-Agent header sent. */
    public Builder userAgent(String userAgent) {
      this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
      return this;
    }

    public LinkPreviews build() {
      return new LinkPreviews(this);
    }
  }
}
