package io.telefetch.testkit.world;

import static io.telefetch.testkit.world.Clients.MIB;
import static io.telefetch.testkit.world.Clients.call;
import static io.telefetch.testkit.world.Clients.error;
import static io.telefetch.testkit.world.Clients.part;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.Document;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InputMessageID;
import io.telefetch.tl.api.InputPeerChannel;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageMediaDocument;
import io.telefetch.tl.api.MessageType;
import io.telefetch.tl.api.channels.GetMessages;
import io.telefetch.tl.api.messages.ChannelMessages;
import io.telefetch.tl.api.messages.GetHistory;
import io.telefetch.tl.api.upload.GetFile;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** File references expire on the configured schedule and a fresh message fetch renews them. */
class FileReferenceTest {
  private static TestCluster cluster;
  private static Clients clients;
  private static World world;
  private static WorldChannel channel;
  private static WorldMessage post;
  private static MtprotoConnection c;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(1).build().start();
    clients = new Clients(cluster);
    world = cluster.world();
    WorldUser bot = world.bot("refs_bot").create();
    channel = world.channel("refs_channel").create();
    WorldDocument doc = world.document("data.bin", FileContent.seeded(11, 2 * MIB)).create();
    post = world.post(channel).text("a file").media(doc).create();
    c = clients.loginBot(bot);
  }

  @AfterAll
  static void stop() {
    clients.close();
    cluster.close();
  }

  @AfterEach
  void reset() {
    world.fileReferencePolicy(FileReferencePolicy.never());
  }

  /** The document location as channels.getMessages returns it now. */
  private static InputDocumentFileLocation fetchLocation() {
    ChannelMessages m = (ChannelMessages) call(c, new GetMessages(
        new InputChannel(channel.id(), channel.accessHash()), List.of(new InputMessageID(post.id()))));
    return locationOf(m.messages().get(0));
  }

  private static InputDocumentFileLocation locationOf(MessageType message) {
    Document d = (Document) ((MessageMediaDocument) ((Message) message).media()).document();
    return new InputDocumentFileLocation(d.id(), d.accessHash(), d.fileReference(), "");
  }

  private static RpcException getFileError(InputDocumentFileLocation loc) {
    return error(c, new GetFile(false, false, loc, 0, MIB));
  }

  @Test
  void afterNUsesTheReferenceExpiresUntilTheMessageIsFetchedAgain() {
    world.fileReferencePolicy(FileReferencePolicy.afterUses(2));
    InputDocumentFileLocation loc = fetchLocation();
    assertThat(part(c, loc, 0, MIB)).hasSize(MIB);
    assertThat(part(c, loc, MIB, MIB)).hasSize(MIB);
    RpcException e = getFileError(loc);
    assertThat(e.code()).isEqualTo(400);
    assertThat(e.errorMessage()).isEqualTo("FILE_REFERENCE_EXPIRED");
    assertThat(getFileError(loc).errorMessage()).isEqualTo("FILE_REFERENCE_EXPIRED");

    InputDocumentFileLocation fresh = fetchLocation();
    assertThat(fresh.fileReference()).isNotEqualTo(loc.fileReference());
    assertThat(part(c, fresh, 0, MIB)).isEqualTo(post.document().orElseThrow().content().read(0, MIB));
    assertThat(getFileError(loc).errorMessage()).isEqualTo("FILE_REFERENCE_EXPIRED");
  }

  @Test
  void afterATimeTheReferenceExpiresAndHistoryRenewsIt() throws InterruptedException {
    world.fileReferencePolicy(FileReferencePolicy.after(Duration.ofMillis(300)));
    InputDocumentFileLocation loc = fetchLocation();
    assertThat(part(c, loc, 0, 4096)).hasSize(4096);
    Thread.sleep(400);
    assertThat(getFileError(loc).errorMessage()).isEqualTo("FILE_REFERENCE_EXPIRED");
    ChannelMessages history = (ChannelMessages) call(c,
        new GetHistory(new InputPeerChannel(channel.id(), channel.accessHash()), 0, 0, 0, 10, 0, 0, 0));
    InputDocumentFileLocation fresh = locationOf(history.messages().get(0));
    assertThat(part(c, fresh, 0, 4096)).hasSize(4096);
  }

  @Test
  void expiringEveryReferenceAtOnce() {
    InputDocumentFileLocation loc = fetchLocation();
    assertThat(part(c, loc, 0, 4096)).hasSize(4096);
    world.expireFileReferences();
    assertThat(getFileError(loc).errorMessage()).isEqualTo("FILE_REFERENCE_EXPIRED");
    assertThat(part(c, fetchLocation(), 0, 4096)).hasSize(4096);
  }

  @Test
  void aReferenceOfAnotherFileIsInvalid() {
    WorldDocument other = world.document("other.bin", FileContent.seeded(12, 4096)).create();
    InputDocumentFileLocation loc = fetchLocation();
    InputDocumentFileLocation mixed = new InputDocumentFileLocation(loc.id(), loc.accessHash(),
        TlBytes.wrap(world.fileReference(other)), "");
    assertThat(getFileError(mixed).errorMessage()).isEqualTo("FILE_REFERENCE_INVALID");
  }
}
