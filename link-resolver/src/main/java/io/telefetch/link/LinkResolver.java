package io.telefetch.link;

import io.telefetch.link.LinkResolveException.Reason;
import io.telefetch.media.MediaFile;
import io.telefetch.media.MediaFiles;
import io.telefetch.media.NoMediaException;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.ChatInvite;
import io.telefetch.tl.api.ChatInviteAlready;
import io.telefetch.tl.api.ChatInvitePeek;
import io.telefetch.tl.api.ChatInviteType;
import io.telefetch.tl.api.ChatType;
import io.telefetch.tl.api.Document;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.InputChannelType;
import io.telefetch.tl.api.InputMessage;
import io.telefetch.tl.api.InputMessageID;
import io.telefetch.tl.api.InputPeerEmpty;
import io.telefetch.tl.api.InputPeerPhotoFileLocation;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageMedia;
import io.telefetch.tl.api.MessageMediaDocument;
import io.telefetch.tl.api.MessageMediaPhoto;
import io.telefetch.tl.api.MessageMediaWebPage;
import io.telefetch.tl.api.MessageReplies;
import io.telefetch.tl.api.MessageType;
import io.telefetch.tl.api.Photo;
import io.telefetch.tl.api.StoryItem;
import io.telefetch.tl.api.StoryItemType;
import io.telefetch.tl.api.UserType;
import io.telefetch.tl.api.WebPage;
import io.telefetch.tl.api.channels.GetChannels;
import io.telefetch.tl.api.contacts.ResolvePhone;
import io.telefetch.tl.api.contacts.ResolveUsername;
import io.telefetch.tl.api.contacts.ResolvedPeer;
import io.telefetch.tl.api.contacts.ResolvedPeerType;
import io.telefetch.tl.api.messages.ChannelMessages;
import io.telefetch.tl.api.messages.Chats;
import io.telefetch.tl.api.messages.ChatsSlice;
import io.telefetch.tl.api.messages.ChatsType;
import io.telefetch.tl.api.messages.CheckChatInvite;
import io.telefetch.tl.api.messages.Dialogs;
import io.telefetch.tl.api.messages.DialogsSlice;
import io.telefetch.tl.api.messages.DialogsType;
import io.telefetch.tl.api.messages.DiscussionMessage;
import io.telefetch.tl.api.messages.DiscussionMessageType;
import io.telefetch.tl.api.messages.GetDialogs;
import io.telefetch.tl.api.messages.GetDiscussionMessage;
import io.telefetch.tl.api.messages.Messages;
import io.telefetch.tl.api.messages.MessagesSlice;
import io.telefetch.tl.api.messages.MessagesType;
import io.telefetch.tl.api.stories.GetStoriesByID;
import io.telefetch.tl.api.stories.Stories;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Resolves Telegram links to peers, messages and the files to download, over one logged-in
 * {@link TelegramClient}, with a {@link MetadataCache} in front.
 *
 * <pre>{@code
 * LinkResolver links = LinkResolver.create(client);
 * ResolvedLink post = links.resolve("https://t.me/telefetch_demo/2").join();
 * fetcher.download(post.media().get(0)).toPath(dir).join();   // a directory: the file keeps its own name
 * }</pre>
 *
 * <p>What each kind resolves to: a post ({@code t.me/<username>/<msg>}, also in a topic) to its
 * message's file ({@code channels.getMessages}; users and basic groups through {@code
 * messages.getMessages}), or, without {@code ?single}, to every file of its album in order; a
 * {@code ?comment=} to the comment in the linked discussion group ({@code
 * messages.getDiscussionMessage}); a {@code /c/} private post to its channel among the account's
 * known peers (the cache, then {@code channels.getChannels} with access hash 0, which bots may
 * send, then {@code messages.getDialogs}, which users may call); an invite to its preview ({@code
 * messages.checkChatInvite}) and photo; a story to its video or photo ({@code
 * stories.getStoriesByID}); a username (or a phone number) alone to the peer and its profile photo.
 * Failures are {@link LinkResolveException}s with a {@link Reason}; a message without media ({@link
 * Reason#NO_MEDIA}) and a missing one ({@link Reason#MESSAGE_NOT_FOUND}) differ.
 *
 * <p>Every returned {@link MediaFile} refreshes its own file reference by fetching its source (the
 * message, story or invite) again through this resolver. Thread-safe.
 */
public final class LinkResolver {
  /** An album has at most 10 items, so every item is within 9 ids of any other. */
  private static final int ALBUM_SPAN = 9;
  private static final int DIALOGS_PAGE = 100;

  /** The one call the resolver needs from a client (a method reference to {@link TelegramClient#invoke}). */
  interface Rpc {
    <R> CompletableFuture<R> invoke(TlMethod<R> method);
  }

  private final Rpc rpc;
  private final MetadataCache cache;
  private final Duration peerTtl;
  private final Duration linkTtl;
  private final int maxDialogPages;

  private LinkResolver(Builder b) {
    this.rpc = b.rpc;
    this.cache = b.cache;
    this.peerTtl = b.peerTtl;
    this.linkTtl = b.linkTtl;
    this.maxDialogPages = b.maxDialogPages;
  }

  /** A resolver over {@code client} (logged in) with an in-memory cache and the default times to live. */
  public static LinkResolver create(TelegramClient client) {
    return builder(client).build();
  }

  /** A builder of a resolver over {@code client}. */
  public static Builder builder(TelegramClient client) {
    Objects.requireNonNull(client, "client");
    return new Builder(client::invoke);
  }

  /** The cache this resolver reads and fills. */
  public MetadataCache cache() {
    return cache;
  }

  // ------------------------------------------------------------------ links

  /**
   * Parses and resolves {@code link}; a link that does not parse fails the future with {@link
   * LinkParseException}.
   */
  public CompletableFuture<ResolvedLink> resolve(String link) {
    TelegramLink parsed;
    try {
      parsed = TelegramLink.parse(link);
    } catch (LinkParseException e) {
      return CompletableFuture.failedFuture(e);
    }
    return resolve(parsed);
  }

  /** Resolves {@code link} (from the cache when it holds it). */
  public CompletableFuture<ResolvedLink> resolve(TelegramLink link) {
    Objects.requireNonNull(link, "link");
    if (link instanceof TelegramLink.Unsupported u) {
      return CompletableFuture.failedFuture(new LinkResolveException(Reason.UNSUPPORTED,
          "a " + u.what() + " link carries no media"));
    }
    String key = cacheKey(link);
    Optional<LinkMetadata> cached = cache.link(key);
    if (cached.isPresent()) {
      return CompletableFuture.completedFuture(result(link, cached.get(), true));
    }
    CompletableFuture<LinkMetadata> metadata;
    try {
      metadata = metadata(link);
    } catch (RuntimeException e) {
      metadata = CompletableFuture.failedFuture(e);
    }
    return metadata.handle((m, e) -> {
      if (e != null) {
        forgetStalePeer(link, unwrap(e));
        throw e instanceof CompletionException c ? c : new CompletionException(e);
      }
      cache.putLink(key, m, linkTtl);
      return result(link, m, false);
    });
  }

  /**
   * After a failure that a stale cached peer explains (its access hash no longer accepted:
   * CHANNEL_INVALID, CHANNEL_PRIVATE), forgets the peer so that the next resolve asks again.
   */
  private void forgetStalePeer(TelegramLink link, Throwable e) {
    if (!(e instanceof LinkResolveException r)
        || (r.reason() != Reason.NOT_A_MEMBER && r.reason() != Reason.PRIVATE)) {
      return;
    }
    String username = link instanceof TelegramLink.Post p ? p.username()
        : link instanceof TelegramLink.Story s ? s.username() : link instanceof TelegramLink.Username u ? u.username()
        : null;
    if (username != null) {
      cache.peer(usernameKey(username)).ifPresent(p -> cache.invalidate(channelKey(p.id())));
      cache.invalidate(usernameKey(username));
    }
    if (link instanceof TelegramLink.PrivatePost p) {
      cache.invalidate(channelKey(p.channelId()));
    }
  }

  private static String usernameKey(String username) {
    return "username:" + (username.startsWith("@") ? username.substring(1) : username).toLowerCase(Locale.ROOT);
  }

  private ResolvedLink result(TelegramLink link, LinkMetadata m, boolean fromCache) {
    return new ResolvedLink(link, m, m.media().stream().map(this::file).toList(), fromCache);
  }

  private CompletableFuture<LinkMetadata> metadata(TelegramLink link) {
    if (link instanceof TelegramLink.Post p) {
      return resolveUsername(p.username()).thenCompose(peer -> post(peer, p.messageId(), p.options()));
    }
    if (link instanceof TelegramLink.PrivatePost p) {
      return channel(p.channelId()).thenCompose(peer -> post(peer, p.messageId(), p.options()))
          .thenApply(m -> new LinkMetadata(TelegramLink.Kind.PRIVATE_POST, m.peer(), m.messageIds(), m.media(), null));
    }
    if (link instanceof TelegramLink.Username u) {
      return resolveUsername(u.username()).thenApply(peer -> peerMetadata(TelegramLink.Kind.USERNAME, peer));
    }
    if (link instanceof TelegramLink.Phone p) {
      return resolvePhone(p.phone()).thenApply(peer -> peerMetadata(TelegramLink.Kind.PHONE, peer));
    }
    if (link instanceof TelegramLink.Story s) {
      return resolveUsername(s.username()).thenCompose(peer -> story(peer, s.storyId()).thenApply(ref ->
          new LinkMetadata(TelegramLink.Kind.STORY, peer, List.of(s.storyId()), List.of(ref), null)));
    }
    if (link instanceof TelegramLink.Invite i) {
      return invite(i.hash());
    }
    throw new AssertionError("unexpected link " + link); // the kinds above are all that reach here
  }

  private LinkMetadata peerMetadata(TelegramLink.Kind kind, Peer peer) {
    return new LinkMetadata(kind, peer, List.of(), peerPhoto(peer).map(List::of).orElse(List.of()), null);
  }

  /** A post's media: the comment's, the single message's, or the whole album's. */
  private CompletableFuture<LinkMetadata> post(Peer peer, int messageId, PostOptions options) {
    if (options.comment().isPresent()) {
      int commentId = options.comment().getAsInt();
      return discussionGroup(peer, messageId).thenCompose(group -> message(group, commentId).thenApply(m ->
          new LinkMetadata(TelegramLink.Kind.POST, group, List.of(commentId), List.of(mediaOf(group, m)), null)));
    }
    return message(peer, messageId).thenCompose(m -> {
      Message msg = (Message) m;
      if (options.single() || msg.groupedId() == null) {
        return CompletableFuture.completedFuture(
            new LinkMetadata(TelegramLink.Kind.POST, peer, List.of(messageId), List.of(mediaOf(peer, msg)), null));
      }
      int[] around = IntStream.rangeClosed(Math.max(1, messageId - ALBUM_SPAN), messageId + ALBUM_SPAN)
          .filter(i -> i > 0).toArray();
      return messages(peer, around).thenApply(all -> {
        List<Message> album = all.stream().filter(x -> x instanceof Message am && msg.groupedId().equals(am.groupedId()))
            .map(Message.class::cast).sorted(Comparator.comparingInt(Message::id)).toList();
        List<Integer> ids = album.stream().map(Message::id).toList();
        List<MediaRef> media = album.stream().map(x -> mediaOf(peer, x)).toList();
        return new LinkMetadata(TelegramLink.Kind.POST, peer, ids, media, null);
      });
    });
  }

  /** The discussion group holding the comments of {@code channel}'s post {@code messageId}. */
  private CompletableFuture<Peer> discussionGroup(Peer channel, int messageId) {
    return message(channel, messageId).thenCompose(m -> {
      Message post = (Message) m;
      Long groupId = post.replies() instanceof MessageReplies r && r.comments() ? r.channelId() : null;
      if (groupId == null && post.replies() instanceof MessageReplies r) {
        groupId = r.channelId();
      }
      if (groupId == null) {
        throw new LinkResolveException(Reason.NO_DISCUSSION,
            "post " + messageId + " of " + channel.describe() + " has no comments");
      }
      long wanted = groupId;
      Optional<Peer> known = cache.peer(channelKey(wanted));
      if (known.isPresent()) {
        return CompletableFuture.completedFuture(known.get());
      }
      return call(new GetDiscussionMessage(channel.toInputPeer(), messageId), "post " + messageId + " of "
          + channel.describe()).thenApply(d -> {
            List<ChatType> chats = d instanceof DiscussionMessage dm ? dm.chats() : List.of();
            learn(chats, List.of());
            return chats.stream().map(Peer::of).flatMap(Optional::stream).filter(p -> p.id() == wanted).findFirst()
                .orElseThrow(() -> new LinkResolveException(Reason.NO_DISCUSSION, "the discussion group of post "
                    + messageId + " of " + channel.describe() + " is not readable"));
          });
    });
  }

  private CompletableFuture<MediaRef> story(Peer owner, int storyId) {
    String what = "story " + storyId + " of " + owner.describe();
    return call(new GetStoriesByID(owner.toInputPeer(), List.of(storyId)), what).thenApply(s -> {
      List<StoryItemType> items = s instanceof Stories st ? st.stories() : List.of();
      StoryItem item = items.stream().filter(x -> x instanceof StoryItem si && si.id() == storyId)
          .map(StoryItem.class::cast).findFirst()
          .orElseThrow(() -> new LinkResolveException(Reason.STORY_NOT_FOUND, what + " does not exist or expired"));
      return media(item.media(), MediaSource.story(owner, storyId), what);
    });
  }

  private CompletableFuture<LinkMetadata> invite(String hash) {
    return call(new CheckChatInvite(hash), "the invite").thenApply(invite -> {
      if (invite instanceof ChatInvite ci) {
        List<MediaRef> media = ci.photo() instanceof Photo photo
            ? List.of(photoRef(photo, MediaSource.invite(hash))) : List.of();
        return new LinkMetadata(TelegramLink.Kind.INVITE, null, List.of(), media,
            new InvitePreview(ci.title(), ci.about(), ci.participantsCount(), ci.broadcast(), ci.megagroup(), null));
      }
      ChatType chat = invite instanceof ChatInviteAlready a ? a.chat() : ((ChatInvitePeek) invite).chat();
      learn(List.of(chat), List.of());
      Peer peer = Peer.of(chat).orElseThrow(() -> new LinkResolveException(Reason.INVITE_INVALID,
          "the invite names a chat the account cannot see"));
      int participants = chat instanceof io.telefetch.tl.api.Channel c && c.participantsCount() != null
          ? c.participantsCount() : 0;
      boolean broadcast = chat instanceof io.telefetch.tl.api.Channel c && c.broadcast();
      boolean megagroup = chat instanceof io.telefetch.tl.api.Channel c && c.megagroup();
      return new LinkMetadata(TelegramLink.Kind.INVITE, peer, List.of(), peerPhoto(peer).map(List::of).orElse(List.of()),
          new InvitePreview(peer.title(), null, participants, broadcast, megagroup, peer));
    });
  }

  // ------------------------------------------------------------------ peers

  /**
   * The peer with {@code username} ({@code contacts.resolveUsername}, cached with its access hash);
   * {@link Reason#USERNAME_NOT_FOUND} when no peer has it.
   */
  public CompletableFuture<Peer> resolveUsername(String username) {
    String name = Objects.requireNonNull(username, "username").startsWith("@") ? username.substring(1) : username;
    String key = usernameKey(name);
    Optional<Peer> cached = cache.peer(key);
    if (cached.isPresent()) {
      return CompletableFuture.completedFuture(cached.get());
    }
    return call(new ResolveUsername(name, null), "@" + name).thenApply(r -> {
      Peer peer = resolved(r, "@" + name, Reason.USERNAME_NOT_FOUND);
      cache.putPeer(key, peer, peerTtl);
      return peer;
    });
  }

  /** The peer with the phone number {@code phone} (digits; {@code contacts.resolvePhone}). */
  public CompletableFuture<Peer> resolvePhone(String phone) {
    String digits = Objects.requireNonNull(phone, "phone").replaceAll("[^0-9]", "");
    return call(new ResolvePhone(digits), "the phone number").thenApply(
        r -> resolved(r, "the phone number", Reason.PHONE_NOT_FOUND));
  }

  private Peer resolved(ResolvedPeerType r, String what, Reason notFound) {
    ResolvedPeer rp = (ResolvedPeer) r;
    learn(rp.chats(), rp.users());
    long id = peerId(rp.peer());
    Optional<Peer> peer = rp.peer() instanceof io.telefetch.tl.api.PeerUser
        ? rp.users().stream().map(Peer::of).flatMap(Optional::stream).filter(p -> p.id() == id).findFirst()
        : rp.chats().stream().map(Peer::of).flatMap(Optional::stream).filter(p -> p.id() == id).findFirst();
    return peer.orElseThrow(() -> new LinkResolveException(notFound, what + " resolved to a peer it did not describe"));
  }

  private static long peerId(io.telefetch.tl.api.Peer p) {
    if (p instanceof io.telefetch.tl.api.PeerUser u) {
      return u.userId();
    }
    if (p instanceof io.telefetch.tl.api.PeerChat c) {
      return c.chatId();
    }
    return ((io.telefetch.tl.api.PeerChannel) p).channelId();
  }

  /**
   * The channel with {@code channelId} (a {@code /c/} link's id) among the account's known peers:
   * the cache (every channel a call described), then {@code channels.getChannels} with access hash
   * 0 (what bots may send for channels they belong to), then the account's dialogs (users; at most
   * {@link Builder#maxDialogPages} pages). {@link Reason#NOT_A_MEMBER} when none knows it.
   */
  public CompletableFuture<Peer> channel(long channelId) {
    Optional<Peer> cached = cache.peer(channelKey(channelId));
    if (cached.isPresent()) {
      return CompletableFuture.completedFuture(cached.get());
    }
    List<InputChannelType> ids = List.of(new InputChannel(channelId, 0));
    return rpc.invoke(new GetChannels(ids)).handle((chats, e) -> {
      if (e == null) {
        List<ChatType> list = chats instanceof Chats c ? c.chats() : chats instanceof ChatsSlice s ? s.chats() : List.of();
        learn(list, List.of());
        Optional<Peer> found = list.stream().map(Peer::of).flatMap(Optional::stream)
            .filter(p -> p.id() == channelId && p.accessHash() != 0).findFirst();
        if (found.isPresent()) {
          return CompletableFuture.completedFuture(found.get());
        }
      } else if (!(unwrap(e) instanceof RpcException)) {
        return CompletableFuture.<Peer>failedFuture(unwrap(e));
      }
      return dialogs(channelId, 0, 0, new InputPeerEmpty(), 0);
    }).thenCompose(Function.identity());
  }

  private CompletableFuture<Peer> dialogs(long channelId, int offsetDate, int offsetId,
      io.telefetch.tl.api.InputPeer offsetPeer, int page) {
    String what = "channel " + channelId;
    if (page >= maxDialogPages) {
      return CompletableFuture.failedFuture(notAMember(channelId, null));
    }
    GetDialogs m = GetDialogs.builder().offsetDate(offsetDate).offsetId(offsetId).offsetPeer(offsetPeer)
        .limit(DIALOGS_PAGE).build();
    return rpc.invoke(m).handle((d, e) -> {
      if (e != null) {
        Throwable c = unwrap(e);
        if (c instanceof RpcException r && r.errorMessage().equals("BOT_METHOD_INVALID")) {
          return CompletableFuture.<Peer>failedFuture(notAMember(channelId, r));
        }
        return CompletableFuture.<Peer>failedFuture(c);
      }
      List<ChatType> chats;
      List<MessageType> messages;
      int count;
      if (d instanceof Dialogs x) {
        chats = x.chats();
        messages = x.messages();
        count = x.dialogs().size();
      } else if (d instanceof DialogsSlice x) {
        chats = x.chats();
        messages = x.messages();
        count = x.dialogs().size();
      } else {
        return CompletableFuture.<Peer>failedFuture(notAMember(channelId, null));
      }
      learn(chats, List.of());
      Optional<Peer> found = chats.stream().map(Peer::of).flatMap(Optional::stream)
          .filter(p -> p.isChannel() && p.id() == channelId).findFirst();
      if (found.isPresent()) {
        return CompletableFuture.completedFuture(found.get());
      }
      Optional<Message> oldest = messages.stream().filter(Message.class::isInstance).map(Message.class::cast)
          .min(Comparator.comparingInt(Message::date));
      if (!(d instanceof DialogsSlice) || count < DIALOGS_PAGE || oldest.isEmpty()
          || (offsetDate != 0 && oldest.get().date() >= offsetDate)) {
        return CompletableFuture.<Peer>failedFuture(notAMember(channelId, null));
      }
      return dialogs(channelId, oldest.get().date(), 0, new InputPeerEmpty(), page + 1);
    }).thenCompose(Function.identity());
  }

  private static LinkResolveException notAMember(long channelId, Throwable cause) {
    return new LinkResolveException(Reason.NOT_A_MEMBER, "channel " + channelId
        + " is unknown to this account: not a member, or no such channel", cause);
  }

  /** Caches every channel described with a usable access hash (the account's known peers). */
  private void learn(List<ChatType> chats, List<UserType> users) {
    for (ChatType c : chats) {
      if (c instanceof io.telefetch.tl.api.Channel ch && !ch.min() && ch.accessHash() != null) {
        Peer.of(c).ifPresent(p -> cache.putPeer(channelKey(p.id()), p, peerTtl));
      }
    }
  }

  private static String channelKey(long id) {
    return "channel:" + id;
  }

  // ------------------------------------------------------------------ messages

  /**
   * Messages {@code ids} of {@code peer}, in the order asked ({@code channels.getMessages} for
   * channels, {@code messages.getMessages} for users and basic groups); a missing one is a {@code
   * messageEmpty}.
   */
  public CompletableFuture<List<MessageType>> messages(Peer peer, int... ids) {
    Objects.requireNonNull(peer, "peer");
    List<InputMessage> in = new ArrayList<>();
    for (int id : IntStream.of(ids).distinct().toArray()) {
      in.add(new InputMessageID(id));
    }
    String what = "messages of " + peer.describe();
    CompletableFuture<MessagesType> f = peer.isChannel()
        ? call(new io.telefetch.tl.api.channels.GetMessages(peer.toInputChannel(), in), what)
        : call(new io.telefetch.tl.api.messages.GetMessages(in), what);
    return f.thenApply(r -> {
      List<MessageType> list;
      if (r instanceof ChannelMessages c) {
        learn(c.chats(), c.users());
        list = c.messages();
      } else if (r instanceof Messages c) {
        learn(c.chats(), c.users());
        list = c.messages();
      } else if (r instanceof MessagesSlice c) {
        learn(c.chats(), c.users());
        list = c.messages();
      } else {
        list = List.of();
      }
      Map<Integer, MessageType> byId = new LinkedHashMap<>();
      for (MessageType m : list) {
        if (m instanceof Message x) {
          byId.put(x.id(), m);
        }
      }
      List<MessageType> out = new ArrayList<>();
      for (int id : ids) {
        out.add(byId.getOrDefault(id, new io.telefetch.tl.api.MessageEmpty(id, null)));
      }
      return out;
    });
  }

  /** Message {@code id} of {@code peer}; {@link Reason#MESSAGE_NOT_FOUND} when it does not exist. */
  public CompletableFuture<MessageType> message(Peer peer, int id) {
    return messages(peer, id).thenApply(list -> {
      MessageType m = list.get(0);
      if (!(m instanceof Message)) {
        throw new LinkResolveException(Reason.MESSAGE_NOT_FOUND, peer.describe() + " has no message " + id);
      }
      return m;
    });
  }

  /**
   * The file of message {@code id} of {@code peer}, refreshing its reference through this resolver;
   * {@link Reason#MESSAGE_NOT_FOUND} or {@link Reason#NO_MEDIA}.
   */
  public CompletableFuture<MediaFile> mediaFile(Peer peer, int id) {
    return message(peer, id).thenApply(m -> mediaFile(peer, m));
  }

  /**
   * The file of {@code message} of {@code peer} (a document, the largest size of a photo, or the
   * document or photo of a link preview), refreshing its reference through this resolver.
   *
   * @throws LinkResolveException {@link Reason#NO_MEDIA} if it holds nothing downloadable
   */
  public MediaFile mediaFile(Peer peer, MessageType message) {
    return file(mediaOf(peer, message));
  }

  private MediaRef mediaOf(Peer peer, MessageType message) {
    int id = message instanceof Message m ? m.id() : 0;
    String what = "message " + id + " of " + peer.describe();
    if (!(message instanceof Message m)) {
      throw new LinkResolveException(Reason.MESSAGE_NOT_FOUND, peer.describe() + " has no message " + id);
    }
    return media(m.media(), MediaSource.message(peer, id), what);
  }

  private MediaRef media(MessageMedia media, MediaSource source, String what) {
    try {
      if (media instanceof MessageMediaDocument || media instanceof MessageMediaPhoto) {
        MediaFile f = MediaFiles.fromMedia(media, null);
        return media instanceof MessageMediaPhoto p ? photoRef((Photo) p.photo(), source) : MediaRef.of(f, source);
      }
      if (media instanceof MessageMediaWebPage w && w.webpage() instanceof WebPage page) {
        if (page.document() instanceof Document d) {
          return MediaRef.of(MediaFiles.document(d, null), source);
        }
        if (page.photo() instanceof Photo p) {
          return photoRef(p, source);
        }
      }
    } catch (NoMediaException | ClassCastException e) {
      throw new LinkResolveException(Reason.NO_MEDIA, what + " holds nothing downloadable", e);
    }
    throw new LinkResolveException(Reason.NO_MEDIA, what + " has no media"
        + (media == null ? "" : " to download (" + media.tlName() + ")"));
  }

  /** The largest size of {@code photo}, named {@code photo_<id>_<type>.jpg}. */
  private static MediaRef photoRef(Photo photo, MediaSource source) {
    List<String> sizes = MediaFiles.sizes(photo);
    if (sizes.isEmpty()) {
      throw new LinkResolveException(Reason.NO_MEDIA, "photo " + photo.id() + " has no downloadable size");
    }
    String type = sizes.get(sizes.size() - 1);
    MediaFile f = MediaFiles.photo(photo, type, null);
    MediaRef r = MediaRef.of(f, source);
    return new MediaRef(r.location(), r.id(), r.accessHash(), r.fileReference(), r.thumbSize(), r.dcId(), r.size(),
        r.mimeType(), "photo_" + photo.id() + "_" + type + ".jpg", source);
  }

  /** A peer's profile photo at its big size (no file reference; size unknown). */
  private static Optional<MediaRef> peerPhoto(Peer peer) {
    if (peer.photoId() == 0 || peer.photoDc() <= 0) {
      return Optional.empty();
    }
    String owner = peer.username() != null ? peer.username() : peer.type().name().toLowerCase(Locale.ROOT) + peer.id();
    MediaFile f = new MediaFile(InputPeerPhotoFileLocation.builder().big(true).peer(peer.toInputPeer())
        .photoId(peer.photoId()).build(), peer.photoDc(), -1, "image/jpeg",
        owner + "_photo_" + peer.photoId() + ".jpg", null);
    return Optional.of(MediaRef.of(f, MediaSource.peerPhoto(peer)));
  }

  // ------------------------------------------------------------------ refresh

  /** {@code ref} as a file that refreshes itself through this resolver. */
  MediaFile file(MediaRef ref) {
    return ref.toMediaFile(() -> refresh(ref));
  }

  /**
   * Fetches {@code ref}'s source again and returns the file with a fresh file reference; fails with
   * {@link Reason#NO_MEDIA} when the source no longer holds that file.
   */
  public CompletableFuture<MediaFile> refresh(MediaRef ref) {
    MediaSource s = ref.source();
    CompletableFuture<MediaRef> fresh;
    switch (s.kind()) {
      case MESSAGE:
        fresh = message(s.peer(), s.id()).thenApply(m -> mediaOf(s.peer(), m));
        break;
      case STORY:
        fresh = story(s.peer(), s.id());
        break;
      case INVITE:
        fresh = invite(s.inviteHash()).thenApply(m -> m.media().isEmpty() ? null : m.media().get(0));
        break;
      default:
        // a profile photo carries no file reference: the same location stays valid
        return CompletableFuture.completedFuture(file(ref));
    }
    return fresh.thenApply(r -> {
      if (r == null || r.id() != ref.id() || !r.location().equals(ref.location())) {
        throw new LinkResolveException(Reason.NO_MEDIA, s + " no longer holds " + ref.location() + " " + ref.id());
      }
      return file(r);
    });
  }

  // ------------------------------------------------------------------ plumbing

  /** {@code method}, its RPC errors mapped to {@link LinkResolveException}s about {@code what}. */
  private <R> CompletableFuture<R> call(TlMethod<R> method, String what) {
    return rpc.invoke(method).handle((r, e) -> {
      if (e == null) {
        return CompletableFuture.completedFuture(r);
      }
      Throwable c = unwrap(e);
      if (c instanceof RpcException rpcError) {
        Reason reason = reason(rpcError.errorMessage());
        if (reason != null) {
          return CompletableFuture.<R>failedFuture(new LinkResolveException(reason, what + ": "
              + rpcError.errorMessage(), rpcError));
        }
      }
      return CompletableFuture.<R>failedFuture(c);
    }).thenCompose(Function.identity());
  }

  private static Reason reason(String error) {
    switch (error) {
      case "USERNAME_NOT_OCCUPIED":
      case "USERNAME_INVALID":
        return Reason.USERNAME_NOT_FOUND;
      case "PHONE_NOT_OCCUPIED":
      case "PHONE_NUMBER_INVALID":
        return Reason.PHONE_NOT_FOUND;
      case "MSG_ID_INVALID":
      case "MESSAGE_IDS_EMPTY":
        return Reason.MESSAGE_NOT_FOUND;
      case "CHANNEL_PRIVATE":
      case "CHANNEL_PUBLIC_GROUP_NA":
        return Reason.PRIVATE;
      case "CHANNEL_INVALID":
      case "PEER_ID_INVALID":
        return Reason.NOT_A_MEMBER;
      case "INVITE_HASH_INVALID":
      case "INVITE_HASH_EXPIRED":
      case "INVITE_HASH_EMPTY":
        return Reason.INVITE_INVALID;
      case "STORY_ID_INVALID":
      case "STORIES_NEVER_CREATED":
        return Reason.STORY_NOT_FOUND;
      case "BOT_METHOD_INVALID":
        return Reason.USER_ACCOUNT_REQUIRED;
      default:
        return null;
    }
  }

  private static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** The cache key of a link: never an invite hash or a phone number in clear. */
  static String cacheKey(TelegramLink link) {
    if (link instanceof TelegramLink.Post p) {
      return "link:post:" + p.username().toLowerCase(Locale.ROOT) + "/" + p.messageId() + options(p.options());
    }
    if (link instanceof TelegramLink.PrivatePost p) {
      return "link:c:" + p.channelId() + "/" + p.messageId() + options(p.options());
    }
    if (link instanceof TelegramLink.Username u) {
      return "link:username:" + u.username().toLowerCase(Locale.ROOT);
    }
    if (link instanceof TelegramLink.Story s) {
      return "link:story:" + s.username().toLowerCase(Locale.ROOT) + "/" + s.storyId();
    }
    if (link instanceof TelegramLink.Invite i) {
      return "link:invite:" + sha256(i.hash());
    }
    if (link instanceof TelegramLink.Phone p) {
      return "link:phone:" + sha256(p.phone());
    }
    return "link:other:" + sha256(link.toUrl());
  }

  private static String options(PostOptions o) {
    return (o.comment().isPresent() ? "?comment=" + o.comment().getAsInt() : "") + (o.single() ? "?single" : "");
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e); // every JDK has SHA-256
    }
  }

  @Override
  public String toString() {
    return "LinkResolver{cache=" + cache + ", peerTtl=" + peerTtl + ", linkTtl=" + linkTtl + "}";
  }

  /** Options of a {@link LinkResolver}. */
  public static final class Builder {
    private final Rpc rpc;
    private MetadataCache cache;
    private Duration peerTtl = Duration.ofHours(1);
    private Duration linkTtl = Duration.ofMinutes(10);
    private int maxDialogPages = 10;

    Builder(Rpc rpc) {
      this.rpc = Objects.requireNonNull(rpc, "rpc");
    }

    /** Where peers and link metadata are kept (default: a new {@link MetadataCache#inMemory()}). */
    public Builder cache(MetadataCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /** How long a username's or channel id's peer is kept (default 1 hour; zero keeps none). */
    public Builder peerTtl(Duration ttl) {
      this.peerTtl = requireNotNegative(ttl);
      return this;
    }

    /** How long a link's metadata (peer, ids, media) is kept (default 10 minutes; zero keeps none). */
    public Builder linkTtl(Duration ttl) {
      this.linkTtl = requireNotNegative(ttl);
      return this;
    }

    /** At most this many pages of 100 dialogs are read to find a {@code /c/} channel (default 10). */
    public Builder maxDialogPages(int pages) {
      if (pages < 0 || pages > 1000) {
        throw new IllegalArgumentException("maxDialogPages must be in 0..1000: " + pages);
      }
      this.maxDialogPages = pages;
      return this;
    }

    private static Duration requireNotNegative(Duration ttl) {
      if (Objects.requireNonNull(ttl, "ttl").isNegative()) {
        throw new IllegalArgumentException("negative time to live " + ttl);
      }
      return ttl;
    }

    public LinkResolver build() {
      if (cache == null) {
        cache = MetadataCache.inMemory();
      }
      return new LinkResolver(this);
    }
  }
}
