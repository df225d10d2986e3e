package io.telefetch.testkit.world;

import static io.telefetch.testkit.world.Clients.MIB;
import static io.telefetch.testkit.world.Clients.call;
import static io.telefetch.testkit.world.Clients.errorMessage;
import static io.telefetch.testkit.world.Clients.part;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.testkit.TestCluster;
import io.telefetch.tl.api.Channel;
import io.telefetch.tl.api.ChatInvite;
import io.telefetch.tl.api.ChatInviteAlready;
import io.telefetch.tl.api.ChatPhoto;
import io.telefetch.tl.api.CodeSettings;
import io.telefetch.tl.api.Dialog;
import io.telefetch.tl.api.Document;
import io.telefetch.tl.api.DocumentAttributeFilename;
import io.telefetch.tl.api.ForumTopic;
import io.telefetch.tl.api.ForumTopicDeleted;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InputMessageID;
import io.telefetch.tl.api.InputPeerChannel;
import io.telefetch.tl.api.InputPeerPhotoFileLocation;
import io.telefetch.tl.api.InputPeerUser;
import io.telefetch.tl.api.InputPhotoFileLocation;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageActionTopicCreate;
import io.telefetch.tl.api.MessageMediaDocument;
import io.telefetch.tl.api.MessageMediaPhoto;
import io.telefetch.tl.api.MessageMediaWebPage;
import io.telefetch.tl.api.MessageReplyHeader;
import io.telefetch.tl.api.MessageService;
import io.telefetch.tl.api.PeerChannel;
import io.telefetch.tl.api.PeerUser;
import io.telefetch.tl.api.Photo;
import io.telefetch.tl.api.PhotoSize;
import io.telefetch.tl.api.StoryItem;
import io.telefetch.tl.api.WebPage;
import io.telefetch.tl.api.auth.SendCode;
import io.telefetch.tl.api.auth.SentCode;
import io.telefetch.tl.api.auth.SignIn;
import io.telefetch.tl.api.channels.GetChannels;
import io.telefetch.tl.api.channels.GetMessages;
import io.telefetch.tl.api.contacts.ResolveUsername;
import io.telefetch.tl.api.contacts.ResolvedPeer;
import io.telefetch.tl.api.messages.ChannelMessages;
import io.telefetch.tl.api.messages.Chats;
import io.telefetch.tl.api.messages.CheckChatInvite;
import io.telefetch.tl.api.messages.Dialogs;
import io.telefetch.tl.api.messages.ForumTopics;
import io.telefetch.tl.api.messages.GetDialogs;
import io.telefetch.tl.api.messages.GetForumTopicsByID;
import io.telefetch.tl.api.messages.GetReplies;
import io.telefetch.tl.api.stories.GetStoriesByID;
import io.telefetch.tl.api.stories.Stories;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.api.InputPeerEmpty;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the link kinds need on the DC side, over MTProto: forum topics, stories, link previews with
 * documents, a private channel a bot belongs to, invite previews, and a renamed username.
 */
class LinkKindsTest {
  private static TestCluster cluster;
  private static Clients clients;
  private static World world;
  private static WorldUser botUser;
  private static WorldUser alice;
  private static WorldChannel forum;
  private static WorldTopic topic;
  private static WorldMessage inTopic;
  private static WorldMessage replyInTopic;
  private static WorldMessage general;
  private static WorldChannel news;
  private static WorldStory photoStory;
  private static WorldStory videoStory;
  private static WorldStory aliceStory;
  private static WorldDocument storyVideo;
  private static WorldDocument paper;
  private static WorldPhoto paperPhoto;
  private static WorldMessage preview;
  private static WorldChannel secret;
  private static WorldPhoto secretPhoto;
  private static WorldMessage secretPost;
  private static WorldChannel closed;
  private static WorldChannel invite;
  private static WorldPhoto invitePhoto;
  private static MtprotoConnection bot;
  private static MtprotoConnection aliceConn;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(2).build().start();
    clients = new Clients(cluster);
    world = cluster.world();
    botUser = world.bot("links_bot").create();
    alice = world.user("Alice").username("alice_links").phone("+44 4321").create();

