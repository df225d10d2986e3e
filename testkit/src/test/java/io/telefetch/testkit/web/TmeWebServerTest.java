package io.telefetch.testkit.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.testkit.world.WorldPhoto;
import io.telefetch.testkit.world.WorldUser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The t.me pages over real HTTP, parsed with jsoup. */
class TmeWebServerTest {
  private static final Instant NOW = Instant.parse("2024-05-01T12:34:56Z");
  private static final String HOSTILE = "<script>alert(\"pwned\")</script> & 'Co'";

  private static World world;
  private static TmeWebServer web;
  private static HttpClient http;
  private static WorldChannel demo;
  private static WorldDocument video;
  private static WorldPhoto photo;
  private static WorldDocument archive;
  private static WorldMessage videoPost;
  private static WorldMessage photoPost;
  private static WorldMessage textPost;
  private static WorldMessage archivePost;
  private static List<WorldMessage> album;
  private static WorldChannel hostile;
  private static WorldMessage hostilePost;
  private static WorldChannel busy;
  private static WorldChannel renamed;
  private static WorldUser bot;

  @BeforeAll
  static void start() {
    world = new World(Clock.fixed(NOW, ZoneOffset.UTC), 7);
    demo = world.channel("web_demo").title("Web demo").dc(2).create();
    video = world.video("clip.mp4", FileContent.seeded(11, 300_000)).dc(2).duration(75).size(1920, 1080).create();
    photo = world.photo().dc(2).seed(3).create();
    archive = world.document("notes.zip", FileContent.seeded(12, 5000)).mimeType("application/zip").dc(2).create();
    videoPost = world.post(demo).text("A video").media(video).views(1234).create();
    photoPost = world.post(demo).text("A photo").media(photo).create();
    textPost = world.post(demo).text("Hello\nworld & <friends>").create();
    archivePost = world.post(demo).text("").media(archive).create();
    WorldPhoto p2 = world.photo().dc(2).seed(4).create();
    WorldDocument v2 = world.video("album.mp4", FileContent.seeded(13, 1000)).dc(2).create();
    album = world.album(demo, "Album caption", p2, v2);

    hostile = world.channel("hostile_chan").title(HOSTILE).create();
    hostilePost = world.post(hostile).text("\"><img src=x onerror=alert(1)>").create();

    busy = world.channel("busy_chan").title("Busy").create();
    for (int i = 1; i <= 25; i++) {
      world.post(busy).text("post " + i).create();
    }
    renamed = world.channel("new_name").title("Renamed").create();
    world.post(renamed).text("still here").create();
    bot = world.bot("web_test_bot").create();

    web = TmeWebServer.start(world).rename("old_name", "new_name");
    http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    web.close();
  }

