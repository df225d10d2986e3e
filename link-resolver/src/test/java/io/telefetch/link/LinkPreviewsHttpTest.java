package io.telefetch.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.link.LinkPreviewException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LinkPreviews} against a real local HTTP server (MockWebServer) playing t.me, including
 * a hostile one: every edge asserts what the server received and the typed outcome.
 */
class LinkPreviewsHttpTest {
  private MockWebServer server;
  private MockWebServer elsewhere;
  private LinkPreviews previews;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
    elsewhere = new MockWebServer();
    elsewhere.start();
    previews = LinkPreviews.builder().baseUrl(server.url("/").toString())
        .timeout(Duration.ofSeconds(2)).maxBodyBytes(1 << 20).build();
  }

  @AfterEach
  void stop() {
    previews.close();
    server.close();
    elsewhere.close();
  }

  private static MockResponse html(int code, String body) {
    return new MockResponse.Builder().code(code)
        .setHeader("Content-Type", "text/html; charset=utf-8").body(body).build();
  }

  private static String page(String head, String body) {
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Telegram: Contact</title>"
        + head + "</head><body>" + body + "</body></html>";
  }

  private static String og(String property, String content) {
    return "<meta property=\"" + property + "\" content=\"" + content + "\">";
  }

  private static final String EMBED_VIDEO = page("",
      "<div class=\"tgme_widget_message\" data-post=\"chan/5\">"
          + "<div class=\"tgme_widget_message_author\"><a class=\"tgme_widget_message_owner_name\">"
          + "<span>Chan Name</span></a></div>"
          + "<a class=\"tgme_widget_message_video_player\"><video src=\"/v.mp4\"></video></a>"
          + "<div class=\"tgme_widget_message_text\">hello</div></div>");

  private LinkPreview await(CompletableFuture<LinkPreview> f) {
    return f.orTimeout(10, TimeUnit.SECONDS).join();
  }

  private LinkPreviewException failure(CompletableFuture<LinkPreview> f) {
    Throwable t = f.orTimeout(10, TimeUnit.SECONDS).handle((v, e) -> e).join();
    assertThat(t).as("the preview must fail").isNotNull();
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    assertThat(t).isInstanceOf(LinkPreviewException.class);
    return (LinkPreviewException) t;
  }

  @Test
  void aPostReadsItsPageTagsAndItsEmbedWidget() throws Exception {
    server.enqueue(html(200, page(og("og:title", "Chan Name") + og("og:description", "hello")
        + og("og:image", "https://cdn.example/thumb.jpg")
        + og("og:video", "https://cdn.example/v.mp4"), "")));
    server.enqueue(html(200, EMBED_VIDEO));
    LinkPreview p = await(previews.preview("https://t.me/chan/5?single"));
    assertThat(p.title()).isEqualTo("Chan Name");
    assertThat(p.description()).isEqualTo("hello");
    assertThat(p.imageUrl()).contains("https://cdn.example/thumb.jpg");
    assertThat(p.videoUrl()).contains("https://cdn.example/v.mp4");
    assertThat(p.author()).contains("Chan Name");
    assertThat(p.hasMedia()).isTrue();
    assertThat(p.albumSize()).isEqualTo(1);
    RecordedRequest first = server.takeRequest();
    RecordedRequest second = server.takeRequest();
    assertThat(first.getUrl().encodedPath()).isEqualTo("/chan/5");
    assertThat(first.getUrl().queryParameterNames()).containsExactly("single");
    assertThat(second.getUrl().queryParameter("embed")).isEqualTo("1");
    assertThat(first.getHeaders().get("User-Agent")).startsWith("telefetch/");
  }

  @Test
  void anAlbumCountsItsMedia() {
    server.enqueue(html(200, page(og("og:title", "C"), "")));
    server.enqueue(html(200, page("", "<div class=\"tgme_widget_message\">"
        + "<div class=\"tgme_widget_message_grouped_layer\">"
        + "<a class=\"tgme_widget_message_photo_wrap\"></a><a class=\"tgme_widget_message_photo_wrap\"></a>"
        + "<a class=\"tgme_widget_message_video_player\"></a></div></div>")));
    LinkPreview p = await(previews.preview("https://t.me/chan/7"));
    assertThat(p.albumSize()).isEqualTo(3);
    assertThat(p.hasMedia()).isTrue();
    assertThat(p.description()).isEmpty();
  }

  @Test
  void aPostWithoutMediaSaysSo() {
    server.enqueue(html(200, page(og("og:title", "C") + og("og:description", "text only"), "")));
    server.enqueue(html(200, page("", "<div class=\"tgme_widget_message\">"
        + "<div class=\"tgme_widget_message_text\">text only</div></div>")));
    LinkPreview p = await(previews.preview("https://t.me/chan/8"));
    assertThat(p.hasMedia()).isFalse();
    assertThat(p.albumSize()).isZero();
  }

  @Test
  void status404IsNotFound() {
    server.enqueue(html(404, page(og("og:title", "Telegram"), "<div class=\"tgme_page tgme_page_not_found\"></div>")));
    assertThat(failure(previews.preview("https://t.me/chan/9")).reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aRemovedPostIsNotFoundEvenWith200() {
    server.enqueue(html(200, page(og("og:title", "Chan"), "")));
    server.enqueue(html(200, page("", "<div class=\"tgme_widget_message_error\">Post not found</div>")));
    assertThat(failure(previews.preview("https://t.me/chan/10")).reason()).isEqualTo(Reason.NOT_FOUND);
  }

  @Test
  void privateAndUnsupportedLinksFailWithoutARequest() {
    assertThat(failure(previews.preview("https://t.me/c/123/4")).reason()).isEqualTo(Reason.PRIVATE);
    assertThat(failure(previews.preview("https://t.me/+12025550123")).reason()).isEqualTo(Reason.PRIVATE);
    assertThat(failure(previews.preview("https://t.me/addstickers/x")).reason())
        .isEqualTo(Reason.UNSUPPORTED);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aLinkThatDoesNotParseFailsWithItsParseError() {
    Throwable t = previews.preview("https://t.me.evil.com/x/1").handle((v, e) -> e).join();
    assertThat(t).isInstanceOf(LinkParseException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aRenameRedirectOnTheSameHostIsFollowed() throws Exception {
    server.enqueue(new MockResponse.Builder().code(301).setHeader("Location", "/newname").build());
    server.enqueue(html(200, page(og("og:title", "New Name") + og("og:description", "about"), "")));
    LinkPreview p = await(previews.preview("https://t.me/oldname"));
    assertThat(p.title()).isEqualTo("New Name");
    assertThat(p.url()).endsWith("/newname");
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/oldname");
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/newname");
  }

  @Test
  void anOffDomainRedirectIsRefused() {
    server.enqueue(new MockResponse.Builder().code(302)
        .setHeader("Location", elsewhere.url("/steal").toString()).build());
    assertThat(failure(previews.preview("https://t.me/chan")).reason())
        .isEqualTo(Reason.REDIRECT_REFUSED);
    assertThat(elsewhere.getRequestCount()).isZero();
  }

  @Test
  void aRedirectLoopStopsAfterTheLimit() {
    for (int i = 0; i < 10; i++) {
      server.enqueue(new MockResponse.Builder().code(301).setHeader("Location", "/chan").build());
    }
    assertThat(failure(previews.preview("https://t.me/chan")).reason())
        .isEqualTo(Reason.REDIRECT_REFUSED);
    assertThat(server.getRequestCount()).isEqualTo(4); // the first request and 3 redirects
  }

  @Test
  void aFiveMegabytePageIsRefusedAtTheCap() {
    server.enqueue(html(200, page("", "x".repeat(5 << 20))));
    assertThat(failure(previews.preview("https://t.me/chan")).reason()).isEqualTo(Reason.TOO_LARGE);
  }

  @Test
  void aChunkedFiveMegabytePageIsRefusedWhileReading() {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html")
        .chunkedBody(page("", "y".repeat(5 << 20)), 64 << 10).build());
    assertThat(failure(previews.preview("https://t.me/chan")).reason()).isEqualTo(Reason.TOO_LARGE);
  }

  @Test
  void aSlowDripTimesOut() {
    server.enqueue(html(200, page(og("og:title", "slow"), "z".repeat(4096)))
        .newBuilder().throttleBody(16, 1, TimeUnit.SECONDS).build());
    LinkPreviews quick = LinkPreviews.builder().baseUrl(server.url("/").toString())
        .timeout(Duration.ofMillis(500)).build();
    try {
      assertThat(failure(quick.preview("https://t.me/chan")).reason()).isEqualTo(Reason.TIMEOUT);
    } finally {
      quick.close();
    }
  }

  @Test
  void aWrongCharsetNeverBreaksTheReader() {
    // the header says ISO-8859-1, the bytes are UTF-8: the text is mis-decoded, not an error
    byte[] body = page(og("og:title", "Привет"), "").getBytes(StandardCharsets.UTF_8);
    server.enqueue(new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "text/html; charset=iso-8859-1").body(new Buffer().write(body))
        .build());
    LinkPreview wrong = await(previews.preview("https://t.me/chan"));
    assertThat(wrong.title()).isNotEqualTo("Привет").isNotEmpty();
    // an unknown charset name: detected from the page's own meta charset
    server.enqueue(new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "text/html; charset=x-no-such-charset")
        .body(new Buffer().write(body)).build());
    assertThat(await(previews.preview("https://t.me/chan")).title()).isEqualTo("Привет");
  }

  @Test
  void missingTagsFallBackToThePageTitle() {
    server.enqueue(html(200, "<html><head><title>Just a title</title></head><body></body></html>"));
    LinkPreview p = await(previews.preview("https://t.me/chan"));
    assertThat(p.title()).isEqualTo("Just a title");
    assertThat(p.description()).isEmpty();
    assertThat(p.imageUrl()).isEmpty();
    assertThat(p.videoUrl()).isEmpty();
  }

  @Test
  void markupInjectedIntoTagsStaysPlainText() {
    server.enqueue(html(200, page(
        og("og:title", "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;\u202e evil\u0007")
            + og("og:description", "a\n\n   b")
            + og("og:image", "javascript:alert(1)") + og("og:video", "data:text/html,x"), "")));
    LinkPreview p = await(previews.preview("https://t.me/chan"));
    assertThat(p.title()).isEqualTo("</title><script>alert(1)</script> evil");
    assertThat(p.description()).isEqualTo("a b");
    assertThat(p.imageUrl()).isEmpty();
    assertThat(p.videoUrl()).isEmpty();
  }

  @Test
  void aServerErrorIsAnHttpStatus() {
    server.enqueue(html(503, "busy"));
    assertThat(failure(previews.preview("https://t.me/chan")).reason()).isEqualTo(Reason.HTTP_STATUS);
  }

  @Test
  void aPassedClientIsNotClosed() throws Exception {
    okhttp3.OkHttpClient shared = new okhttp3.OkHttpClient();
    LinkPreviews borrowed = LinkPreviews.builder().baseUrl(server.url("/").toString())
        .httpClient(shared).build();
    borrowed.close();
    assertThat(shared.dispatcher().executorService().isShutdown()).isFalse();
    server.enqueue(html(200, page(og("og:title", "still works"), "")));
    assertThat(await(borrowed.preview("https://t.me/chan")).title()).isEqualTo("still works");
    shared.dispatcher().executorService().shutdown();
  }
}
