package io.telefetch.link;

import static io.telefetch.link.LinkResolverTestkitTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.telefetch.link.LinkResolveException.Reason;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldPhoto;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageEmpty;
import io.telefetch.tl.api.MessageType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The convenience that replaces hand-written TL plumbing: {@link TestCluster#clientOptions()},
 * {@link LinkResolver#resolveUsername}, {@link LinkResolver#messages}, {@link
 * LinkResolver#mediaFile}, and phone links.
 */
class LinkResolverConvenienceTest {
  private static TestCluster cluster;
  private static TelegramClient client;
  private static LinkResolver links;
  private static WorldDocument doc;
  private static WorldPhoto photo;
  private static WorldUser carol;
  private static int docPost;
  private static int photoPost;
  private static int textPost;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(2).build().start();
    World world = cluster.world();
    WorldUser bot = world.bot("convenience_bot").dc(1).create();
    carol = world.user("Carol").phone("+1 555 0199").loginCode("11111").dc(2).create();
    WorldChannel channel = world.channel("convenience_demo").title("Convenience").dc(2).create();
    doc = world.document("report 2026/../q1.pdf", FileContent.seeded(5, 200_000)).mimeType("application/pdf").dc(2)
        .create();
    photo = world.photo().dc(2).seed(6).create();
    docPost = world.post(channel).text("a report").media(doc).create().id();
    photoPost = world.post(channel).text("a photo").media(photo).create().id();
    textPost = world.post(channel).text("words only").create().id();
    client = cluster.clientOptions().build();
    await(client.login(Login.botToken(bot.botToken().orElseThrow())));
    links = LinkResolver.create(client);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static long count(String method) {
    return cluster.dcs().stream().mapToLong((DcServer d) -> d.recorder().count(method)).sum();
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  @Test
  void aUsernameResolvesOnceWhateverItsCaseAndPrefix() {
    LinkResolver fresh = LinkResolver.create(client);
    long before = count("contacts.resolveUsername");
    Peer peer = await(fresh.resolveUsername("@Convenience_Demo"));
    assertThat(peer.type()).isEqualTo(Peer.Type.CHANNEL);
    assertThat(peer.title()).isEqualTo("Convenience");
    assertThat(peer.accessHash()).isNotZero();
    assertThat(await(fresh.resolveUsername("CONVENIENCE_DEMO"))).isEqualTo(peer);
    assertThat(await(fresh.resolve("https://t.me/CONVENIENCE_demo/" + docPost)).peer()).contains(peer);
    assertThat(count("contacts.resolveUsername")).isEqualTo(before + 1);
  }

  @Test
  void aStaleCachedAccessHashIsForgottenAfterTheFailureItCauses() {
    InMemoryMetadataCache cache = InMemoryMetadataCache.builder().build();
    LinkResolver fresh = LinkResolver.builder(client).cache(cache).build();
    Peer good = await(fresh.resolveUsername("convenience_demo"));
    Peer stale = new Peer(good.type(), good.id(), good.accessHash() + 1, good.username(), good.title(), 0, 0);
    cache.putPeer("username:convenience_demo", stale, java.time.Duration.ofHours(1));
    String link = "https://t.me/convenience_demo/" + docPost;
    LinkResolveException e = catchThrowableOfType(LinkResolveException.class, () -> await(fresh.resolve(link)));
    assertThat(e.reason()).isEqualTo(Reason.NOT_A_MEMBER);
    assertThat(cache.peer("username:convenience_demo")).isEmpty();
    assertThat(await(fresh.resolve(link)).peer()).contains(good);
  }

  @Test
  void messagesByIdInTheOrderAskedWithEmptyForMissingOnes() {
    Peer peer = await(links.resolveUsername("convenience_demo"));
    List<MessageType> m = await(links.messages(peer, textPost, docPost, 999));
    assertThat(m).hasSize(3);
    assertThat(((Message) m.get(0)).id()).isEqualTo(textPost);
    assertThat(((Message) m.get(1)).id()).isEqualTo(docPost);
    assertThat(m.get(2)).isInstanceOf(MessageEmpty.class);
  }

  @Test
  void aMediaFileFromAMessageDownloadsUnderItsSanitisedName() throws Exception {
    Peer peer = await(links.resolveUsername("convenience_demo"));
    MediaFetcher fetcher = MediaFetcher.create(client);
    MediaFile file = await(links.mediaFile(peer, docPost));
    Path written = await(fetcher.download(file).toPath(dir));
    assertThat(written).isEqualTo(dir.resolve("q1.pdf"));
    assertThat(sha256(written)).isEqualTo(doc.content().sha256Hex());

    MediaFile largest = await(links.mediaFile(peer, photoPost));
    assertThat(largest.size()).isEqualTo(photo.largest().content().size());
    Path photoFile = await(fetcher.download(largest).toPath(dir));
    assertThat(photoFile.getFileName().toString()).isEqualTo("photo_" + photo.id() + "_" + photo.largest().type() + ".jpg");
    assertThat(sha256(photoFile)).isEqualTo(photo.largest().content().sha256Hex());

    LinkResolveException none = catchThrowableOfType(LinkResolveException.class,
        () -> await(links.mediaFile(peer, textPost)));
    assertThat(none.reason()).isEqualTo(Reason.NO_MEDIA);
    LinkResolveException missing = catchThrowableOfType(LinkResolveException.class,
        () -> await(links.mediaFile(peer, 12345)));
    assertThat(missing.reason()).isEqualTo(Reason.MESSAGE_NOT_FOUND);
  }

  @Test
  void aPhoneLinkResolvesToTheUser() {
    ResolvedLink r = await(links.resolve("https://t.me/+15550199"));
    assertThat(r.kind()).isEqualTo(TelegramLink.Kind.PHONE);
    Peer peer = r.peer().orElseThrow();
    assertThat(peer.type()).isEqualTo(Peer.Type.USER);
    assertThat(peer.id()).isEqualTo(carol.id());
    assertThat(r.media()).isEmpty();
    LinkResolveException e = catchThrowableOfType(LinkResolveException.class,
        () -> await(links.resolve("https://t.me/+15550000")));
    assertThat(e.reason()).isEqualTo(Reason.PHONE_NOT_FOUND);
    assertThat(e.getMessage()).doesNotContain("15550000");
  }
}
