package io.telefetch.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.link.LinkResolveException.Reason;
import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.media.Progress;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.launcher.DemoCluster;
import io.telefetch.testkit.launcher.FileSpec;
import io.telefetch.testkit.launcher.LaunchConfig;
import io.telefetch.testkit.launcher.LinkDemo;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LinkResolver} end to end against testkit's {@code --links} world: every media-bearing kind
 * resolves, from the link alone, to files that download byte-exact (the SHA-256 the launcher's JSON
 * lists) into a directory under their own names; the typed errors; the cache; and a file
 * reference that expires in the middle of a download and is refreshed through the resolver.
 */
class LinkResolverTestkitTest {
  private static DemoCluster demo;
  private static LaunchConfig config;
  private static TelegramClient bot;
  private static TelegramClient user;
  private static LinkResolver botLinks;
  private static LinkResolver userLinks;
  private static MediaFetcher botFetcher;
  private static MediaFetcher userFetcher;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    demo = DemoCluster.builder().dcs(2).file(FileSpec.parse("a.bin:1000")).links(true).build().start();
    config = LaunchConfig.parse(demo.config().toJson());
    bot = config.clientOptions().callTimeout(Duration.ofSeconds(30)).build();
    await(bot.login(Login.botToken(config.botToken())));
    user = config.clientOptions().callTimeout(Duration.ofSeconds(30)).build();
    LaunchConfig.DemoUser u = config.demoUser();
    await(user.login(Login.user(u.phone(), new Login.UserAuthenticator() {
      @Override
      public CompletableFuture<String> code(Login.CodeRequest request) {
        return CompletableFuture.completedFuture(u.loginCode());
      }

      @Override
      public CompletableFuture<String> password(Login.PasswordRequest request) {
        return CompletableFuture.failedFuture(new IllegalStateException("no 2FA password"));
      }
    })));
    botLinks = LinkResolver.create(bot);
    userLinks = LinkResolver.create(user);
    botFetcher = MediaFetcher.create(bot);
    userFetcher = MediaFetcher.create(user);
  }

  @AfterAll
  static void stop() {
    if (bot != null) {
      bot.close();
    }
    if (user != null) {
      user.close();
    }
    if (demo != null) {
      demo.close();
    }
  }

  static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      while (c instanceof CompletionException && c.getCause() != null) {
        c = c.getCause();
      }
      throw c instanceof RuntimeException r ? r : new CompletionException(c);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static LinkResolveException failure(CompletableFuture<?> f) {
    try {
      await(f);
    } catch (LinkResolveException e) {
      return e;
    }
    throw new AssertionError("resolved: " + f.join());
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static LaunchConfig.Link sample(String kind) {
    return config.link(kind).orElseThrow();
  }

  /** Resolves the sample of {@code kind}, downloads every file into {@link #dir}, checks names and bytes. */
  private ResolvedLink downloadsByteExact(String kind, LinkResolver links, MediaFetcher fetcher, boolean names)
      throws Exception {
    LaunchConfig.Link sample = sample(kind);
    ResolvedLink r = await(links.resolve(sample.link()));
    assertThat(r.media()).as(kind).hasSize(sample.media().size());
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < r.media().size(); i++) {
      Path written = await(fetcher.download(r.media().get(i)).toPath(dir));
      assertThat(written.getParent()).isEqualTo(dir);
      if (names) {
        assertThat(written.getFileName().toString()).as(kind).isEqualTo(sample.media().get(i).fileName());
      }
      hashes.add(sha256(written));
    }
    assertThat(hashes).as(kind).containsExactlyElementsOf(sample.media().stream().map(LaunchConfig.Media::sha256).toList());
    return r;
  }

  @Test
  void post() throws Exception {
    ResolvedLink r = downloadsByteExact("post", botLinks, botFetcher, true);
    assertThat(r.kind()).isEqualTo(TelegramLink.Kind.POST);
    assertThat(r.peer().orElseThrow().username()).isEqualTo(LinkDemo.CHANNEL);
    assertThat(r.messageIds()).hasSize(1);
  }

  @Test
  void albumInOrderAndSingle() throws Exception {
    ResolvedLink album = downloadsByteExact("album", botLinks, botFetcher, true);
    assertThat(album.messageIds()).hasSize(2).isSorted();
    ResolvedLink single = downloadsByteExact("single", botLinks, botFetcher, true);
    assertThat(single.messageIds()).containsExactly(album.messageIds().get(1));
    // the second item's link without ?single is the whole album again
    String whole = sample("single").link().replace("?single", "");
    assertThat(await(botLinks.resolve(whole)).messageIds()).isEqualTo(album.messageIds());
  }

  @Test
  void commentInTheDiscussionGroup() throws Exception {
    ResolvedLink r = downloadsByteExact("comment", botLinks, botFetcher, true);
    Peer group = r.peer().orElseThrow();
    assertThat(group.isChannel()).isTrue();
    assertThat(group.username()).isNull();
    assertThat(group.title()).isEqualTo("Telefetch links chat");
  }

  @Test
  void topicMessage() throws Exception {
    ResolvedLink r = downloadsByteExact("topic", botLinks, botFetcher, true);
    assertThat(((TelegramLink.Post) r.link()).options().thread()).isPresent();
    assertThat(r.peer().orElseThrow().username()).isEqualTo(LinkDemo.FORUM);
  }

  @Test
  void privatePostForABotThroughAccessHashZeroAndForAUserThroughItsDialogs() throws Exception {
    ResolvedLink b = downloadsByteExact("private_post", botLinks, botFetcher, true);
    assertThat(b.kind()).isEqualTo(TelegramLink.Kind.PRIVATE_POST);
    assertThat(b.peer().orElseThrow().title()).isEqualTo("Telefetch private");
    long dialogsBefore = count("messages.getDialogs");
    LinkResolver fresh = LinkResolver.create(user);
    ResolvedLink u = await(fresh.resolve(sample("private_post").link()));
    assertThat(count("messages.getDialogs")).isGreaterThan(dialogsBefore);
    assertThat(u.peer().orElseThrow().accessHash()).isNotZero();
    Path written = await(userFetcher.download(u.media().get(0)).toPath(dir));
    assertThat(sha256(written)).isEqualTo(sample("private_post").media().get(0).sha256());
  }

  @Test
  void storyAndInvitePreviewForAUser() throws Exception {
    ResolvedLink story = downloadsByteExact("story", userLinks, userFetcher, true);
    assertThat(story.storyId()).isPresent();
    assertThat(story.messageIds()).isEmpty();
    ResolvedLink invite = downloadsByteExact("invite", userLinks, userFetcher, true);
    InvitePreview preview = invite.invite().orElseThrow();
    assertThat(preview.title()).isEqualTo("Telefetch invite");
    assertThat(preview.about()).isEqualTo("Join to see more");
    assertThat(preview.member()).isFalse();
    assertThat(invite.peer()).isEmpty();
    assertThat(invite.toString()).doesNotContain(((TelegramLink.Invite) invite.link()).hash());
  }

  @Test
  void anInviteToAChatTheUserIsInNamesTheChat() {
    WorldChannel secret = demo.cluster().world().channels().stream().filter(c -> c.title().equals("Telefetch private"))
        .findFirst().orElseThrow();
    LinkResolver fresh = LinkResolver.create(user);
    ResolvedLink r = await(fresh.resolve("https://t.me/+" + secret.inviteHash().orElseThrow()));
    InvitePreview preview = r.invite().orElseThrow();
    assertThat(preview.member()).isTrue();
    assertThat(r.peer().orElseThrow().id()).isEqualTo(secret.id());
    assertThat(preview.title()).isEqualTo("Telefetch private");
    assertThat(r.media()).isEmpty(); // the channel has no photo
    // the chat is now a known peer: its /c/ link resolves without reading the dialogs again
    long dialogs = count("messages.getDialogs");
    assertThat(await(fresh.resolve(sample("private_post").link())).media()).hasSize(1);
    assertThat(count("messages.getDialogs")).isEqualTo(dialogs);
  }

  @Test
  void storyAndInviteNeedAUserAccount() {
    assertThat(failure(botLinks.resolve(sample("story").link())).reason()).isEqualTo(Reason.USER_ACCOUNT_REQUIRED);
    LinkResolveException e = failure(botLinks.resolve(sample("invite").link()));
    assertThat(e.reason()).isEqualTo(Reason.USER_ACCOUNT_REQUIRED);
    assertThat(e.getMessage()).doesNotContain(((TelegramLink.Invite) TelegramLink.parse(sample("invite").link())).hash());
  }

  @Test
  void usernameAloneIsThePeerAndItsProfilePhoto() throws Exception {
    ResolvedLink r = downloadsByteExact("username", botLinks, botFetcher, false);
    assertThat(r.kind()).isEqualTo(TelegramLink.Kind.USERNAME);
    assertThat(r.peer().orElseThrow().title()).isEqualTo("Telefetch links");
    assertThat(r.messageIds()).isEmpty();
    assertThat(r.media().get(0).size()).isEqualTo(-1);
  }

  @Test
  void webPageDocument() throws Exception {
    downloadsByteExact("webpage_document", botLinks, botFetcher, true);
  }

  @Test
  void typedErrors() {
    World world = demo.cluster().world();
    WorldChannel links = world.channelByUsername(LinkDemo.CHANNEL).orElseThrow();
    WorldMessage text = world.post(links).text("just words").create();
    String base = "https://t.me/" + LinkDemo.CHANNEL + "/";

    LinkResolveException noMedia = failure(botLinks.resolve(base + text.id()));
    assertThat(noMedia.reason()).isEqualTo(Reason.NO_MEDIA);
    assertThat(noMedia.getMessage()).contains("@" + LinkDemo.CHANNEL).contains(String.valueOf(text.id()));
    LinkResolveException missing = failure(botLinks.resolve(base + 999_999));
    assertThat(missing.reason()).isEqualTo(Reason.MESSAGE_NOT_FOUND);
    assertThat(missing.getMessage()).contains("@" + LinkDemo.CHANNEL).contains("999999");

    assertThat(failure(botLinks.resolve(sample("renamed").link())).reason()).isEqualTo(Reason.USERNAME_NOT_FOUND);
    assertThat(failure(botLinks.resolve("https://t.me/nobody_has_this_name/1")).reason())
        .isEqualTo(Reason.USERNAME_NOT_FOUND);
    assertThat(failure(userLinks.resolve("https://t.me/" + LinkDemo.CHANNEL + "/s/9999")).reason())
        .isEqualTo(Reason.STORY_NOT_FOUND);
    assertThat(failure(userLinks.resolve("https://t.me/+AAAAAAAAAAAAAAAAAAAAAA")).reason())
        .isEqualTo(Reason.INVITE_INVALID);
    assertThat(failure(botLinks.resolve("https://t.me/addstickers/Animals")).reason()).isEqualTo(Reason.UNSUPPORTED);
    // the post without comments
    WorldMessage lonely = world.post(world.channelByUsername(LinkDemo.FORUM).orElseThrow()).text("x").create();
    assertThat(failure(botLinks.resolve("https://t.me/" + LinkDemo.FORUM + "/" + lonely.id() + "?comment=1"))
        .reason()).isEqualTo(Reason.NO_DISCUSSION);
    // /c/ of a channel neither account belongs to
    WorldChannel invite = world.channels().stream().filter(c -> c.title().equals("Telefetch invite")).findFirst()
        .orElseThrow();
    for (LinkResolver links2 : List.of(botLinks, userLinks)) {
      LinkResolveException e = failure(links2.resolve("https://t.me/c/" + invite.id() + "/1"));
      assertThat(e.reason()).isEqualTo(Reason.NOT_A_MEMBER);
      assertThat(e.getMessage()).contains(String.valueOf(invite.id()));
    }
    Throwable parse = catchFailure(botLinks.resolve("https://t.me.evil.com/x/1"));
    assertThat(parse).isInstanceOf(LinkParseException.class);
  }

  private static Throwable catchFailure(CompletableFuture<?> f) {
    try {
      await(f);
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("no failure");
  }

  @Test
  void aSecondResolveComesFromTheCacheUntilItsTtlPasses() {
    AtomicLong nanos = new AtomicLong();
    LinkResolver links = LinkResolver.builder(bot)
        .cache(InMemoryMetadataCache.builder().ticker(nanos::get).build())
        .linkTtl(Duration.ofMinutes(1)).peerTtl(Duration.ofMinutes(10)).build();
    String link = sample("album").link();
    long resolves = count("contacts.resolveUsername");
    long gets = count("channels.getMessages");
    ResolvedLink first = await(links.resolve(link));
    assertThat(first.fromCache()).isFalse();
    assertThat(count("contacts.resolveUsername")).isEqualTo(resolves + 1);
    long afterFirst = count("channels.getMessages");
    assertThat(afterFirst).isGreaterThan(gets);

    nanos.addAndGet(Duration.ofSeconds(59).toNanos());
    ResolvedLink second = await(links.resolve(link));
    assertThat(second.fromCache()).isTrue();
    assertThat(second.metadata()).isEqualTo(first.metadata());
    assertThat(count("channels.getMessages")).isEqualTo(afterFirst);

    nanos.addAndGet(Duration.ofSeconds(2).toNanos()); // the link expired, the username (10 min) did not
    ResolvedLink third = await(links.resolve(link));
    assertThat(third.fromCache()).isFalse();
    assertThat(count("channels.getMessages")).isGreaterThan(afterFirst);
    assertThat(count("contacts.resolveUsername")).isEqualTo(resolves + 1);

    nanos.addAndGet(Duration.ofMinutes(10).toNanos());
    await(links.resolve(link));
    assertThat(count("contacts.resolveUsername")).isEqualTo(resolves + 2);
  }

  @Test
  void aReferenceExpiringMidDownloadIsRefreshedThroughTheResolver() throws Exception {
    World world = demo.cluster().world();
    WorldChannel channel = world.channel("telefetch_refresh").title("Refresh").dc(2).create();
    FileContent content = FileContent.seeded(77, 3 * 1024 * 1024 + 123);
    WorldDocument doc = world.document("refresh.bin", content).dc(2).create();
    WorldMessage post = world.post(channel).media(doc).create();
    LinkResolver links = LinkResolver.create(bot);
    ResolvedLink r = await(links.resolve("https://t.me/telefetch_refresh/" + post.id()));
    long refetches = count("channels.getMessages");
    AtomicBoolean expired = new AtomicBoolean();
    MediaFetcher fetcher = MediaFetcher.create(bot, FetchOptions.defaults().newBuilder().partSize(128 * 1024)
        .window(1, 2).build());
    Path out = await(fetcher.download(r.media().get(0)).withProgress((Progress p) -> {
      if (p.bytesDone() > 0 && expired.compareAndSet(false, true)) {
        world.expireFileReferences();
      }
    }).toPath(dir));
    assertThat(expired).isTrue();
    assertThat(out.getFileName().toString()).isEqualTo("refresh.bin");
    assertThat(sha256(out)).isEqualTo(content.sha256Hex());
    assertThat(count("channels.getMessages")).as("the message was fetched again for a fresh reference")
        .isGreaterThan(refetches);
  }

  private static long count(String method) {
    return demo.cluster().dcs().stream().mapToLong((DcServer d) -> d.recorder().count(method)).sum();
  }
}
