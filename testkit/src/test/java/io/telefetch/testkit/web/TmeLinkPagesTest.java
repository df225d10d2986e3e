package io.telefetch.testkit.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.testkit.world.WorldPhoto;
import io.telefetch.testkit.world.WorldStory;
import io.telefetch.testkit.world.WorldTopic;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.testkit.world.WorldWebPage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The t.me pages of the link kinds: topics, stories, invites, link previews, renames and /c/ links. */
class TmeLinkPagesTest {
  private static World world;
  private static TmeWebServer web;
  private static HttpClient http;
  private static WorldChannel forum;
  private static WorldTopic topic;
  private static WorldTopic otherTopic;
  private static WorldMessage inTopic;
  private static WorldMessage general;
  private static WorldChannel news;
  private static WorldPhoto storyPhoto;
  private static WorldStory photoStory;
  private static WorldStory videoStory;
  private static WorldDocument storyVideo;
  private static WorldUser alice;
  private static WorldStory aliceStory;
  private static WorldStory expiredStory;
  private static WorldStory oldPinnedStory;
  private static WorldChannel secret;
  private static WorldMessage secretPost;
  private static WorldChannel invite;
  private static WorldPhoto invitePhoto;
  private static WorldChannel plainInvite;
  private static WorldDocument paper;
  private static WorldPhoto paperPhoto;
  private static WorldMessage preview;
  private static WorldChannel renamed;
  private static WorldMessage renamedPost;

  @BeforeAll
  static void start() {
    world = new World(Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC), 11);
    alice = world.user("Alice").username("alice_pages").create();
    forum = world.channel("pages_forum").title("Forum").forum().create();
    general = world.post(forum).from(alice).text("in General").create();
    topic = world.topic(forum, "Clips", alice);
    otherTopic = world.topic(forum, "Other", null);
    inTopic = world.post(forum).from(alice).topic(topic).text("a clip in a topic")
        .media(world.video("topic.mp4", FileContent.seeded(1, 4000)).create()).create();

    news = world.channel("pages_news").title("News <&>").create();
    storyPhoto = world.photo().seed(2).create();
    photoStory = world.story(news).media(storyPhoto).caption("a photo story").create();
    storyVideo = world.video("story.mp4", FileContent.seeded(3, 6000)).size(720, 1280).create();
    videoStory = world.story(news).media(storyVideo).create();
    aliceStory = world.story(alice).media(world.photo().seed(4).create()).caption("hers").create();
    int twoDaysAgo = (int) Instant.parse("2024-04-29T12:00:00Z").getEpochSecond();
    expiredStory = world.story(news).media(storyPhoto).pinned(false).date(twoDaysAgo).create();
    oldPinnedStory = world.story(news).media(storyPhoto).date(twoDaysAgo).create();

    paper = world.document("paper.pdf", FileContent.seeded(5, 3000)).mimeType("application/pdf").create();
    paperPhoto = world.photo().seed(6).create();
    WorldWebPage page = world.webPage("https://example.org/paper").siteName("Example").title("A paper")
        .description("about it").photo(paperPhoto).document(paper).create();
    preview = world.post(news).text("see https://example.org/paper").webPage(page).create();

    secret = world.privateChannel("Secret").members(alice).create();
    secretPost = world.post(secret).text("members only").create();
    invitePhoto = world.photo().seed(7).create();
    invite = world.privateChannel("Invite <me>").about("what we do").photo(invitePhoto).members(alice).create();
    plainInvite = world.privateChannel("Plain group").megagroup().inviteHash("plain_Hash-1").create();

    WorldChannel before = world.channel("pages_old").title("Renamed").create();
    renamedPost = world.post(before).text("kept").create();
    renamed = world.rename(before, "pages_new");

