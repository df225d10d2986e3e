package io.telefetch.testkit.world;

import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.Channel;
import io.telefetch.tl.api.ChatPhotoEmpty;
import io.telefetch.tl.api.ChatType;
import io.telefetch.tl.api.Document;
import io.telefetch.tl.api.DocumentAttribute;
import io.telefetch.tl.api.DocumentAttributeFilename;
import io.telefetch.tl.api.DocumentAttributeVideo;
import io.telefetch.tl.api.DocumentType;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageEmpty;
import io.telefetch.tl.api.MessageFwdHeader;
import io.telefetch.tl.api.MessageMedia;
import io.telefetch.tl.api.MessageMediaDocument;
import io.telefetch.tl.api.MessageMediaPhoto;
import io.telefetch.tl.api.MessageReplies;
import io.telefetch.tl.api.MessageReplyHeader;
import io.telefetch.tl.api.MessageType;
import io.telefetch.tl.api.Peer;
import io.telefetch.tl.api.PeerChannel;
import io.telefetch.tl.api.PeerUser;
import io.telefetch.tl.api.Photo;
import io.telefetch.tl.api.PhotoSize;
import io.telefetch.tl.api.PhotoSizeType;
import io.telefetch.tl.api.PhotoType;
import io.telefetch.tl.api.User;
import io.telefetch.tl.api.ChatPhoto;
import io.telefetch.tl.api.ForumTopic;
import io.telefetch.tl.api.ForumTopicType;
import io.telefetch.tl.api.MessageActionTopicCreate;
import io.telefetch.tl.api.MessageMediaWebPage;
import io.telefetch.tl.api.MessageService;
import io.telefetch.tl.api.PeerNotifySettings;
import io.telefetch.tl.api.StoryItem;
import io.telefetch.tl.api.StoryItemType;
import io.telefetch.tl.api.WebPage;
import io.telefetch.tl.api.UserType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders world values as the TL objects Telegram sends, for one viewer, collecting the users and
 * chats a response must carry alongside. Every rendered media item carries its current file
 * reference (a fresh one if the previous expired). One instance per response; not thread-safe.
 */
final class TlViews {
  private final World world;
  private final long viewerId;
  private final Map<Long, UserType> users = new LinkedHashMap<>();
  private final Map<Long, ChatType> chats = new LinkedHashMap<>();

  TlViews(World world, long viewerId) {
    this.world = world;
    this.viewerId = viewerId;
  }

  /** The users referenced so far. */
  List<UserType> users() {
    return new ArrayList<>(users.values());
  }

  /** The chats referenced so far. */
  List<ChatType> chats() {
    return new ArrayList<>(chats.values());
  }

  static Peer peer(Object userOrChannel) {
    return userOrChannel instanceof WorldUser u ? new PeerUser(u.id()) : new PeerChannel(((WorldChannel) userOrChannel).id());
  }

  /** Adds the user (or channel) to the response and returns its peer. */
  Peer include(Object userOrChannel) {
    if (userOrChannel instanceof WorldUser u) {
      user(u);
    } else {
      channel((WorldChannel) userOrChannel);
    }
    return peer(userOrChannel);
  }

  UserType user(WorldUser u) {
    return users.computeIfAbsent(u.id(), id -> render(u));
  }

  private UserType render(WorldUser u) {
    boolean self = u.id() == viewerId;
    User.Builder b = User.builder().self(self).id(u.id()).accessHash(u.accessHash()).firstName(u.firstName())
        .lastName(u.lastName().orElse(null)).username(u.username().orElse(null))
        .phone(self ? u.phone().orElse(null) : null);
    if (u.isBot()) {
      b.bot(true).botInfoVersion(1);
    }
    return b.build();
  }

  ChatType channel(WorldChannel c) {
    return chats.computeIfAbsent(c.id(), id -> render(c));
  }

  private ChatType render(WorldChannel c) {
    boolean linked = c.discussionGroupId() != 0 || world.discussedChannel(c).isPresent();
    return Channel.builder().id(c.id()).accessHash(c.accessHash()).title(c.title()).username(c.username().orElse(null))
        .photo(c.photo().<io.telefetch.tl.api.ChatPhotoType>map(p -> ChatPhoto.builder().photoId(p.id()).dcId(p.dc())
            .build()).orElseGet(ChatPhotoEmpty::new))
        .date(c.date()).broadcast(c.isBroadcast()).megagroup(c.isMegagroup()).forum(c.isForum())
        .left(!c.members().contains(viewerId)).hasLink(linked).participantsCount(Math.max(1, c.members().size()))
        .build();
  }

  MessageType message(WorldMessage m) {
    WorldChannel channel = world.channel(m.channelId()).orElseThrow();
    channel(channel);
    if (m.topicTitle().isPresent()) {
      MessageService.Builder s = MessageService.builder().id(m.id()).peerId(new PeerChannel(channel.id()))
          .date(m.date()).action(MessageActionTopicCreate.builder().title(m.topicTitle().get())
              .iconColor(world.topic(channel, m.id()).map(WorldTopic::iconColor).orElse(0)).build());
      m.fromUserId().ifPresent(id -> {
        world.user(id).ifPresent(this::user);
        s.fromId(new PeerUser(id));
      });
      return s.build();
    }
    Message.Builder b = Message.builder().id(m.id()).peerId(new PeerChannel(channel.id())).date(m.date())
        .message(m.text());
    if (channel.isBroadcast()) {
      b.post(true).views(m.views()).forwards(0);
    }
    if (m.fromUserId().isPresent()) {
      world.user(m.fromUserId().getAsLong()).ifPresent(this::user);
      b.fromId(new PeerUser(m.fromUserId().getAsLong()));
    }
    m.forward().ifPresent(f -> {
      world.channel(f.channelId()).ifPresent(this::channel);
      PeerChannel from = new PeerChannel(f.channelId());
      b.fromId(from).fwdFrom(MessageFwdHeader.builder().fromId(from).date(f.date()).channelPost(f.messageId())
          .savedFromPeer(from).savedFromMsgId(f.messageId()).build());
    });
    if (m.replyToMsgId() != 0) {
      b.replyTo(MessageReplyHeader.builder().forumTopic(m.inForumTopic()).replyToMsgId(m.replyToMsgId())
          .replyToTopId(m.replyToTopId() == 0 ? null : m.replyToTopId()).build());
    }
    m.media().ifPresent(media -> b.media(media(media)));
    m.webPage().ifPresent(w -> b.media(MessageMediaWebPage.builder().webpage(webPage(w)).build()));
    m.groupedId().ifPresent(b::groupedId);
    replies(channel, m, b);
    return b.build();
  }