  private static HttpResponse<byte[]> get(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static Document page(String url, int status) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = get(url);
    assertThat(r.statusCode()).as(url).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    return Jsoup.parse(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8), url);
  }

  private static String og(Document doc, String property) {
    Element e = doc.selectFirst("meta[property=" + property + "]");
    return e == null ? null : e.attr("content");
  }

  private static String twitter(Document doc, String name) {
    Element e = doc.selectFirst("meta[name=" + name + "]");
    return e == null ? null : e.attr("content");
  }

  private static String url(String path) {
    return web.baseUrl() + path;
  }

  @Test
  void videoPostHasOpenGraphVideoTags() throws Exception {
    String postUrl = web.postUrl(videoPost);
    assertThat(postUrl).isEqualTo(url("/web_demo/" + videoPost.id()));
    Document doc = page(postUrl, 200);
    assertThat(og(doc, "og:title")).isEqualTo("Web demo");
    assertThat(og(doc, "og:description")).isEqualTo("A video");
    assertThat(og(doc, "og:site_name")).isEqualTo("Telegram");
    assertThat(og(doc, "og:video")).isEqualTo(url("/_/file/web_demo/" + videoPost.id() + "/clip.mp4"));
    assertThat(og(doc, "og:video:type")).isEqualTo("video/mp4");
    assertThat(og(doc, "og:video:width")).isEqualTo("1920");
    assertThat(og(doc, "og:video:height")).isEqualTo("1080");
    assertThat(twitter(doc, "twitter:card")).isEqualTo("player");
    assertThat(twitter(doc, "twitter:player")).isEqualTo(postUrl + "?embed=1");
    assertThat(doc.selectFirst("link[rel=canonical]").attr("href")).isEqualTo(postUrl);

    // the thumbnail is a real JPEG of the video's aspect
    HttpResponse<byte[]> image = get(og(doc, "og:image"));
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(image.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    var decoded = ImageIO.read(new ByteArrayInputStream(image.body()));
    assertThat(decoded.getWidth()).isEqualTo(320);
    assertThat(decoded.getHeight()).isEqualTo(180);

    // the video itself, whole and by range
    HttpResponse<byte[]> file = get(og(doc, "og:video"));
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.headers().firstValue("Content-Type")).hasValue("video/mp4");
    assertThat(file.headers().firstValue("Accept-Ranges")).hasValue("bytes");
    assertThat(MessageDigest.getInstance("SHA-256").digest(file.body())).isEqualTo(video.content().sha256());
    HttpResponse<byte[]> part = get(og(doc, "og:video"), "Range", "bytes=100000-100099");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100000-100099/300000");
    assertThat(part.body()).isEqualTo(video.content().read(100_000, 100));
    HttpResponse<byte[]> tail = get(og(doc, "og:video"), "Range", "bytes=-10");
    assertThat(tail.body()).isEqualTo(video.content().read(299_990, 10));
    assertThat(get(og(doc, "og:video"), "Range", "bytes=300000-").statusCode()).isEqualTo(416);

    // the page shows the message widget with the player
    Element widget = doc.selectFirst(".tgme_widget_message");
    assertThat(widget.attr("data-post")).isEqualTo("web_demo/" + videoPost.id());
    assertThat(widget.selectFirst("video.tgme_widget_message_video").attr("src")).isEqualTo(og(doc, "og:video"));
    assertThat(widget.selectFirst(".message_video_duration").text()).isEqualTo("1:15");
    assertThat(widget.selectFirst(".tgme_widget_message_views").text()).isEqualTo("1.2K");
    assertThat(widget.selectFirst(".tgme_widget_message_text").text()).isEqualTo("A video");
  }

  @Test
  void photoPostPointsOgImageAtTheLargestSize() throws Exception {
    Document doc = page(web.postUrl(photoPost), 200);
    assertThat(og(doc, "og:title")).isEqualTo("Web demo");
    assertThat(og(doc, "og:description")).isEqualTo("A photo");
    assertThat(og(doc, "og:site_name")).isEqualTo("Telegram");
    assertThat(og(doc, "og:video")).isNull();
    assertThat(twitter(doc, "twitter:card")).isEqualTo("summary_large_image");
    String largest = photo.largest().type();
    assertThat(og(doc, "og:image")).isEqualTo(url("/_/photo/web_demo/" + photoPost.id() + "/" + largest + ".jpg"));
    HttpResponse<byte[]> image = get(og(doc, "og:image"));
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(image.body()).isEqualTo(photo.largest().content().read(0, (int) photo.largest().content().size()));
    assertThat(ImageIO.read(new ByteArrayInputStream(image.body())).getWidth()).isEqualTo(photo.largest().w());
    Element wrap = doc.selectFirst(".tgme_widget_message_photo_wrap");
    assertThat(wrap.attr("style")).contains("background-image:url('" + og(doc, "og:image") + "')");
    assertThat(wrap.attr("href")).isEqualTo(web.postUrl(photoPost));
  }

  @Test
  void textPostDescribesTheText() throws Exception {
    Document doc = page(web.postUrl(textPost), 200);
    assertThat(og(doc, "og:title")).isEqualTo("Web demo");
    assertThat(og(doc, "og:description")).isEqualTo("Hello\nworld & <friends>");
    assertThat(og(doc, "og:site_name")).isEqualTo("Telegram");
    assertThat(og(doc, "og:video")).isNull();
    assertThat(twitter(doc, "twitter:card")).isEqualTo("summary");
    assertThat(og(doc, "og:image")).isEqualTo(url("/_/avatar/web_demo.jpg"));
    assertThat(get(og(doc, "og:image")).statusCode()).isEqualTo(200);
    Element text = doc.selectFirst(".tgme_widget_message_text");
    assertThat(text.select("br")).hasSize(1);
    assertThat(text.wholeText()).isEqualTo("Hello\nworld & <friends>");
    assertThat(doc.select(".tgme_widget_message_photo_wrap, .tgme_widget_message_video_player")).isEmpty();
    assertThat(doc.selectFirst("time").attr("datetime")).isEqualTo("2024-05-01T12:34:56+00:00");
  }

  @Test
  void documentPostShowsNameAndSize() throws Exception {
    Document doc = page(web.postUrl(archivePost), 200);
    assertThat(og(doc, "og:description")).isEmpty();
    assertThat(og(doc, "og:video")).isNull();
    assertThat(doc.selectFirst(".tgme_widget_message_document_title").text()).isEqualTo("notes.zip");
    assertThat(doc.selectFirst(".tgme_widget_message_document_extra").text()).isEqualTo("4.9 KB");
    HttpResponse<byte[]> file = get(url("/_/file/web_demo/" + archivePost.id() + "/notes.zip"));
    assertThat(file.headers().firstValue("Content-Type")).hasValue("application/zip");
    assertThat(file.body()).isEqualTo(archive.content().read(0, 5000));
  }

  @Test
  void embedPageIsTheWidgetWithoutOpenGraph() throws Exception {
    Document doc = page(web.postUrl(videoPost) + "?embed=1", 200);
    assertThat(doc.select("meta[property^=og:]")).isEmpty();
    assertThat(doc.select(".tgme_page")).isEmpty();
    Element widget = doc.selectFirst(".tgme_widget_message");
    assertThat(widget.attr("data-post")).isEqualTo("web_demo/" + videoPost.id());
    assertThat(widget.selectFirst(".tgme_widget_message_owner_name").text()).isEqualTo("Web demo");
    assertThat(widget.selectFirst("video").attr("src")).endsWith("/clip.mp4");
    assertThat(widget.selectFirst(".tgme_widget_message_date").attr("href")).isEqualTo(web.postUrl(videoPost));
    assertThat(doc.selectFirst("link[rel=canonical]").attr("href")).isEqualTo(web.postUrl(videoPost));
  }

  @Test
  void albumShowsEveryItemUnlessSingle() throws Exception {
    WorldMessage second = album.get(1);
    Document whole = page(web.postUrl(second), 200);
    assertThat(og(whole, "og:description")).isEqualTo("Album caption");
    assertThat(og(whole, "og:video")).endsWith("/album.mp4");
    List<Element> items = whole.select(".tgme_widget_message_grouped_layer > a");
    assertThat(items).hasSize(2);
    assertThat(items.get(0).attr("href")).isEqualTo(web.postUrl(album.get(0)) + "?single");
    assertThat(items.get(1).attr("href")).isEqualTo(web.postUrl(second) + "?single");
    assertThat(items.get(0).hasClass("tgme_widget_message_photo_wrap")).isTrue();
    assertThat(items.get(1).hasClass("tgme_widget_message_video_player")).isTrue();

    Document single = page(web.postUrl(second) + "?single", 200);
    assertThat(single.select(".tgme_widget_message_grouped_wrap")).isEmpty();
    assertThat(single.select(".tgme_widget_message_video_player")).hasSize(1);
    assertThat(single.select(".tgme_widget_message_photo_wrap")).isEmpty();
    assertThat(og(single, "og:description")).isEmpty();

    Document singleEmbed = page(web.postUrl(album.get(0)) + "?embed=1&single", 200);
    assertThat(singleEmbed.select(".tgme_widget_message_photo_wrap")).hasSize(1);
    assertThat(singleEmbed.select(".tgme_widget_message_video_player")).isEmpty();
    assertThat(singleEmbed.selectFirst(".tgme_widget_message_text").text()).isEqualTo("Album caption");
  }

  @Test
  void previewListsThePostsOldestFirstWithAlbumsOnce() throws Exception {
    Document doc = page(url("/s/web_demo"), 200);
    assertThat(og(doc, "og:title")).isEqualTo("Web demo");
    assertThat(doc.selectFirst(".tgme_channel_info_header_title").text()).isEqualTo("Web demo");
    assertThat(doc.selectFirst(".tgme_channel_info_header_username").text()).isEqualTo("@web_demo");
    assertThat(doc.select(".tgme_channel_history .tgme_widget_message").eachAttr("data-post")).containsExactly(
        "web_demo/" + videoPost.id(), "web_demo/" + photoPost.id(), "web_demo/" + textPost.id(),
        "web_demo/" + archivePost.id(), "web_demo/" + album.get(0).id());
    assertThat(doc.select(".js-messages_more")).isEmpty();
    assertThat(doc.select(".tgme_channel_info_counter").eachText())
        .containsExactly("0 subscribers", "2 photos", "2 videos", "1 files");
  }

  @Test
  void previewPagesTwentyAtATime() throws Exception {
    Document first = page(url("/s/busy_chan"), 200);
    List<String> posts = first.select(".tgme_widget_message").eachAttr("data-post");
    assertThat(posts).hasSize(20).startsWith("busy_chan/6").endsWith("busy_chan/25");
    Element more = first.selectFirst(".js-messages_more");
    assertThat(more.attr("data-before")).isEqualTo("6");
    Document older = page(more.attr("href"), 200);
    assertThat(older.select(".tgme_widget_message").eachAttr("data-post"))
        .containsExactly("busy_chan/1", "busy_chan/2", "busy_chan/3", "busy_chan/4", "busy_chan/5");
    assertThat(older.select(".js-messages_more")).isEmpty();
  }

  @Test
  void missingPostOrChannelIs404WithoutDescription() throws Exception {
    for (String path : List.of("/web_demo/999", "/web_demo/abc", "/nobody_here/1", "/web_test_bot/1", "/s/nobody_here", "/x")) {
      Document doc = page(url(path), 404);
      assertThat(doc.select(".tgme_page")).as(path).hasSize(1);
      assertThat(og(doc, "og:description")).as(path).isNull();
      assertThat(og(doc, "og:site_name")).as(path).isEqualTo("Telegram");
      assertThat(doc.select(".tgme_widget_message")).as(path).isEmpty();
    }
    Document post = page(url("/web_demo/999"), 404);
    assertThat(post.selectFirst(".tgme_page_title").text()).isEqualTo("Post not found");
    Document embed = page(url("/web_demo/999?embed=1"), 404);
    assertThat(embed.selectFirst(".tgme_widget_message_error").text()).isEqualTo("Post not found");
    assertThat(get(url("/_/file/web_demo/" + textPost.id() + "/x.bin")).statusCode()).isEqualTo(404);
  }

  @Test
  void renamedChannelRedirectsToTheNewUsername() throws Exception {
    HttpResponse<byte[]> r = get(url("/old_name/1?embed=1&single"));
    assertThat(r.statusCode()).isEqualTo(301);
    assertThat(r.headers().firstValue("Location")).hasValue(url("/new_name/1?embed=1&single"));
    HttpResponse<byte[]> preview = get(url("/s/Old_Name"));
    assertThat(preview.statusCode()).isEqualTo(301);
    assertThat(preview.headers().firstValue("Location")).hasValue(url("/s/new_name"));

    HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    HttpResponse<String> followed = following.send(HttpRequest.newBuilder(URI.create(url("/old_name/1"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(followed.statusCode()).isEqualTo(200);
    assertThat(followed.uri().toString()).isEqualTo(url("/new_name/1"));
    assertThat(og(Jsoup.parse(followed.body()), "og:description")).isEqualTo("still here");
  }

  @Test
  void everythingFromTheWorldIsEscaped() throws Exception {
    for (String path : List.of("/hostile_chan/" + hostilePost.id(), "/hostile_chan/" + hostilePost.id() + "?embed=1",
        "/s/hostile_chan", "/hostile_chan")) {
      HttpResponse<byte[]> r = get(url(path));
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      String html = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(html).as(path).doesNotContain("<script").doesNotContain("<img src=x");
      Document doc = Jsoup.parse(html);
      assertThat(doc.select("script")).as(path).isEmpty();
      assertThat(doc.select("img[src=x]")).as(path).isEmpty();
    }
    Document doc = page(url("/hostile_chan/" + hostilePost.id()), 200);
    assertThat(og(doc, "og:title")).isEqualTo(HOSTILE);
    assertThat(og(doc, "og:description")).isEqualTo("\"><img src=x onerror=alert(1)>");
    assertThat(doc.title()).isEqualTo(HOSTILE + " \u2013 Telegram");
    assertThat(doc.selectFirst(".tgme_widget_message_owner_name").text()).isEqualTo(HOSTILE);
    assertThat(doc.selectFirst(".tgme_widget_message_text").text()).isEqualTo("\"><img src=x onerror=alert(1)>");
  }

  @Test
  void channelAndUserPages() throws Exception {
    Document channel = page(url("/web_demo"), 200);
    assertThat(og(channel, "og:title")).isEqualTo("Web demo");
    assertThat(channel.selectFirst(".tgme_page_title").text()).isEqualTo("Web demo");
    assertThat(channel.selectFirst(".tgme_page_context_link").attr("href")).isEqualTo(url("/s/web_demo"));
    Document user = page(url("/web_test_bot"), 200);
    assertThat(og(user, "og:title")).isEqualTo(bot.firstName());
    assertThat(user.selectFirst(".tgme_action_button_new").text()).isEqualTo("Start Bot");
  }

  @Test
  void headAndOtherMethods() throws Exception {
    HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(url("/_/file/web_demo/" + videoPost.id() + "/clip.mp4")))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue("300000");
    HttpResponse<Void> post = http.send(HttpRequest.newBuilder(URI.create(web.postUrl(textPost)))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(web.requestCount()).isPositive();
  }
}
