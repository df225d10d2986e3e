package io.telefetch.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.link.LinkPreviewException.Reason;
import io.telefetch.testkit.web.TmeWebServer;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link LinkPreviews} end to end against testkit's t.me pages of a generated world. */
class LinkPreviewsTestkitTest {
  private static World world;
  private static TmeWebServer web;
  private static LinkPreviews previews;
  private static WorldMessage videoPost;
  private static WorldMessage textPost;
  private static List<WorldMessage> album;

  @BeforeAll
  static void start() {
    world = new World(Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC), 11);
    WorldChannel chan = world.channel("preview_demo").title("Preview demo").dc(2).create();
    videoPost = world.post(chan).text("A video").media(world.video("clip.mp4",
        FileContent.seeded(1, 100_000)).dc(2).duration(12).size(640, 360).create()).create();
    textPost = world.post(chan).text("just words").create();
    album = world.album(chan, "Album caption", world.photo().dc(2).seed(2).create(),
        world.video("a.mp4", FileContent.seeded(3, 1000)).dc(2).create(),
        world.photo().dc(2).seed(4).create());
    WorldChannel renamed = world.channel("fresh_name").title("Renamed channel").create();
    world.post(renamed).text("moved").create();
    web = TmeWebServer.start(world).rename("stale_name", "fresh_name");
    previews = LinkPreviews.builder().baseUrl(web.baseUrl()).build();
  }

  @AfterAll
  static void stop() {
    previews.close();
    web.close();
  }

  private static LinkPreview get(String link) {
    return previews.preview(link).orTimeout(10, TimeUnit.SECONDS).join();
  }

  private static Reason failure(String link) {
    CompletableFuture<LinkPreview> f = previews.preview(link).orTimeout(10, TimeUnit.SECONDS);
    Throwable t = f.handle((v, e) -> e).join();
    if (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    assertThat(t).isInstanceOf(LinkPreviewException.class);
    return ((LinkPreviewException) t).reason();
  }

  @Test
  void aVideoPost() {
    LinkPreview p = get("https://t.me/preview_demo/" + videoPost.id());
    assertThat(p.title()).isEqualTo("Preview demo");
    assertThat(p.description()).isEqualTo("A video");
    assertThat(p.videoUrl()).contains(web.baseUrl() + "/_/file/preview_demo/" + videoPost.id()
        + "/clip.mp4");
    assertThat(p.imageUrl()).isPresent();
    assertThat(p.author()).contains("Preview demo");
    assertThat(p.hasMedia()).isTrue();
    assertThat(p.albumSize()).isEqualTo(1);
  }

  @Test
  void anAlbumAndOneOfItsItems() {
    LinkPreview whole = get("https://t.me/preview_demo/" + album.get(1).id());
    assertThat(whole.albumSize()).isEqualTo(3);
    assertThat(whole.description()).isEqualTo("Album caption");
    LinkPreview single = get("https://t.me/preview_demo/" + album.get(1).id() + "?single");
    assertThat(single.albumSize()).isEqualTo(1);
    assertThat(single.hasMedia()).isTrue();
  }

  @Test
  void aTextPostHasNoMedia() {
    LinkPreview p = get("tg://resolve?domain=preview_demo&post=" + textPost.id());
    assertThat(p.hasMedia()).isFalse();
    assertThat(p.albumSize()).isZero();
    assertThat(p.description()).isEqualTo("just words");
  }

  @Test
  void aChannelByUsername() {
    LinkPreview p = get("https://t.me/preview_demo");
    assertThat(p.title()).isEqualTo("Preview demo");
    assertThat(p.hasMedia()).isFalse();
  }

  @Test
  void aRenamedChannelIsFollowed() {
    LinkPreview p = get("https://t.me/stale_name");
    assertThat(p.title()).isEqualTo("Renamed channel");
    assertThat(p.url()).endsWith("/fresh_name");
  }

  @Test
  void missingPostsAndChannelsAreNotFound() {
    assertThat(failure("https://t.me/preview_demo/999")).isEqualTo(Reason.NOT_FOUND);
    assertThat(failure("https://t.me/no_such_channel/1")).isEqualTo(Reason.NOT_FOUND);
    assertThat(failure("https://t.me/no_such_channel")).isEqualTo(Reason.NOT_FOUND);
  }
}