    forum = world.channel("links_forum").title("Forum").forum().create();
    general = world.post(forum).from(alice).text("in General").create();
    topic = world.topic(forum, "Clips", alice);
    inTopic = world.post(forum).from(alice).topic(topic).text("a clip")
        .media(world.video("topic.mp4", FileContent.seeded(3, 100_000)).create()).create();
    replyInTopic = world.post(forum).from(alice).topic(topic).replyTo(inTopic.id()).text("nice clip").create();

    news = world.channel("links_news").title("News").create();
    photoStory = world.story(news).media(world.photo().seed(5).create()).caption("a photo story").create();
    storyVideo = world.video("story.mp4", FileContent.seeded(6, 3 * MIB / 2)).dc(2).size(720, 1280).create();
    videoStory = world.story(news).media(storyVideo).create();
    aliceStory = world.story(alice).media(world.photo().seed(7).create()).create();

    paper = world.document("paper.pdf", FileContent.seeded(8, 150_000)).mimeType("application/pdf").dc(2).create();
    paperPhoto = world.photo().seed(9).create();
    WorldWebPage page = world.webPage("https://example.org/paper").siteName("Example").title("Paper")
        .description("about it").photo(paperPhoto).document(paper).create();
    preview = world.post(news).text("see https://example.org/paper").webPage(page).create();

    secretPhoto = world.photo().seed(12).create();
    secret = world.privateChannel("Secret").photo(secretPhoto).members(botUser, alice).create();
    secretPost = world.post(secret).text("members only")
        .media(world.document("s.bin", FileContent.seeded(10, 5000)).create()).create();
    closed = world.privateChannel("Closed").members(alice).create();

    invitePhoto = world.photo().seed(11).create();
    WorldUser bob = world.user("Bob").create();
    invite = world.privateChannel("Invite me").about("what we do").photo(invitePhoto).members(bob).create();

    bot = clients.loginBot(botUser);
    aliceConn = clients.connect(cluster.dc(1));
    SentCode sent = (SentCode) call(aliceConn, new SendCode("+44 4321", 1, "h", CodeSettings.builder().build()));
    call(aliceConn, new SignIn("444321", sent.phoneCodeHash(), World.DEFAULT_LOGIN_CODE, null));
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

  private static InputPeerChannel peer(WorldChannel c) {
    return new InputPeerChannel(c.id(), c.accessHash());
  }

  private static InputChannel input(WorldChannel c) {
    return new InputChannel(c.id(), c.accessHash());
  }

  private static ChannelMessages messages(MtprotoConnection c, InputChannel channel, int... ids) {
    return (ChannelMessages) call(c, new GetMessages(channel,
        java.util.Arrays.stream(ids).mapToObj(i -> (io.telefetch.tl.api.InputMessage) new InputMessageID(i)).toList()));
  }

