package io.telefetch.testkit.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.connection.ConnectionOptions;
import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPublicKey;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.Channel;
import io.telefetch.tl.api.ChatInvite;
import io.telefetch.tl.api.ChatPhoto;
import io.telefetch.tl.api.Document;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InputFileLocationType;
import io.telefetch.tl.api.InputMessage;
import io.telefetch.tl.api.InputMessageID;
import io.telefetch.tl.api.InputPeerChannel;
import io.telefetch.tl.api.InputPeerPhotoFileLocation;
import io.telefetch.tl.api.InputPhotoFileLocation;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageMedia;
import io.telefetch.tl.api.MessageMediaDocument;
import io.telefetch.tl.api.MessageMediaPhoto;
import io.telefetch.tl.api.MessageMediaWebPage;
import io.telefetch.tl.api.MessageReplies;
import io.telefetch.tl.api.MessageReplyHeader;
import io.telefetch.tl.api.MessageType;
import io.telefetch.tl.api.Photo;
import io.telefetch.tl.api.PhotoSize;
import io.telefetch.tl.api.StoryItem;
import io.telefetch.tl.api.WebPage;
import io.telefetch.tl.api.ChatType;
import io.telefetch.tl.api.CodeSettings;
import io.telefetch.tl.api.InputPeerEmpty;
import io.telefetch.tl.api.messages.Dialogs;
import io.telefetch.tl.api.messages.DialogsSlice;
import io.telefetch.tl.api.messages.DialogsType;
import io.telefetch.tl.api.messages.GetDialogs;
import io.telefetch.tl.api.auth.ImportBotAuthorization;
import io.telefetch.tl.api.auth.SendCode;
import io.telefetch.tl.api.auth.SentCode;
import io.telefetch.tl.api.auth.SignIn;
import io.telefetch.tl.api.channels.GetMessages;
import io.telefetch.tl.api.contacts.ResolveUsername;
import io.telefetch.tl.api.contacts.ResolvedPeer;
import io.telefetch.tl.api.messages.ChannelMessages;
import io.telefetch.tl.api.messages.CheckChatInvite;
import io.telefetch.tl.api.messages.DiscussionMessage;
import io.telefetch.tl.api.messages.GetDiscussionMessage;
import io.telefetch.tl.api.stories.GetStoriesByID;
import io.telefetch.tl.api.stories.Stories;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.GetFile;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The launcher's {@code --links}: every sample link, resolved from the JSON alone by the demo bot
 * the way a link resolver would (MTProto calls for the link's kind, then {@code upload.getFile}),
 * downloads to the SHA-256 the JSON lists; each page answers as t.me would.
 */
class LinkDemoTest {
  private static final Pattern PATH = Pattern.compile("https://t\\.me/([^?]+)(?:\\?(.*))?");

  private static DemoCluster demo;
  private static LaunchConfig config;
  private static NioEventLoopGroup group;
  private static MtprotoConnection bot;
  private static MtprotoConnection user;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    demo = DemoCluster.builder().dcs(2).file(FileSpec.parse("a.bin:1000")).links(true).build().start();
    config = LaunchConfig.parse(demo.config().toJson());
    group = new NioEventLoopGroup(1);
    LaunchConfig.Dc dc2 = config.dcs().stream().filter(d -> d.id() == 2 && !d.mediaOnly()).findFirst().orElseThrow();
    ConnectionOptions options = ConnectionOptions.builder(dc2.host(), dc2.port()).dcId(2)
        .rsaKeys(RsaKeys.empty().add(RsaPublicKey.parsePem(config.rsa().publicKeyPem()))).eventLoopGroup(group)
        .connectTimeout(Duration.ofSeconds(60)).callTimeout(Duration.ofSeconds(60))
        .zeroCopyThreshold(Integer.MAX_VALUE).build();  // parts are copied: nothing to release
    bot = MtprotoConnection.connect(options).join();
    call(bot, new ImportBotAuthorization(0, config.apiId(), config.apiHash(), config.botToken()));
    LaunchConfig.DemoUser demoUser = config.demoUser();
    assertThat(demoUser.dc()).isEqualTo(2);
    user = MtprotoConnection.connect(options).join();
    SentCode sent = (SentCode) call(user, new SendCode(demoUser.phone(), config.apiId(), config.apiHash(),
        CodeSettings.builder().build()));
    call(user, new SignIn(demoUser.phone().replaceAll("[^0-9]", ""), sent.phoneCodeHash(), demoUser.loginCode(), null));
    http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (bot != null) {
      bot.close();
    }
    if (user != null) {
      user.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    demo.close();
  }

  private static <R> R call(MtprotoConnection c, TlMethod<R> method) {
    try {
      return c.invoke(method).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Test
  void theJsonListsOneSampleOfEveryKindWithHashesAndPages() throws Exception {
    assertThat(config.links()).extracting(LaunchConfig.Link::kind).containsExactly("post", "album", "single",
        "comment", "topic", "private_post", "story", "invite", "username", "webpage_document", "renamed");
    assertThat(config.link("album").orElseThrow().media()).hasSize(2);
    for (LaunchConfig.Link l : config.links()) {
      assertThat(l.media()).as(l.kind()).isNotEmpty().allSatisfy(m -> assertThat(m.sha256()).hasSize(64));
      if (l.url() == null) {
        assertThat(l.kind()).isEqualTo("private_post");
        continue;
      }
      assertThat(l.url()).isEqualTo(config.webBaseUrl() + l.link().substring("https://t.me".length()));
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(l.url())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(l.url()).isEqualTo(l.kind().equals("renamed") ? 301 : 200);
    }
    assertThat(http.send(HttpRequest.newBuilder(URI.create(config.webBaseUrl()
        + config.link("private_post").orElseThrow().link().substring("https://t.me".length()))).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
    HttpResponse<Void> moved = http.send(HttpRequest.newBuilder(URI.create(config.link("renamed").get().url())).build(),
        HttpResponse.BodyHandlers.discarding());
    assertThat(moved.headers().firstValue("Location")).hasValue(config.link("post").get().url());
  }

  @Test
  void bothAccountsResolveBotSamplesAndOnlyTheUserTheOthers() {
    assertThat(config.links()).filteredOn(l -> l.account().equals("user")).extracting(LaunchConfig.Link::kind)
        .containsExactly("story", "invite");
    for (LaunchConfig.Link l : config.links()) {
      if (l.account().equals("bot")) {
        assertThat(resolve(user, l)).as(l.kind()).hasSize(l.media().size());
      } else {
        Throwable t = catchThrowable(() -> resolve(bot, l));
        assertThat(((RpcException) t).errorMessage()).as(l.kind()).isEqualTo("BOT_METHOD_INVALID");
      }
    }
  }

  @Test
  void everySampleResolvesOverMtprotoToTheListedBytes() {
    for (LaunchConfig.Link l : config.links()) {
      List<InputFileLocationType> locations = resolve(l.account().equals("user") ? user : bot, l);
      List<String> hashes = new ArrayList<>();
      for (int i = 0; i < locations.size(); i++) {
        hashes.add(sha256(bot, locations.get(i), l.media().get(i).size()));
      }
      assertThat(hashes).as(l.kind()).containsExactlyElementsOf(l.media().stream().map(LaunchConfig.Media::sha256).toList());
    }
  }

  /** What a link resolver does for each kind, from the link alone. */
  private static List<InputFileLocationType> resolve(MtprotoConnection c, LaunchConfig.Link link) {
    Matcher m = PATH.matcher(link.link());
    assertThat(m.matches()).as(link.link()).isTrue();
    String[] path = m.group(1).split("/");
    String query = m.group(2) == null ? "" : m.group(2);
    switch (link.kind()) {
      case "private_post": {
        long id = Long.parseLong(path[1]);
        // a bot names the channel with access hash 0; a user finds the hash in its dialogs
        long hash = 0;
        if (c == user) {
          DialogsType d = call(c, GetDialogs.builder().offsetPeer(new InputPeerEmpty()).limit(100).build());
          List<ChatType> chats = d instanceof Dialogs x ? x.chats() : ((DialogsSlice) d).chats();
          hash = chats.stream().map(Channel.class::cast).filter(ch -> ch.id() == id).findFirst().orElseThrow()
              .accessHash();
        }
        return List.of(location(media(messages(c, new InputChannel(id, hash), Integer.parseInt(path[2])).get(0))));
      }
      case "invite": {
        ChatInvite invite = (ChatInvite) call(c, new CheckChatInvite(path[0].substring(1)));
        return List.of(photoLocation((Photo) invite.photo()));
      }
      case "renamed": {
        Throwable t = catchThrowable(() -> call(c, new ResolveUsername(path[0], null)));
        assertThat(((RpcException) t).errorMessage()).isEqualTo("USERNAME_NOT_OCCUPIED");
        return resolve(c, config.link("post").orElseThrow());
      }
      default:
        break;
    }
    ResolvedPeer peer = (ResolvedPeer) call(c, new ResolveUsername(path[0], null));
    Channel channel = (Channel) peer.chats().get(0);
    InputChannel input = new InputChannel(channel.id(), channel.accessHash());
    InputPeerChannel inputPeer = new InputPeerChannel(channel.id(), channel.accessHash());
    if (path.length == 1) {
      ChatPhoto photo = (ChatPhoto) channel.photo();
      return List.of(InputPeerPhotoFileLocation.builder().big(true).peer(inputPeer).photoId(photo.photoId()).build());
    }
    if (path[1].equals("s")) {
      Stories s = (Stories) call(c, new GetStoriesByID(inputPeer, List.of(Integer.parseInt(path[2]))));
      return List.of(location(((StoryItem) s.stories().get(0)).media()));
    }
    if (path.length == 3) {
      Message msg = (Message) messages(c, input, Integer.parseInt(path[2])).get(0);
      MessageReplyHeader reply = (MessageReplyHeader) msg.replyTo();
      assertThat(reply.forumTopic()).isTrue();
      assertThat(reply.replyToMsgId()).isEqualTo(Integer.parseInt(path[1]));
      return List.of(location(msg.media()));
    }
    int id = Integer.parseInt(path[1]);
    if (query.startsWith("comment=")) {
      Message post = (Message) messages(c, input, id).get(0);
      long groupId = ((MessageReplies) post.replies()).channelId();
      DiscussionMessage d = (DiscussionMessage) call(c, new GetDiscussionMessage(inputPeer, id));
      Channel g = d.chats().stream().map(Channel.class::cast).filter(x -> x.id() == groupId).findFirst().orElseThrow();
      int comment = Integer.parseInt(query.substring("comment=".length()));
      return List.of(location(media(messages(c, new InputChannel(g.id(), g.accessHash()), comment).get(0))));
    }
    Message msg = (Message) messages(c, input, id).get(0);
    if (msg.groupedId() == null || query.equals("single")) {
      return List.of(location(msg.media()));
    }
    List<InputFileLocationType> album = new ArrayList<>();
    int[] around = new int[19];
    for (int i = 0; i < around.length; i++) {
      around[i] = Math.max(1, id - 9 + i);
    }
    for (MessageType x : messages(c, input, around)) {
      if (x instanceof Message am && msg.groupedId().equals(am.groupedId())) {
        album.add(location(am.media()));
      }
    }
    return album;
  }

  private static List<MessageType> messages(MtprotoConnection c, InputChannel channel, int... ids) {
    List<InputMessage> in = new ArrayList<>();
    for (int i : java.util.stream.IntStream.of(ids).distinct().toArray()) {
      in.add(new InputMessageID(i));
    }
    return ((ChannelMessages) call(c, new GetMessages(channel, in))).messages();
  }

  private static MessageMedia media(MessageType m) {
    return ((Message) m).media();
  }

  private static InputFileLocationType location(MessageMedia media) {
    if (media instanceof MessageMediaDocument d) {
      Document doc = (Document) d.document();
      return new InputDocumentFileLocation(doc.id(), doc.accessHash(), doc.fileReference(), "");
    }
    if (media instanceof MessageMediaPhoto p) {
      return photoLocation((Photo) p.photo());
    }
    WebPage w = (WebPage) ((MessageMediaWebPage) media).webpage();
    return location(MessageMediaDocument.builder().document(w.document()).build());
  }

  private static InputFileLocationType photoLocation(Photo p) {
    PhotoSize largest = (PhotoSize) p.sizes().get(p.sizes().size() - 1);
    return new InputPhotoFileLocation(p.id(), p.accessHash(), p.fileReference(), largest.type());
  }

  private static String sha256(MtprotoConnection c, InputFileLocationType location, long size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long offset = 0; offset < size; offset += 1 << 20) {
      File f = (File) call(c, new GetFile(false, false, location, offset, 1 << 20));
      out.writeBytes(f.bytes().toByteArray());
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