  /** Thread info: comments under a post, or replies under a discussion copy. */
  private void replies(WorldChannel channel, WorldMessage m, Message.Builder b) {
    if (channel.isBroadcast() && channel.discussionGroupId() != 0) {
      List<WorldMessage> comments = world.comments(m);
      Integer maxId = comments.isEmpty() ? null : comments.get(comments.size() - 1).id();
      b.replies(MessageReplies.builder().comments(true).channelId(channel.discussionGroupId())
          .replies(comments.size()).repliesPts(comments.size()).maxId(maxId).build());
    } else if (m.forward().isPresent()) {
      int root = m.id();
      List<WorldMessage> replies = world.messageMap(channel.id()).values().stream()
          .filter(r -> r.threadId() == root).toList();
      Integer maxId = replies.isEmpty() ? null : replies.get(replies.size() - 1).id();
      b.replies(MessageReplies.builder().replies(replies.size()).repliesPts(replies.size()).maxId(maxId).build());
    }
  }

  static MessageType empty(long channelId, int id) {
    return new MessageEmpty(id, new PeerChannel(channelId));
  }

  MessageMedia media(WorldMedia media) {
    if (media instanceof WorldDocument d) {
      return MessageMediaDocument.builder().document(document(d))
          .video(d.video().isPresent() && d.mimeType().startsWith("video/")).build();
    }
    return MessageMediaPhoto.builder().photo(photo((WorldPhoto) media)).build();
  }

  WebPage webPage(WorldWebPage w) {
    return WebPage.builder().id(w.id()).url(w.url()).displayUrl(w.displayUrl()).hash(Long.hashCode(w.id()))
        .type(w.type()).siteName(w.siteName()).title(w.title()).description(w.description())
        .photo(w.photo() == null ? null : photo(w.photo())).document(w.document() == null ? null : document(w.document()))
        .hasLargeMedia(w.photo() != null || w.document() != null).build();
  }

  /** A story as {@code storyItem}, its media with current file references. */
  StoryItemType story(WorldStory s) {
    Object owner = world.current(s.owner());
    include(owner);
    StoryItem.Builder b = StoryItem.builder().id(s.id()).date(s.date()).expireDate(s.expireDate())
        .pinned(s.pinned()).public_(true).caption(s.caption().isEmpty() ? null : s.caption()).media(media(s.media()));
    if (owner instanceof WorldChannel) {
      b.fromId(peer(owner));
    }
    return b.build();
  }

  /** A forum topic as {@code forumTopic}; its top message is rendered too (the caller adds it to the answer). */
  ForumTopicType topic(WorldTopic t, int topMessage) {
    ForumTopic.Builder b = ForumTopic.builder().id(t.id()).date(t.date()).peer(new PeerChannel(t.channelId()))
        .title(t.title()).iconColor(t.iconColor()).topMessage(topMessage).readInboxMaxId(topMessage)
        .readOutboxMaxId(topMessage).unreadCount(0).unreadMentionsCount(0).unreadReactionsCount(0)
        .unreadPollVotesCount(0).notifySettings(PeerNotifySettings.builder().build()).my(t.fromUserId() == viewerId);
    if (t.fromUserId() != 0) {
      world.user(t.fromUserId()).ifPresent(this::user);
      b.fromId(new PeerUser(t.fromUserId()));
    } else {
      b.fromId(new PeerChannel(t.channelId()));
    }
    return b.build();
  }

  DocumentType document(WorldDocument d) {
    List<DocumentAttribute> attributes = new ArrayList<>();
    d.video().ifPresent(v -> attributes.add(DocumentAttributeVideo.builder().supportsStreaming(v.supportsStreaming())
        .duration(v.durationSeconds()).w(v.w()).h(v.h()).build()));
    d.fileName().ifPresent(n -> attributes.add(new DocumentAttributeFilename(n)));
    return Document.builder().id(d.id()).accessHash(d.accessHash())
        .fileReference(TlBytes.wrap(world.fileReference(d))).date(d.date()).mimeType(d.mimeType()).size(d.size())
        .thumbs(d.thumbs().isEmpty() ? null : sizes(d.thumbs())).dcId(d.dc()).attributes(attributes).build();
  }

  PhotoType photo(WorldPhoto p) {
    return Photo.builder().id(p.id()).accessHash(p.accessHash()).fileReference(TlBytes.wrap(world.fileReference(p)))
        .date(p.date()).sizes(sizes(p.sizes())).dcId(p.dc()).build();
  }

  private static List<PhotoSizeType> sizes(List<WorldPhotoSize> sizes) {
    List<PhotoSizeType> out = new ArrayList<>();
    for (WorldPhotoSize s : sizes) {
      out.add(new PhotoSize(s.type(), s.w(), s.h(), (int) s.content().size()));
    }
    return out;
  }
}