  private static byte[] download(MtprotoConnection c, io.telefetch.tl.api.InputFileLocationType location, long size) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (long offset = 0; offset < size; offset += MIB) {
      File f = (File) call(c, new GetFile(false, false, location, offset, MIB));
      out.writeBytes(f.bytes().toByteArray());
    }
    return out.toByteArray();
  }

  private static InputDocumentFileLocation location(Document d) {
    return new InputDocumentFileLocation(d.id(), d.accessHash(), d.fileReference(), "");
  }

  // ------------------------------------------------------------------ forum topics

  @Test
  void forumTopicsAreServedByIdWithTheirTopMessage() {
    ResolvedPeer r = (ResolvedPeer) call(bot, new ResolveUsername("links_forum", null));
    Channel c = (Channel) r.chats().get(0);
    assertThat(c.forum()).isTrue();
    assertThat(c.megagroup()).isTrue();

    ForumTopics t = (ForumTopics) call(bot, new GetForumTopicsByID(peer(forum), List.of(topic.id(), 999)));
    assertThat(t.topics()).hasSize(2);
    ForumTopic ft = (ForumTopic) t.topics().get(0);
    assertThat(ft.id()).isEqualTo(topic.id());
    assertThat(ft.title()).isEqualTo("Clips");
    assertThat(ft.peer()).isEqualTo(new PeerChannel(forum.id()));
    assertThat(ft.fromId()).isEqualTo(new PeerUser(alice.id()));
    assertThat(ft.topMessage()).isEqualTo(replyInTopic.id());
    assertThat(t.topics().get(1)).isEqualTo(new ForumTopicDeleted(999));
    assertThat(t.messages()).extracting(m -> ((Message) m).id()).containsExactly(replyInTopic.id());
    assertThat(t.chats()).extracting(ch -> ((Channel) ch).id()).containsExactly(forum.id());

    ForumTopics viaChannels = (ForumTopics) call(bot,
        new io.telefetch.tl.api.channels.GetForumTopicsByID(input(forum), List.of(topic.id())));
    assertThat(((ForumTopic) viaChannels.topics().get(0)).title()).isEqualTo("Clips");
    assertThat(errorMessage(bot, new GetForumTopicsByID(peer(news), List.of(1)))).isEqualTo("CHANNEL_FORUM_MISSING");
  }

  @Test
  void topicMessagesCarryForumTopicReplyHeaders() {
    ChannelMessages m = messages(bot, input(forum), topic.id(), inTopic.id(), replyInTopic.id(), general.id());
    MessageService created = (MessageService) m.messages().get(0);
    assertThat(((MessageActionTopicCreate) created.action()).title()).isEqualTo("Clips");
    assertThat(created.fromId()).isEqualTo(new PeerUser(alice.id()));

    MessageReplyHeader first = (MessageReplyHeader) ((Message) m.messages().get(1)).replyTo();
    assertThat(first.forumTopic()).isTrue();
    assertThat(first.replyToMsgId()).isEqualTo(topic.id());
    assertThat(first.replyToTopId()).isNull();
    assertThat(((Message) m.messages().get(1)).media()).isInstanceOf(MessageMediaDocument.class);

    MessageReplyHeader reply = (MessageReplyHeader) ((Message) m.messages().get(2)).replyTo();
    assertThat(reply.forumTopic()).isTrue();
    assertThat(reply.replyToMsgId()).isEqualTo(inTopic.id());
    assertThat(reply.replyToTopId()).isEqualTo(topic.id());

    assertThat(((Message) m.messages().get(3)).replyTo()).as("General has no reply header").isNull();

    ChannelMessages thread = (ChannelMessages) call(bot, new GetReplies(peer(forum), topic.id(), 0, 0, 0, 50, 0, 0, 0));
    assertThat(thread.messages()).extracting(x -> ((Message) x).id()).containsExactly(replyInTopic.id(), inTopic.id());
    assertThat(world.topicMessages(topic)).extracting(WorldMessage::id)
        .containsExactly(topic.id(), inTopic.id(), replyInTopic.id());
  }

  // ------------------------------------------------------------------ stories

  @Test
  void storiesByIdCarryPhotoAndVideoMediaInOrderAskedAndSkipMissingOnes() {
    assertThat(errorMessage(bot, new GetStoriesByID(peer(news), List.of(videoStory.id())))).as("users only")
        .isEqualTo("BOT_METHOD_INVALID");
    Stories s = (Stories) call(aliceConn, new GetStoriesByID(peer(news), List.of(videoStory.id(), 42, photoStory.id())));
    assertThat(s.count()).isEqualTo(2);
    StoryItem video = (StoryItem) s.stories().get(0);
    assertThat(video.id()).isEqualTo(videoStory.id());
    assertThat(video.expireDate()).isEqualTo(video.date() + 86_400);
    Document d = (Document) ((MessageMediaDocument) video.media()).document();
    assertThat(d.id()).isEqualTo(storyVideo.id());
    assertThat(d.dcId()).isEqualTo(2);
    StoryItem photo = (StoryItem) s.stories().get(1);
    assertThat(photo.caption()).isEqualTo("a photo story");
    assertThat(((MessageMediaPhoto) photo.media()).photo()).isInstanceOf(Photo.class);
    assertThat(s.chats()).extracting(c -> ((Channel) c).id()).containsExactly(news.id());

    // a story that was not pinned is gone after its 24 hours, except for its owner
    WorldStory gone = world.story(alice).media(world.photo().seed(13).create()).pinned(false)
        .date(world.now() - 86_400).create();
    WorldStory stays = world.story(news).media(world.photo().seed(14).create()).date(world.now() - 86_400).create();
    assertThat(((Stories) call(aliceConn, new GetStoriesByID(peer(news), List.of(stays.id())))).stories()).hasSize(1);
    assertThat(((Stories) call(aliceConn, new GetStoriesByID(new io.telefetch.tl.api.InputPeerSelf(),
        List.of(gone.id())))).stories()).as("the owner still sees it").hasSize(1);
    WorldStory goneNews = world.story(news).media(world.photo().seed(15).create()).pinned(false)
        .date(world.now() - 86_400).create();
    assertThat(((Stories) call(aliceConn, new GetStoriesByID(peer(news), List.of(goneNews.id(), stays.id()))))
        .stories()).extracting(x -> ((StoryItem) x).id()).containsExactly(stays.id());
    assertThat(world.isExpired(gone)).isTrue();
    assertThat(world.isExpired(stays)).isFalse();

    Stories users = (Stories) call(aliceConn, new GetStoriesByID(new InputPeerUser(alice.id(), alice.accessHash()),
        List.of(aliceStory.id())));
    assertThat(users.stories()).hasSize(1);
    assertThat(((Stories) call(aliceConn, new GetStoriesByID(new io.telefetch.tl.api.InputPeerSelf(),
        List.of(aliceStory.id())))).stories()).hasSize(1);
    assertThat(errorMessage(aliceConn, new GetStoriesByID(new InputPeerUser(alice.id(), 1), List.of(1))))
        .isEqualTo("PEER_ID_INVALID");
    assertThat(errorMessage(aliceConn, new GetStoriesByID(new InputPeerEmpty(), List.of(1))))
        .isEqualTo("PEER_ID_INVALID");
  }

  @Test
  void aStoryVideoDownloadsAndItsExpiredReferenceIsRenewedByFetchingTheStoryAgain() {
    world.fileReferencePolicy(FileReferencePolicy.afterUses(1));
    Document d = storyDocument();
    MtprotoConnection media = dc2();
    InputDocumentFileLocation loc = location(d);
    byte[] first = part(media, loc, 0, MIB);
    assertThat(first).isEqualTo(storyVideo.content().read(0, MIB));
    assertThat(Clients.errorMessage(media, new GetFile(false, false, loc, MIB, MIB)))
        .isEqualTo("FILE_REFERENCE_EXPIRED");
    InputDocumentFileLocation fresh = location(storyDocument());
    assertThat(fresh.fileReference()).isNotEqualTo(loc.fileReference());
    byte[] rest = part(media, fresh, MIB, MIB);
    assertThat(rest).isEqualTo(storyVideo.content().read(MIB, (int) (storyVideo.size() - MIB)));
  }

  private static MtprotoConnection dc2;

  /** The bot's login transferred to DC 2, where the story video and the paper live. */
  private static synchronized MtprotoConnection dc2() {
    if (dc2 == null) {
      dc2 = clients.transferLogin(bot, cluster.dc(2));
    }
    return dc2;
  }

  private static Document storyDocument() {
    Stories s = (Stories) call(aliceConn, new GetStoriesByID(peer(news), List.of(videoStory.id())));
    return (Document) ((MessageMediaDocument) ((StoryItem) s.stories().get(0)).media()).document();
  }

  // ------------------------------------------------------------------ link previews

  @Test
  void aLinkPreviewCarriesADocumentAndAPhotoThatDownload() {
    Message m = (Message) messages(bot, input(news), preview.id()).messages().get(0);
    WebPage w = (WebPage) ((MessageMediaWebPage) m.media()).webpage();
    assertThat(w.url()).isEqualTo("https://example.org/paper");
    assertThat(w.displayUrl()).isEqualTo("example.org/paper");
    assertThat(w.type()).isEqualTo("document");
    assertThat(w.siteName()).isEqualTo("Example");
    Document d = (Document) w.document();
    assertThat(d.id()).isEqualTo(paper.id());
    assertThat(d.attributes()).contains(new DocumentAttributeFilename("paper.pdf"));
    assertThat(download(dc2(), location(d), paper.size())).isEqualTo(paper.content().read(0, (int) paper.size()));

    Photo p = (Photo) w.photo();
    PhotoSize largest = (PhotoSize) p.sizes().get(p.sizes().size() - 1);
    byte[] jpeg = download(bot, new InputPhotoFileLocation(p.id(), p.accessHash(), p.fileReference(), largest.type()),
        largest.size());
    assertThat(jpeg).isEqualTo(paperPhoto.largest().content().read(0, largest.size()));
  }

  // ------------------------------------------------------------------ private channels

  @Test
  void aBotReachesAPrivateChannelItBelongsToWithAccessHashZero() {
    Chats chats = (Chats) call(bot, new GetChannels(List.of(new InputChannel(secret.id(), 0))));
    Channel c = (Channel) chats.chats().get(0);
    assertThat(c.accessHash()).isEqualTo(secret.accessHash());
    assertThat(c.left()).isFalse();
    ChannelMessages m = messages(bot, new InputChannel(secret.id(), 0), secretPost.id());
    assertThat(((Message) m.messages().get(0)).message()).isEqualTo("members only");
    assertThat(messages(bot, input(secret), secretPost.id()).messages()).hasSize(1);

    assertThat(errorMessage(bot, new GetMessages(new InputChannel(closed.id(), 0), List.of(new InputMessageID(1)))))
        .isEqualTo("CHANNEL_PRIVATE");
    assertThat(errorMessage(bot, new GetChannels(List.of(new InputChannel(424242, 0))))).isEqualTo("CHANNEL_INVALID");
    assertThat(errorMessage(bot, new GetChannels(List.of(new InputChannel(closed.id(), 0)))))
        .as("no access hash for a private channel the bot is not in").isEqualTo("CHANNEL_PRIVATE");
    Chats publicOne = (Chats) call(bot, new GetChannels(List.of(new InputChannel(news.id(), 0))));
    assertThat(((Channel) publicOne.chats().get(0)).accessHash()).isEqualTo(news.accessHash());
    // a user needs the real access hash, which it learns from its dialogs
    assertThat(errorMessage(aliceConn, new GetChannels(List.of(new InputChannel(secret.id(), 0)))))
        .isEqualTo("CHANNEL_INVALID");
  }

  @Test
  void usersLearnPrivateChannelsFromTheirDialogsWhileBotsMayNotAsk() {
    Dialogs d = (Dialogs) call(aliceConn, GetDialogs.builder().offsetPeer(new InputPeerEmpty()).limit(100).build());
    assertThat(d.chats()).extracting(c -> ((Channel) c).id()).contains(secret.id(), closed.id())
        .doesNotContain(invite.id(), news.id());
    Channel s = d.chats().stream().map(Channel.class::cast).filter(c -> c.id() == secret.id()).findFirst().orElseThrow();
    assertThat(s.accessHash()).isEqualTo(secret.accessHash());
    assertThat(d.dialogs()).anySatisfy(x -> {
      assertThat(((Dialog) x).peer()).isEqualTo(new PeerChannel(secret.id()));
      assertThat(((Dialog) x).topMessage()).isEqualTo(secretPost.id());
    });
    assertThat(messages(aliceConn, new InputChannel(secret.id(), s.accessHash()), secretPost.id()).messages())
        .hasSize(1);
    assertThat(errorMessage(bot, GetDialogs.builder().offsetPeer(new InputPeerEmpty()).limit(10).build()))
        .isEqualTo("BOT_METHOD_INVALID");
  }

  // ------------------------------------------------------------------ invites

  @Test
  void anInvitePreviewHasTitleAboutPhotoAndCountAndAMemberGetsTheChat() {
    assertThat(errorMessage(bot, new CheckChatInvite(invite.inviteHash().orElseThrow()))).as("users only")
        .isEqualTo("BOT_METHOD_INVALID");
    ChatInvite i = (ChatInvite) call(aliceConn, new CheckChatInvite(invite.inviteHash().orElseThrow()));
    assertThat(i.title()).isEqualTo("Invite me");
    assertThat(i.about()).isEqualTo("what we do");
    assertThat(i.participantsCount()).isEqualTo(1);
    assertThat(i.broadcast()).isTrue();
    Photo p = (Photo) i.photo();
    assertThat(p.id()).isEqualTo(invitePhoto.id());
    PhotoSize largest = (PhotoSize) p.sizes().get(p.sizes().size() - 1);
    assertThat(download(aliceConn, new InputPhotoFileLocation(p.id(), p.accessHash(), p.fileReference(),
        largest.type()), largest.size())).isEqualTo(invitePhoto.largest().content().read(0, largest.size()));

    ChatInviteAlready already = (ChatInviteAlready) call(aliceConn, new CheckChatInvite(secret.inviteHash().get()));
    Channel c = (Channel) already.chat();
    assertThat(c.id()).isEqualTo(secret.id());
    assertThat(c.accessHash()).isEqualTo(secret.accessHash());
    ChatPhoto cp = (ChatPhoto) c.photo();
    assertThat(cp.photoId()).isEqualTo(secretPhoto.id());
    InputPeerChannel chat = new InputPeerChannel(c.id(), c.accessHash());
    byte[] big = download(aliceConn, InputPeerPhotoFileLocation.builder().big(true).peer(chat)
        .photoId(cp.photoId()).build(), secretPhoto.largest().content().size());
    assertThat(big).isEqualTo(secretPhoto.largest().content().read(0, (int) secretPhoto.largest().content().size()));
    byte[] small = download(aliceConn, InputPeerPhotoFileLocation.builder().peer(chat).photoId(cp.photoId()).build(),
        secretPhoto.sizes().get(0).content().size());
    assertThat(small).isEqualTo(secretPhoto.sizes().get(0).content().read(0,
        (int) secretPhoto.sizes().get(0).content().size()));
    assertThat(errorMessage(aliceConn, new GetFile(false, false,
        InputPeerPhotoFileLocation.builder().peer(chat).photoId(12345).build(), 0, MIB))).isEqualTo("LOCATION_INVALID");
    assertThat(errorMessage(aliceConn, new CheckChatInvite("AAAAbogus"))).isEqualTo("INVITE_HASH_INVALID");
  }

  // ------------------------------------------------------------------ renames

  @Test
  void aRenamedChannelResolvesUnderItsNewNameOnlyAndKeepsItsMessages() {
    WorldChannel before = world.channel("links_old").title("Renamed").create();
    WorldMessage post = world.post(before).text("kept").create();
    WorldChannel after = world.rename(before, "links_new");
    assertThat(after.id()).isEqualTo(before.id());
    assertThat(after.username()).contains("links_new");

    ResolvedPeer r = (ResolvedPeer) call(bot, new ResolveUsername("links_new", null));
    assertThat(r.peer()).isEqualTo(new PeerChannel(before.id()));
    assertThat(((Channel) r.chats().get(0)).username()).isEqualTo("links_new");
    assertThat(errorMessage(bot, new ResolveUsername("links_old", null))).isEqualTo("USERNAME_NOT_OCCUPIED");
    assertThat(((Message) messages(bot, input(after), post.id()).messages().get(0)).message()).isEqualTo("kept");
    assertThat(world.renamedTo("LINKS_OLD")).contains("links_new");
    assertThat(world.channelByUsername("links_new")).contains(after);

    // the old name can be claimed again, which ends the redirect
    world.channel("links_old").create();
    assertThat(world.renamedTo("links_old")).isEmpty();
  }
}
