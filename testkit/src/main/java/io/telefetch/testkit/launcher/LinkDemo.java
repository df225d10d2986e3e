package io.telefetch.testkit.launcher;

import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMedia;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.testkit.world.WorldPhoto;
import io.telefetch.testkit.world.WorldPhotoSize;
import io.telefetch.testkit.world.WorldStory;
import io.telefetch.testkit.world.WorldTopic;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.testkit.world.WorldWebPage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Seeds a world with one sample of every link kind a link resolver must handle, all readable by
 * one bot, and lists them with the media each resolves to (the launcher's {@code --links}).
 *
 * <p>What it creates (usernames are fixed, ids follow from the order):
 *
 * <ul>
 *   <li>{@code @telefetch_links} ("Telefetch links", formerly {@code @telefetch_old_links}), with a
 *       profile photo, a discussion group, posts: a document, an album (photo + video), a link
 *       preview carrying a PDF, and a video story;
 *   <li>its discussion group, where a user commented on the document post with a file;
 *   <li>the public forum {@code @telefetch_forum} with a topic holding a video;
 *   <li>a private channel "Telefetch private" the bot belongs to, with a document post;
 *   <li>a private channel "Telefetch invite" neither the bot nor the demo user belongs to, with a
 *       photo (its invite preview's photo);
 *   <li>the demo user {@link #USER_PHONE} (code {@link #USER_CODE}) for the kinds only users may
 *       resolve (stories, invite previews).
 * </ul>
 */
public final class LinkDemo {
  /** The links channel's username. */
  public static final String CHANNEL = "telefetch_links";
  /** The links channel's username before its rename. */
  public static final String OLD_CHANNEL = "telefetch_old_links";
  /** The forum's username. */
  public static final String FORUM = "telefetch_forum";

  /**
   * One sample: the kind, the path after {@code https://t.me} (with its query), whether t.me shows
   * a public page for it, whether only a user (not a bot) can resolve it, a note, and the media it
   * resolves to in order.
   */
  public record Sample(String kind, String path, boolean page, boolean usersOnly, String note, List<WorldMedia> media) {
    public Sample {
      media = List.copyOf(media);
    }
  }

  /** The demo user's phone number. */
  public static final String USER_PHONE = "+1 555 0142";
  /** The demo user's login code. */
  public static final String USER_CODE = "24680";

  private final List<Sample> samples = new ArrayList<>();
  private WorldUser user;

  private LinkDemo() {}

  /**
   * Seeds {@code world}: every file is stored on {@code dc}, {@code bot} joins the private channel.
   */
  public static LinkDemo seed(World world, WorldUser bot, int dc) {
    Objects.requireNonNull(world, "world");
    LinkDemo demo = new LinkDemo();
    WorldUser alice = world.user("Alice").username("telefetch_alice").dc(dc).create();
    demo.user = world.user("Demo").lastName("User").phone(USER_PHONE).loginCode(USER_CODE).dc(dc).create();

    WorldPhoto logo = world.photo().dc(dc).seed(101).create();
    WorldChannel group = world.privateChannel("Telefetch links chat").megagroup().dc(dc).create();
    WorldChannel links = world.channel(OLD_CHANNEL).title("Telefetch links").about("Sample links for every kind")
        .photo(logo).dc(dc).discussionGroup(group).create();
    links = world.rename(links, CHANNEL);

    WorldDocument notes = world.document("notes.pdf", FileContent.seeded(201, 300 * 1024)).mimeType("application/pdf")
        .dc(dc).create();
    WorldMessage post = world.post(links).text("A PDF").media(notes).create();
    WorldPhoto albumPhoto = world.photo().dc(dc).seed(102).create();
    WorldDocument albumVideo = world.video("album.mp4", FileContent.seeded(202, 700 * 1024)).dc(dc).duration(7)
        .create();
    List<WorldMessage> album = world.album(links, "An album", albumPhoto, albumVideo);
    WorldDocument paper = world.document("paper.pdf", FileContent.seeded(203, 200 * 1024))
        .mimeType("application/pdf").dc(dc).create();
    WorldWebPage page = world.webPage("https://example.org/paper.pdf").siteName("example.org").title("A paper")
        .description("A document behind a link").document(paper).create();
    WorldMessage preview = world.post(links).text("Read https://example.org/paper.pdf").webPage(page).create();
    WorldDocument answer = world.document("answer.txt", FileContent.seeded(204, 20 * 1024)).mimeType("text/plain")
        .dc(dc).create();
    WorldMessage copy = world.discussionCopy(post).orElseThrow();
    WorldMessage comment = world.post(group).from(alice).text("the answer").media(answer).replyTo(copy.id()).create();
    WorldDocument storyVideo = world.video("story.mp4", FileContent.seeded(205, 500 * 1024)).dc(dc).duration(5)
        .size(720, 1280).create();
    WorldStory story = world.story(links).media(storyVideo).caption("A story").create();

    WorldChannel forum = world.channel(FORUM).title("Telefetch forum").forum().dc(dc).create();
    WorldTopic topic = world.topic(forum, "Videos", alice);
    WorldDocument topicVideo = world.video("topic.mp4", FileContent.seeded(206, 600 * 1024)).dc(dc).duration(6)
        .create();
    WorldMessage inTopic = world.post(forum).from(alice).topic(topic).text("A video in a topic").media(topicVideo)
        .create();

    WorldChannel secret = world.privateChannel("Telefetch private").members(bot, alice, demo.user).dc(dc).create();
    WorldDocument secretFile = world.document("private.bin", FileContent.seeded(207, 400 * 1024)).dc(dc).create();
    WorldMessage secretPost = world.post(secret).text("members only").media(secretFile).create();

    WorldPhoto invitePhoto = world.photo().dc(dc).seed(103).create();
    WorldChannel invite = world.privateChannel("Telefetch invite").about("Join to see more").photo(invitePhoto)
        .members(alice).dc(dc).create();

    String c = "/" + CHANNEL + "/";
    demo.add("post", c + post.id(), true, "a post with a document: channels.getMessages", List.of(notes));
    demo.add("album", c + album.get(0).id(), true,
        "an album (grouped_id): every item in order", List.of(albumPhoto, albumVideo));
    demo.add("single", c + album.get(1).id() + "?single", true, "one album item alone", List.of(albumVideo));
    demo.add("comment", c + post.id() + "?comment=" + comment.id(), true,
        "a comment in the linked discussion group (a private megagroup readable through the channel)",
        List.of(answer));
    demo.add("topic", "/" + FORUM + "/" + topic.id() + "/" + inTopic.id(), true,
        "a message of a forum topic (reply_to with forum_topic)", List.of(topicVideo));
    demo.add("private_post", "/c/" + secret.id() + "/" + secretPost.id(), false,
        "a post of a private channel the bot belongs to (bots may send access_hash 0)", List.of(secretFile));
    demo.users("story", c + "s/" + story.id(), true,
        "a channel's video story: stories.getStoriesByID (users only: bots get BOT_METHOD_INVALID)",
        List.of(storyVideo));
    demo.users("invite", "/+" + invite.inviteHash().orElseThrow(), true,
        "an invite preview (messages.checkChatInvite: chatInvite) and its photo (users only: bots get "
            + "BOT_METHOD_INVALID)", List.of(invitePhoto));
    demo.add("username", "/" + CHANNEL, true, "a channel alone: its profile photo (inputPeerPhotoFileLocation big)",
        List.of(logo));
    demo.add("webpage_document", c + preview.id(), true, "a link preview (messageMediaWebPage) carrying a document",
        List.of(paper));
    demo.add("renamed", "/" + OLD_CHANNEL + "/" + post.id(), true,
        "the post under the channel's former username: t.me answers 301 to @" + CHANNEL
            + ", contacts.resolveUsername answers USERNAME_NOT_OCCUPIED",
        List.of(notes));
    return demo;
  }

  private void add(String kind, String path, boolean page, String note, List<WorldMedia> media) {
    samples.add(new Sample(kind, path, page, false, note, media));
  }

  private void users(String kind, String path, boolean page, String note, List<WorldMedia> media) {
    samples.add(new Sample(kind, path, page, true, note, media));
  }

  /**
   * The demo user ({@link #USER_PHONE}, code {@link #USER_CODE}): a member of the private channel,
   * not of the invite's, so it can resolve every sample, including those only users may.
   */
  public WorldUser user() {
    return user;
  }

  /** The samples, one per kind. */
  public List<Sample> samples() {
    return List.copyOf(samples);
  }

  /** The sample of {@code kind}. */
  public Sample sample(String kind) {
    return samples.stream().filter(s -> s.kind().equals(kind)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no sample " + kind));
  }

  /** The bytes a download of {@code media} must produce: a document's content, a photo's largest size. */
  public static FileContent content(WorldMedia media) {
    return media instanceof WorldDocument d ? d.content() : ((WorldPhoto) media).largest().content();
  }

  /** The samples as the launcher's JSON lists them ({@code web_base_url} replaces {@code https://t.me} in {@code url}). */
  List<LaunchConfig.Link> toConfig(String webBaseUrl) {
    List<LaunchConfig.Link> out = new ArrayList<>();
    for (Sample s : samples) {
      List<LaunchConfig.Media> media = new ArrayList<>();
      for (WorldMedia m : s.media()) {
        if (m instanceof WorldDocument d) {
          media.add(new LaunchConfig.Media(d.fileName().orElse("file"), d.size(), d.content().sha256Hex(), d.dc(),
              d.mimeType()));
        } else {
          WorldPhoto p = (WorldPhoto) m;
          WorldPhotoSize size = p.largest();
          media.add(new LaunchConfig.Media("photo_" + p.id() + "_" + size.type() + ".jpg", size.content().size(),
              size.content().sha256Hex(), p.dc(), "image/jpeg"));
        }
      }
      out.add(new LaunchConfig.Link(s.kind(), "https://t.me" + s.path(), s.page() ? webBaseUrl + s.path() : null,
          s.usersOnly() ? "user" : "bot", s.note(), media));
    }
    return out;
  }
}