    web = TmeWebServer.start(world);
    http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    web.close();
  }

  private static HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static Document page(String path, int status) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = get(url(path));
    assertThat(r.statusCode()).as(path).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    return Jsoup.parse(new String(r.body(), StandardCharsets.UTF_8), url(path));
  }

  private static String og(Document doc, String property) {
    Element e = doc.selectFirst("meta[property=" + property + "]");
    return e == null ? null : e.attr("content");
  }

  private static String url(String path) {
    return web.baseUrl() + path;
  }

  private static byte[] bytes(String url) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = get(url);
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    return r.body();
  }

  @Test
  void aTopicPostIsServedLikeAPostOnlyUnderItsOwnTopic() throws Exception {
    Document viaTopic = page("/pages_forum/" + topic.id() + "/" + inTopic.id(), 200);
    Document direct = page("/pages_forum/" + inTopic.id(), 200);
    assertThat(og(viaTopic, "og:description")).isEqualTo("a clip in a topic").isEqualTo(og(direct, "og:description"));
    assertThat(og(viaTopic, "og:video")).isEqualTo(og(direct, "og:video")).isNotNull();
    assertThat(viaTopic.selectFirst(".tgme_widget_message").attr("data-post")).isEqualTo("pages_forum/" + inTopic.id());
    Document embed = page("/pages_forum/" + topic.id() + "/" + inTopic.id() + "?embed=1", 200);
    assertThat(embed.select(".tgme_widget_message")).hasSize(1);

    assertThat(og(page("/pages_forum/" + otherTopic.id() + "/" + inTopic.id(), 404), "og:description")).isNull();
    page("/pages_forum/" + topic.id() + "/" + general.id(), 404);
    page("/pages_forum/999/" + inTopic.id(), 404);
    // the topic's creation is a service message: no post page
    page("/pages_forum/" + topic.id(), 404);
    page("/pages_forum/" + general.id(), 200);
  }

  @Test
  void storyPagesCarryOpenGraphTagsAndTheirMediaIsServed() throws Exception {
    Document photo = page("/pages_news/s/" + photoStory.id(), 200);
    assertThat(og(photo, "og:title")).isEqualTo("News <&>");
    assertThat(og(photo, "og:description")).isEqualTo("a photo story");
    assertThat(og(photo, "og:video")).isNull();
    assertThat(bytes(og(photo, "og:image"))).isEqualTo(storyPhoto.largest().content().read(0,
        (int) storyPhoto.largest().content().size()));
    assertThat(photo.selectFirst("link[rel=canonical]").attr("href")).isEqualTo(url("/pages_news/s/" + photoStory.id()));

    Document video = page("/pages_news/s/" + videoStory.id(), 200);
    assertThat(og(video, "og:video")).isEqualTo(url("/_/story/pages_news/" + videoStory.id() + "/file/story.mp4"));
    assertThat(og(video, "og:video:type")).isEqualTo("video/mp4");
    assertThat(og(video, "og:video:width")).isEqualTo("720");
    assertThat(og(video, "og:video:height")).isEqualTo("1280");
    assertThat(og(video, "og:description")).isNotEmpty();
    assertThat(bytes(og(video, "og:video"))).isEqualTo(storyVideo.content().read(0, (int) storyVideo.size()));
    assertThat(get(og(video, "og:image")).headers().firstValue("Content-Type")).hasValue("image/jpeg");

    Document user = page("/alice_pages/s/" + aliceStory.id(), 200);
    assertThat(og(user, "og:title")).isEqualTo("Alice");
    assertThat(og(user, "og:description")).isEqualTo("hers");

    page("/pages_news/s/" + expiredStory.id(), 404);
    assertThat(og(page("/pages_news/s/" + oldPinnedStory.id(), 200), "og:title")).isEqualTo("News <&>");
    Document missing = page("/pages_news/s/99", 404);
    assertThat(og(missing, "og:description")).isNull();
    page("/pages_news/s/abc", 404);
    page("/nobody_here/s/1", 404);
    assertThat(get(url("/_/story/pages_news/99/thumb.jpg")).statusCode()).isEqualTo(404);
  }

  @Test
  void invitePagesShowTitleDescriptionPhotoAndCountAndInvalidHashesAre404() throws Exception {
    String hash = invite.inviteHash().orElseThrow();
    Document plus = page("/+" + hash, 200);
    assertThat(og(plus, "og:title")).isEqualTo("Invite <me>");
    assertThat(og(plus, "og:description")).isEqualTo("what we do");
    assertThat(plus.selectFirst(".tgme_page_extra").text()).isEqualTo("1 subscriber");
    assertThat(plus.selectFirst(".tgme_action_button_new").attr("href")).isEqualTo("tg://join?invite=" + hash);
    assertThat(bytes(og(plus, "og:image"))).isEqualTo(invitePhoto.largest().content().read(0,
        (int) invitePhoto.largest().content().size()));
    Document joinchat = page("/joinchat/" + hash, 200);
    assertThat(og(joinchat, "og:title")).isEqualTo("Invite <me>");
    assertThat(page("/%2B" + hash, 200).title()).isEqualTo(plus.title());

    Document group = page("/+plain_Hash-1", 200);
    assertThat(og(group, "og:description")).contains("Plain group");
    assertThat(group.selectFirst(".tgme_action_button_new").text()).isEqualTo("Join Group");
    assertThat(get(og(group, "og:image")).statusCode()).isEqualTo(200);

    assertThat(og(page("/+nope", 404), "og:description")).isNull();
    page("/joinchat/nope", 404);
    page("/joinchat", 404);
    page("/+" + hash + "/extra", 404);
    page("/+%3Cscript%3E", 404);
  }

  @Test
  void aLinkPreviewShowsItsSiteTitleAndServesItsDocumentAndPhoto() throws Exception {
    Document doc = page("/pages_news/" + preview.id(), 200);
    Element p = doc.selectFirst(".tgme_widget_message_link_preview");
    assertThat(p.attr("href")).isEqualTo("https://example.org/paper");
    assertThat(p.selectFirst(".link_preview_title").text()).isEqualTo("A paper");
    assertThat(p.selectFirst(".link_preview_site_name").text()).isEqualTo("Example");
    String file = p.selectFirst(".link_preview_document").attr("data-src");
    assertThat(file).isEqualTo(url("/_/webpage/pages_news/" + preview.id() + "/file/paper.pdf"));
    assertThat(bytes(file)).isEqualTo(paper.content().read(0, (int) paper.size()));
    assertThat(bytes(og(doc, "og:image"))).isEqualTo(paperPhoto.largest().content().read(0,
        (int) paperPhoto.largest().content().size()));
    assertThat(get(url("/_/webpage/pages_news/999/file/x.pdf")).statusCode()).isEqualTo(404);
  }

  @Test
  void aWorldRenameRedirectsPagesUnderTheOldName() throws Exception {
    HttpResponse<byte[]> r = get(url("/pages_old/" + renamedPost.id() + "?embed=1"));
    assertThat(r.statusCode()).isEqualTo(301);
    assertThat(r.headers().firstValue("Location")).hasValue(url("/pages_new/" + renamedPost.id() + "?embed=1"));
    assertThat(get(url("/s/pages_old")).headers().firstValue("Location")).hasValue(url("/s/pages_new"));
    assertThat(og(page("/pages_new/" + renamedPost.id(), 200), "og:description")).isEqualTo("kept");
    assertThat(renamed.username()).contains("pages_new");
  }

  @Test
  void privatePostLinksHaveNoPublicPage() throws Exception {
    page("/c/" + secret.id() + "/" + secretPost.id(), 404);
    page("/c/" + secret.id() + "/" + secretPost.id() + "?embed=1", 404);
    page("/c/" + secret.id() + "/1/" + secretPost.id(), 404);
  }
}
