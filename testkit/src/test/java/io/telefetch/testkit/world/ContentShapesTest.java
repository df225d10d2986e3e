package io.telefetch.testkit.world;

import static io.telefetch.testkit.world.Clients.call;
import static io.telefetch.testkit.world.Clients.errorMessage;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.testkit.TestCluster;
import io.telefetch.tl.api.Channel;
import io.telefetch.tl.api.ChatInviteAlready;
import io.telefetch.tl.api.CodeSettings;
import io.telefetch.tl.api.Document;
import io.telefetch.tl.api.DocumentAttributeFilename;
import io.telefetch.tl.api.DocumentAttributeVideo;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.InputMessageID;
import io.telefetch.tl.api.InputPeerChannel;
import io.telefetch.tl.api.InputUser;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageEmpty;
import io.telefetch.tl.api.MessageMediaDocument;
import io.telefetch.tl.api.MessageMediaPhoto;
import io.telefetch.tl.api.MessageReplies;
import io.telefetch.tl.api.MessageReplyHeader;
import io.telefetch.tl.api.MessageFwdHeader;
import io.telefetch.tl.api.PeerChannel;
import io.telefetch.tl.api.PeerUser;
import io.telefetch.tl.api.Photo;
import io.telefetch.tl.api.PhotoSize;
import io.telefetch.tl.api.User;
import io.telefetch.tl.api.UserType;
import io.telefetch.tl.api.auth.SendCode;
import io.telefetch.tl.api.auth.SentCode;
import io.telefetch.tl.api.auth.SignIn;
import io.telefetch.tl.api.channels.GetChannels;
import io.telefetch.tl.api.channels.GetMessages;
import io.telefetch.tl.api.contacts.ResolveUsername;
import io.telefetch.tl.api.contacts.ResolvedPeer;
import io.telefetch.tl.api.help.GetAppConfig;
import io.telefetch.tl.api.messages.ChannelMessages;
import io.telefetch.tl.api.messages.Chats;
import io.telefetch.tl.api.messages.CheckChatInvite;
import io.telefetch.tl.api.messages.DiscussionMessage;
import io.telefetch.tl.api.messages.GetDiscussionMessage;
import io.telefetch.tl.api.messages.GetHistory;
import io.telefetch.tl.api.messages.GetReplies;
import io.telefetch.tl.api.messages.Messages;
import io.telefetch.tl.api.updates.DifferenceEmpty;
import io.telefetch.tl.api.updates.GetDifference;
import io.telefetch.tl.api.updates.GetState;
import io.telefetch.tl.api.updates.State;
import io.telefetch.tl.api.users.GetUsers;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shapes of what link resolution reads: usernames, channels, messages, albums, comments, invites. */
class ContentShapesTest {
  private static TestCluster cluster;
  private static Clients clients;
  private static World world;
  private static WorldUser alice;
  private static WorldChannel demo;
  private static WorldChannel chat;
  private static WorldChannel secret;
  private static WorldMessage textPost;
  private static WorldMessage videoPost;
  private static List<WorldMessage> album;
  private static WorldMessage pdfPost;
  private static WorldMessage comment1;
  private static WorldMessage comment2;
  private static WorldDocument video;
  private static MtprotoConnection bot;
  private static MtprotoConnection aliceConn;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(2).build().start();
    clients = new Clients(cluster);
    world = cluster.world();
    WorldUser b = world.bot("shapes_bot").create();
    alice = world.user("Alice").lastName("Liddell").username("alice_shapes").phone("+44 1234").create();
    chat = world.privateChannel("Demo chat").megagroup().create();
    demo = world.channel("shapes_demo").title("Shapes demo").dc(2).discussionGroup(chat).create();
    secret = world.privateChannel("Secret").members(alice).create();
    textPost = world.post(demo).text("hello").views(42).create();
    video = world.video("clip.mp4", FileContent.seeded(1, 5_000_000)).dc(2).duration(12.5).size(640, 360)
        .thumb(WorldPhotoSize.jpeg("m", 320, 180, 1)).create();
    videoPost = world.post(demo).text("a video").media(video).create();
    album = world.album(demo, "two photos", world.photo().dc(2).seed(1).create(), world.photo().dc(2).seed(2).create());
    pdfPost = world.post(demo).media(world.document("paper.pdf", FileContent.of(new byte[] {'%', 'P', 'D', 'F'}))
        .mimeType("application/pdf").create()).create();
    comment1 = world.comment(videoPost, alice, "nice");
    comment2 = world.comment(videoPost, alice, "very nice");
    world.post(secret).text("secret post").create();
    bot = clients.loginBot(b);
    aliceConn = clients.connect(cluster.dc(1));
    SentCode sent = (SentCode) call(aliceConn, new SendCode("+44 1234", 1, "h", CodeSettings.builder().build()));
    call(aliceConn, new SignIn("441234", sent.phoneCodeHash(), World.DEFAULT_LOGIN_CODE, null));
  }

  @AfterAll
  static void stop() {
    clients.close();
    cluster.close();
  }

  private static InputPeerChannel peer(WorldChannel c) {
    return new InputPeerChannel(c.id(), c.accessHash());
  }

  @Test
  void resolvesUsernamesOfChannelsAndUsers() {
    ResolvedPeer r = (ResolvedPeer) call(bot, new ResolveUsername("@Shapes_Demo", null));
    assertThat(r.peer()).isEqualTo(new PeerChannel(demo.id()));
    Channel c = (Channel) r.chats().get(0);
    assertThat(c.id()).isEqualTo(demo.id());
    assertThat(c.accessHash()).isEqualTo(demo.accessHash());
    assertThat(c.title()).isEqualTo("Shapes demo");
    assertThat(c.username()).isEqualTo("shapes_demo");
    assertThat(c.broadcast()).isTrue();
    assertThat(c.megagroup()).isFalse();
    assertThat(c.hasLink()).isTrue();

    ResolvedPeer u = (ResolvedPeer) call(bot, new ResolveUsername("alice_shapes", null));
    assertThat(u.peer()).isEqualTo(new PeerUser(alice.id()));
    User user = (User) u.users().get(0);
    assertThat(user.firstName()).isEqualTo("Alice");
    assertThat(user.lastName()).isEqualTo("Liddell");
    assertThat(user.phone()).isNull();
    assertThat(user.self()).isFalse();

    assertThat(errorMessage(bot, new ResolveUsername("nobody_here", null))).isEqualTo("USERNAME_NOT_OCCUPIED");
    assertThat(errorMessage(bot, new ResolveUsername("a!", null))).isEqualTo("USERNAME_INVALID");
  }

  @Test
  void getChannelsAndGetUsers() {
    Chats chats = (Chats) call(bot, new GetChannels(List.of(new InputChannel(demo.id(), demo.accessHash()))));
    assertThat(((Channel) chats.chats().get(0)).title()).isEqualTo("Shapes demo");
    assertThat(errorMessage(bot, new GetChannels(List.of(new InputChannel(demo.id(), 1)))))
        .isEqualTo("CHANNEL_INVALID");
    List<UserType> users = call(bot, new GetUsers(List.of(new InputUser(alice.id(), alice.accessHash()))));
    assertThat(((User) users.get(0)).username()).isEqualTo("alice_shapes");
  }

  @Test
  void channelMessagesCarryDocumentsWithAttributesAndCommentsInfo() {
    ChannelMessages m = (ChannelMessages) call(bot, new GetMessages(new InputChannel(demo.id(), demo.accessHash()),
        List.of(new InputMessageID(videoPost.id()), new InputMessageID(999))));
    assertThat(m.messages()).hasSize(2);
    Message msg = (Message) m.messages().get(0);
    assertThat(msg.id()).isEqualTo(videoPost.id());
    assertThat(msg.post()).isTrue();
    assertThat(msg.peerId()).isEqualTo(new PeerChannel(demo.id()));
    assertThat(msg.message()).isEqualTo("a video");
    MessageMediaDocument media = (MessageMediaDocument) msg.media();
    assertThat(media.video()).isTrue();
    Document d = (Document) media.document();
    assertThat(d.id()).isEqualTo(video.id());
    assertThat(d.accessHash()).isEqualTo(video.accessHash());
    assertThat(d.size()).isEqualTo(5_000_000);
    assertThat(d.mimeType()).isEqualTo("video/mp4");
    assertThat(d.dcId()).isEqualTo(2);
    assertThat(d.fileReference().length()).isPositive();
    assertThat(d.thumbs()).singleElement().satisfies(t -> assertThat(((PhotoSize) t).type()).isEqualTo("m"));
    assertThat(d.attributes()).anySatisfy(a -> {
      DocumentAttributeVideo v = (DocumentAttributeVideo) a;
      assertThat(v.duration()).isEqualTo(12.5);
      assertThat(v.w()).isEqualTo(640);
      assertThat(v.h()).isEqualTo(360);
      assertThat(v.supportsStreaming()).isTrue();
    });
    assertThat(d.attributes()).contains(new DocumentAttributeFilename("clip.mp4"));
    MessageReplies replies = (MessageReplies) msg.replies();
    assertThat(replies.comments()).isTrue();
    assertThat(replies.channelId()).isEqualTo(chat.id());
    assertThat(replies.replies()).isEqualTo(2);
    assertThat(replies.maxId()).isEqualTo(comment2.id());
    assertThat(m.messages().get(1)).isInstanceOf(MessageEmpty.class);
    assertThat(m.chats()).extracting(c -> ((Channel) c).id()).contains(demo.id());
  }

  @Test
  void historyIsNewestFirstAndPages() {
    ChannelMessages all = (ChannelMessages) call(bot, new GetHistory(peer(demo), 0, 0, 0, 100, 0, 0, 0));
    assertThat(all.count()).isEqualTo(5);
    assertThat(all.messages()).extracting(m -> ((Message) m).id())
        .containsExactly(pdfPost.id(), album.get(1).id(), album.get(0).id(), videoPost.id(), textPost.id());
    Message first = (Message) all.messages().get(4);
    assertThat(first.views()).isEqualTo(42);

    ChannelMessages page = (ChannelMessages) call(bot, new GetHistory(peer(demo), 0, 0, 0, 2, 0, 0, 0));
    assertThat(page.messages()).extracting(m -> ((Message) m).id()).containsExactly(pdfPost.id(), album.get(1).id());
    assertThat(page.count()).isEqualTo(5);
    ChannelMessages next = (ChannelMessages) call(bot,
        new GetHistory(peer(demo), album.get(1).id(), 0, 0, 2, 0, 0, 0));
    assertThat(next.messages()).extracting(m -> ((Message) m).id()).containsExactly(album.get(0).id(), videoPost.id());
    ChannelMessages around = (ChannelMessages) call(bot,
        new GetHistory(peer(demo), videoPost.id(), 0, -1, 2, 0, 0, 0));
    assertThat(around.messages()).extracting(m -> ((Message) m).id()).containsExactly(videoPost.id(), textPost.id());
    ChannelMessages bounded = (ChannelMessages) call(bot,
        new GetHistory(peer(demo), 0, 0, 0, 100, pdfPost.id(), textPost.id(), 0));
    assertThat(bounded.messages()).hasSize(3);
  }

  @Test
  void albumsShareAGroupedIdAndCarryPhotos() {
    ChannelMessages m = (ChannelMessages) call(bot, new GetMessages(new InputChannel(demo.id(), demo.accessHash()),
        List.of(new InputMessageID(album.get(0).id()), new InputMessageID(album.get(1).id()))));
    Message a = (Message) m.messages().get(0);
    Message b = (Message) m.messages().get(1);
    assertThat(a.groupedId()).isNotNull().isEqualTo(b.groupedId());
    assertThat(a.message()).isEqualTo("two photos");
    assertThat(b.message()).isEmpty();
    Photo p = (Photo) ((MessageMediaPhoto) a.media()).photo();
    assertThat(p.sizes()).extracting(s -> ((PhotoSize) s).type()).containsExactly("s", "m", "x");
    assertThat(p.dcId()).isEqualTo(2);
  }

  @Test
  void discussionMessageAndReplies() {
    DiscussionMessage d = (DiscussionMessage) call(bot, new GetDiscussionMessage(peer(demo), videoPost.id()));
    Message copy = (Message) d.messages().get(0);
    assertThat(copy.peerId()).isEqualTo(new PeerChannel(chat.id()));
    MessageFwdHeader fwd = (MessageFwdHeader) copy.fwdFrom();
    assertThat(fwd.channelPost()).isEqualTo(videoPost.id());
    assertThat(fwd.fromId()).isEqualTo(new PeerChannel(demo.id()));
    assertThat(fwd.savedFromMsgId()).isEqualTo(videoPost.id());
    assertThat(copy.media()).isInstanceOf(MessageMediaDocument.class);
    assertThat(d.maxId()).isEqualTo(comment2.id());
    assertThat(d.chats()).extracting(c -> ((Channel) c).id()).contains(chat.id(), demo.id());

    ChannelMessages replies = (ChannelMessages) call(bot,
        new GetReplies(peer(demo), videoPost.id(), 0, 0, 0, 50, 0, 0, 0));
    assertThat(replies.count()).isEqualTo(2);
    assertThat(replies.messages()).extracting(m -> ((Message) m).id()).containsExactly(comment2.id(), comment1.id());
    Message c = (Message) replies.messages().get(1);
    assertThat(c.message()).isEqualTo("nice");
    assertThat(c.fromId()).isEqualTo(new PeerUser(alice.id()));
    assertThat(((MessageReplyHeader) c.replyTo()).replyToMsgId()).isEqualTo(copy.id());
    assertThat(replies.users()).extracting(u -> ((User) u).id()).containsExactly(alice.id());
    assertThat(replies.chats()).extracting(ch -> ((Channel) ch).megagroup()).contains(true);

    ChannelMessages sameThread = (ChannelMessages) call(bot,
        new GetReplies(peer(chat), copy.id(), 0, 0, 0, 50, 0, 0, 0));
    assertThat(sameThread.messages()).hasSize(2);
    assertThat(errorMessage(bot, new GetDiscussionMessage(peer(demo), 999))).isEqualTo("MSG_ID_INVALID");
  }

  @Test
  void privateChannelsNeedMembershipAndAnswerInviteChecks() {
    String hash = secret.inviteHash().orElseThrow();
    // only users may check invites (the preview's shape: LinkKindsTest)
    assertThat(errorMessage(bot, new CheckChatInvite(hash))).isEqualTo("BOT_METHOD_INVALID");
    assertThat(errorMessage(bot, new GetHistory(peer(secret), 0, 0, 0, 10, 0, 0, 0))).isEqualTo("CHANNEL_PRIVATE");
    assertThat(errorMessage(aliceConn, new CheckChatInvite("nope"))).isEqualTo("INVITE_HASH_INVALID");

    ChatInviteAlready already = (ChatInviteAlready) call(aliceConn, new CheckChatInvite("+" + hash));
    assertThat(((Channel) already.chat()).id()).isEqualTo(secret.id());
    ChannelMessages h = (ChannelMessages) call(aliceConn, new GetHistory(peer(secret), 0, 0, 0, 10, 0, 0, 0));
    assertThat(((Message) h.messages().get(0)).message()).isEqualTo("secret post");
  }

  @Test
  void otherCallsHaveRealisticAnswers() {
    Messages m = (Messages) call(bot, new io.telefetch.tl.api.messages.GetMessages(List.of(new InputMessageID(5))));
    assertThat(m.messages()).singleElement().isInstanceOf(MessageEmpty.class);
    State state = (State) call(bot, new GetState());
    assertThat(state.pts()).isPositive();
    DifferenceEmpty none = (DifferenceEmpty) call(bot,
        GetDifference.builder().pts(state.pts()).date(state.date()).qts(state.qts()).build());
    assertThat(none.seq()).isEqualTo(state.seq());
    assertThat(none.date()).isGreaterThanOrEqualTo(state.date());
    assertThat(errorMessage(bot, new GetAppConfig(0))).isEqualTo("METHOD_INVALID");
    MtprotoConnection anonymous = clients.connect(cluster.dc(1));
    assertThat(errorMessage(anonymous, new ResolveUsername("shapes_demo", null))).isEqualTo("AUTH_KEY_UNREGISTERED");
  }

  @Test
  void theWorldAnswersLookups() {
    assertThat(world.channelByUsername("SHAPES_DEMO")).contains(demo);
    assertThat(world.channelByInviteHash(secret.inviteHash().orElseThrow())).contains(secret);
    assertThat(world.discussedChannel(chat)).contains(demo);
    assertThat(world.comments(videoPost)).containsExactly(comment1, comment2);
    assertThat(world.messages(demo)).hasSize(5);
    assertThat(world.userByPhone("+44-1234")).contains(alice);
    assertThat(world.document(video.id())).contains(video);
  }
}
