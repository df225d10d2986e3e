package io.telefetch.testkit.world;

import io.telefetch.testkit.server.CallContext;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.ChatInvite;
import io.telefetch.tl.api.ChatInviteAlready;
import io.telefetch.tl.api.ChatType;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.InputChannelFromMessage;
import io.telefetch.tl.api.InputChannelType;
import io.telefetch.tl.api.InputMessage;
import io.telefetch.tl.api.InputMessageID;
import io.telefetch.tl.api.InputMessageReplyTo;
import io.telefetch.tl.api.InputPeer;
import io.telefetch.tl.api.InputPeerChannel;
import io.telefetch.tl.api.InputPeerChannelFromMessage;
import io.telefetch.tl.api.InputPeerEmpty;
import io.telefetch.tl.api.InputUser;
import io.telefetch.tl.api.InputUserFromMessage;
import io.telefetch.tl.api.InputUserSelf;
import io.telefetch.tl.api.InputUserType;
import io.telefetch.tl.api.MessageType;
import io.telefetch.tl.api.PhotoEmpty;
import io.telefetch.tl.api.UserEmpty;
import io.telefetch.tl.api.UserType;
import io.telefetch.tl.api.channels.GetChannels;
import io.telefetch.tl.api.contacts.ResolveUsername;
import io.telefetch.tl.api.contacts.ResolvedPeer;
import io.telefetch.tl.api.messages.ChannelMessages;
import io.telefetch.tl.api.messages.Chats;
import io.telefetch.tl.api.messages.CheckChatInvite;
import io.telefetch.tl.api.messages.DiscussionMessage;
import io.telefetch.tl.api.messages.GetDiscussionMessage;
import io.telefetch.tl.api.messages.GetHistory;
import io.telefetch.tl.api.messages.GetReplies;
import io.telefetch.tl.api.messages.Messages;
import io.telefetch.tl.api.users.GetUsers;
import io.telefetch.tl.api.Dialog;
import io.telefetch.tl.api.DialogType;
import io.telefetch.tl.api.ForumTopicDeleted;
import io.telefetch.tl.api.ForumTopicType;
import io.telefetch.tl.api.InputPeerSelf;
import io.telefetch.tl.api.InputPeerUser;
import io.telefetch.tl.api.PeerChannel;
import io.telefetch.tl.api.PeerNotifySettings;
import io.telefetch.tl.api.StoryItemType;
import io.telefetch.tl.api.messages.Dialogs;
import io.telefetch.tl.api.messages.DialogsSlice;
import io.telefetch.tl.api.messages.ForumTopics;
import io.telefetch.tl.api.messages.GetDialogs;
import io.telefetch.tl.api.stories.GetStoriesByID;
import io.telefetch.tl.api.stories.Stories;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/** Users, usernames, channels and messages: the calls that resolve links to media. */
final class ContentApi {
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{3,31}");
  private static final int MAX_LIMIT = 100;

  private final World world;

  ContentApi(World world) {
    this.world = world;
  }

  /** The answer, or null if {@code method} is not a content method. */
  Object handle(CallContext ctx, TlMethod<?> method) {
    if (method instanceof GetUsers m) {
      return getUsers(ctx, m);
    } else if (method instanceof ResolveUsername m) {
      return resolveUsername(ctx, m);
    } else if (method instanceof io.telefetch.tl.api.contacts.ResolvePhone m) {
      return resolvePhone(ctx, m);
    } else if (method instanceof GetChannels m) {
      return getChannels(ctx, m);
    } else if (method instanceof io.telefetch.tl.api.channels.GetMessages m) {
      return channelMessages(ctx, m);
    } else if (method instanceof io.telefetch.tl.api.messages.GetMessages m) {
      Errors.requireUser(ctx, world);
      List<MessageType> empty = new ArrayList<>();
      for (InputMessage im : m.id()) {
        if (im instanceof InputMessageID id) {
          empty.add(new io.telefetch.tl.api.MessageEmpty(id.id(), null));
        }
      }
      return new Messages(empty, List.of(), List.of(), List.of());
    } else if (method instanceof GetHistory m) {
      return getHistory(ctx, m);
    } else if (method instanceof GetReplies m) {
      return getReplies(ctx, m);
    } else if (method instanceof GetDiscussionMessage m) {
      return getDiscussionMessage(ctx, m);
    } else if (method instanceof CheckChatInvite m) {
      return checkChatInvite(ctx, m);
    } else if (method instanceof io.telefetch.tl.api.messages.GetForumTopicsByID m) {
      WorldUser self = Errors.requireUser(ctx, world);
      return forumTopics(self, peerChannel(m.peer(), self), m.topics());
    } else if (method instanceof io.telefetch.tl.api.channels.GetForumTopicsByID m) {
      WorldUser self = Errors.requireUser(ctx, world);
      return forumTopics(self, channel(m.channel(), self), m.topics());
    } else if (method instanceof GetStoriesByID m) {
      return getStoriesByID(ctx, m);
    } else if (method instanceof GetDialogs m) {
      return getDialogs(ctx, m);
    }
    return null;
  }

  private Object getUsers(CallContext ctx, GetUsers m) {
    WorldUser self = Errors.requireUser(ctx, world);
    TlViews views = new TlViews(world, self.id());
    List<UserType> out = new ArrayList<>();
    for (InputUserType input : m.id()) {
      if (input instanceof InputUserSelf) {
        out.add(views.user(self));
      } else if (input instanceof InputUser u) {
        out.add(world.user(u.userId()).filter(x -> x.accessHash() == u.accessHash()).map(views::user)
            .orElse(new UserEmpty(u.userId())));
      } else if (input instanceof InputUserFromMessage u) {
        out.add(world.user(u.userId()).map(views::user).orElse(new UserEmpty(u.userId())));
      }
    }
    return out;
  }

  private Object resolveUsername(CallContext ctx, ResolveUsername m) {
    WorldUser self = Errors.requireUser(ctx, world);
    String name = m.username().startsWith("@") ? m.username().substring(1) : m.username();
    if (!USERNAME.matcher(name).matches()) {
      throw Errors.badRequest("USERNAME_INVALID");
    }
    Object owner = world.resolve(name).orElseThrow(() -> Errors.badRequest("USERNAME_NOT_OCCUPIED"));
    TlViews views = new TlViews(world, self.id());
    return new ResolvedPeer(views.include(owner), views.chats(), views.users());
  }

  /**
   * contacts.resolvePhone: the user with the number (t.me/+phone links); PHONE_NOT_OCCUPIED when
   * none has it. (Telegram also hides numbers by privacy settings; every testkit number is visible.)
   */
  private Object resolvePhone(CallContext ctx, io.telefetch.tl.api.contacts.ResolvePhone m) {
    WorldUser self = Errors.requireUser(ctx, world);
    String digits = m.phone().replaceAll("[^0-9]", "");
    if (digits.length() < 5 || digits.length() > 20) {
      throw Errors.badRequest("PHONE_NUMBER_INVALID");
    }
    WorldUser user = world.userByPhone(digits).orElseThrow(() -> Errors.badRequest("PHONE_NOT_OCCUPIED"));
    TlViews views = new TlViews(world, self.id());
    return new ResolvedPeer(views.include(user), views.chats(), views.users());
  }

  private Object getChannels(CallContext ctx, GetChannels m) {
    WorldUser self = Errors.requireUser(ctx, world);
    TlViews views = new TlViews(world, self.id());
    List<ChatType> out = new ArrayList<>();
    for (InputChannelType input : m.id()) {
      WorldChannel c = channel(input, self);
      if (input instanceof InputChannel ic && ic.accessHash() == 0 && c.accessHash() != 0) {
        readable(c, self); // a bot's hash-0 lookup reveals the access hash only of channels it may read
      }
      out.add(views.channel(c));
    }
    return new Chats(out);
  }

  private Object channelMessages(CallContext ctx, io.telefetch.tl.api.channels.GetMessages m) {
    WorldUser self = Errors.requireUser(ctx, world);
    WorldChannel channel = readable(channel(m.channel(), self), self);
    TlViews views = new TlViews(world, self.id());
    List<MessageType> out = new ArrayList<>();
    for (InputMessage im : m.id()) {
      int id;
      if (im instanceof InputMessageID x) {
        id = x.id();
      } else if (im instanceof InputMessageReplyTo x) {
        id = world.message(channel, x.id()).map(WorldMessage::replyToMsgId).orElse(0);
        if (id == 0) {
          continue;
        }
      } else {
        continue;
      }
      int wanted = id;
      out.add(world.message(channel, id).map(views::message).orElseGet(() -> TlViews.empty(channel.id(), wanted)));
    }
    views.channel(channel);
    return new ChannelMessages(false, pts(channel), out.size(), null, out, List.of(), views.chats(), views.users());
  }

  private Object getHistory(CallContext ctx, GetHistory m) {
    WorldUser self = Errors.requireUser(ctx, world);
    WorldChannel channel = peerChannel(m.peer(), self);
    if (channel == null) {
      return new Messages(List.of(), List.of(), List.of(), List.of());
    }
    readable(channel, self);
    List<WorldMessage> all = new ArrayList<>(world.messageMap(channel.id()).descendingMap().values());
    TlViews views = new TlViews(world, self.id());
    views.channel(channel);
    List<MessageType> page = page(all, m.offsetId(), m.offsetDate(), m.addOffset(), m.limit(), m.maxId(), m.minId(),
        views);
    return new ChannelMessages(false, pts(channel), all.size(), null, page, List.of(), views.chats(), views.users());
  }

  private Object getReplies(CallContext ctx, GetReplies m) {
    WorldUser self = Errors.requireUser(ctx, world);
    Thread thread = thread(peerChannel(m.peer(), self), m.msgId(), self);
    List<WorldMessage> all = world.messageMap(thread.group().id()).descendingMap().values().stream()
        .filter(x -> x.threadId() == thread.root().id()).toList();
    TlViews views = new TlViews(world, self.id());
    views.channel(thread.group());
    List<MessageType> page = page(all, m.offsetId(), m.offsetDate(), m.addOffset(), m.limit(), m.maxId(), m.minId(),
        views);
    return new ChannelMessages(false, pts(thread.group()), all.size(), null, page, List.of(), views.chats(),
        views.users());
  }

  private Object getDiscussionMessage(CallContext ctx, GetDiscussionMessage m) {
    WorldUser self = Errors.requireUser(ctx, world);
    Thread thread = thread(peerChannel(m.peer(), self), m.msgId(), self);
    List<WorldMessage> replies = world.messageMap(thread.group().id()).values().stream()
        .filter(x -> x.threadId() == thread.root().id()).toList();
    TlViews views = new TlViews(world, self.id());
    List<MessageType> messages = List.of(views.message(thread.root()));
    Integer maxId = replies.isEmpty() ? null : replies.get(replies.size() - 1).id();
    return new DiscussionMessage(messages, maxId, maxId, null, 0, views.chats(), views.users());
  }

  private Object checkChatInvite(CallContext ctx, CheckChatInvite m) {
    WorldUser self = requireNotBot(ctx);
    String hash = m.hash().startsWith("+") ? m.hash().substring(1) : m.hash();
    WorldChannel channel = world.channelByInviteHash(hash).orElseThrow(() -> Errors.badRequest("INVITE_HASH_INVALID"));
    if (channel.members().contains(self.id())) {
      return new ChatInviteAlready(new TlViews(world, self.id()).channel(channel));
    }
    TlViews views = new TlViews(world, self.id());
    return ChatInvite.builder().channel(true).broadcast(channel.isBroadcast()).megagroup(channel.isMegagroup())
        .title(channel.title()).about(channel.about().orElse(null))
        .photo(channel.photo().<io.telefetch.tl.api.PhotoType>map(views::photo).orElseGet(() -> new PhotoEmpty(0)))
        .participantsCount(channel.members().size()).color(0).build();
  }

  /** messages.getForumTopicsByID / channels.getForumTopicsByID: unknown ids answer forumTopicDeleted. */
  private Object forumTopics(WorldUser self, WorldChannel forum, List<Integer> ids) {
    if (forum == null) {
      throw Errors.badRequest("PEER_ID_INVALID");
    }
    readable(forum, self);
    if (!forum.isForum()) {
      throw Errors.badRequest("CHANNEL_FORUM_MISSING");
    }
    if (ids.size() > MAX_LIMIT) {
      throw Errors.badRequest("LIMIT_INVALID");
    }
    TlViews views = new TlViews(world, self.id());
    views.channel(forum);
    List<ForumTopicType> topics = new ArrayList<>();
    List<MessageType> messages = new ArrayList<>();
    for (int id : ids) {
      WorldTopic topic = world.topic(forum, id).orElse(null);
      if (topic == null) {
        topics.add(new ForumTopicDeleted(id));
        continue;
      }
      List<WorldMessage> in = world.topicMessages(topic);
      WorldMessage top = in.get(in.size() - 1);
      topics.add(views.topic(topic, top.id()));
      messages.add(views.message(top));
    }
    return ForumTopics.builder().count(topics.size()).topics(topics).messages(messages).chats(views.chats())
        .users(views.users()).pts(pts(forum)).build();
  }

  /** stories.getStoriesByID: the stories that exist, in the order asked; missing ids are left out. */
  private Object getStoriesByID(CallContext ctx, GetStoriesByID m) {
    WorldUser self = requireNotBot(ctx);
    Object owner;
    if (m.peer() instanceof InputPeerSelf) {
      owner = self;
    } else if (m.peer() instanceof InputPeerUser u) {
      owner = world.user(u.userId()).filter(x -> x.accessHash() == u.accessHash() || (self.isBot() && u.accessHash() == 0))
          .orElseThrow(() -> Errors.badRequest("PEER_ID_INVALID"));
    } else {
      WorldChannel c = peerChannel(m.peer(), self);
      if (c == null) {
        throw Errors.badRequest("PEER_ID_INVALID");
      }
      owner = readable(c, self);
    }
    if (m.id().size() > MAX_LIMIT) {
      throw Errors.badRequest("STORY_ID_INVALID");
    }
    TlViews views = new TlViews(world, self.id());
    views.include(world.current(owner));
    List<StoryItemType> out = new ArrayList<>();
    for (int id : m.id()) {
      world.story(owner, id).filter(s -> owner == self || !world.isExpired(s)).ifPresent(s -> out.add(views.story(s)));
    }
    return new Stories(out.size(), out, null, views.chats(), views.users());
  }

  /**
   * messages.getDialogs for users: the channels the user is a member of, newest top message first
   * ({@code offset_date} pages); bots may not call it ({@code BOT_METHOD_INVALID}), as on Telegram.
   */
  private Object getDialogs(CallContext ctx, GetDialogs m) {
    WorldUser self = Errors.requireUser(ctx, world);
    if (self.isBot()) {
      throw Errors.badRequest("BOT_METHOD_INVALID");
    }
    if (m.folderId() != null && m.folderId() != 0) {
      return new Dialogs(List.of(), List.of(), List.of(), List.of());
    }
    record Entry(WorldChannel channel, WorldMessage top) {}
    List<Entry> all = new ArrayList<>();
    for (WorldChannel c : world.channels()) {
      if (c.members().contains(self.id())) {
        List<WorldMessage> ms = world.messages(c);
        all.add(new Entry(c, ms.isEmpty() ? null : ms.get(ms.size() - 1)));
      }
    }
    all.sort(Comparator.comparingInt((Entry e) -> e.top() == null ? e.channel().date() : e.top().date())
        .thenComparingLong(e -> e.channel().id()).reversed());
    int offsetDate = m.offsetDate();
    List<Entry> from = offsetDate <= 0 ? all : all.stream()
        .filter(e -> (e.top() == null ? e.channel().date() : e.top().date()) < offsetDate).toList();
    int n = Math.max(0, Math.min(MAX_LIMIT, m.limit()));
    List<Entry> page = from.subList(0, Math.min(n, from.size()));
    TlViews views = new TlViews(world, self.id());
    List<DialogType> dialogs = new ArrayList<>();
    List<MessageType> messages = new ArrayList<>();
    for (Entry e : page) {
      views.channel(e.channel());
      int top = e.top() == null ? 0 : e.top().id();
      dialogs.add(Dialog.builder().peer(new PeerChannel(e.channel().id())).topMessage(top).readInboxMaxId(top)
          .readOutboxMaxId(top).unreadCount(0).unreadMentionsCount(0).unreadReactionsCount(0).unreadPollVotesCount(0)
          .notifySettings(PeerNotifySettings.builder().build()).pts(pts(e.channel())).build());
      if (e.top() != null) {
        messages.add(views.message(e.top()));
      }
    }
    if (page.size() == all.size()) {
      return new Dialogs(dialogs, messages, views.chats(), views.users());
    }
    return new DialogsSlice(all.size(), dialogs, messages, views.chats(), views.users());
  }

  // ------------------------------------------------------------------ helpers

  /** A discussion thread: the root message in the group. */
  private record Thread(WorldChannel group, WorldMessage root) {}

  /** The thread of {@code msgId} in {@code channel}: a post's comments, or a megagroup message's replies. */
  private Thread thread(WorldChannel channel, int msgId, WorldUser self) {
    if (channel == null) {
      throw Errors.badRequest("PEER_ID_INVALID");
    }
    readable(channel, self);
    WorldMessage message = world.message(channel, msgId).orElseThrow(() -> Errors.badRequest("MSG_ID_INVALID"));
    if (channel.isBroadcast()) {
      WorldMessage copy = world.discussionCopy(message).orElseThrow(() -> Errors.badRequest("MSG_ID_INVALID"));
      return new Thread(world.channel(copy.channelId()).orElseThrow(), copy);
    }
    return new Thread(channel, message);
  }

  /** Messages {@code all} (newest first) paged like messages.getHistory. */
  private static List<MessageType> page(List<WorldMessage> all, int offsetId, int offsetDate, int addOffset, int limit,
      int maxId, int minId, TlViews views) {
    int start = 0;
    if (offsetId > 0) {
      while (start < all.size() && all.get(start).id() >= offsetId) {
        start++;
      }
    } else if (offsetDate > 0) {
      while (start < all.size() && all.get(start).date() >= offsetDate) {
        start++;
      }
    }
    int n = Math.max(0, Math.min(MAX_LIMIT, limit));
    int from = Math.max(0, Math.min(all.size(), start + addOffset));
    int to = Math.max(from, Math.min(all.size(), start + addOffset + n));
    List<MessageType> out = new ArrayList<>();
    for (WorldMessage w : all.subList(from, to)) {
      if ((maxId == 0 || w.id() < maxId) && (minId == 0 || w.id() > minId)) {
        out.add(views.message(w));
      }
    }
    return out;
  }

  private int pts(WorldChannel channel) {
    return world.messageMap(channel.id()).keySet().stream().max(Comparator.naturalOrder()).orElse(0) + 1;
  }

  /**
   * The channel named by {@code input}; CHANNEL_INVALID when unknown or the access hash is wrong.
   * A bot may send access hash 0 (what TDLib sends for bots when it knows no hash: bots learn
   * channels from updates, and Telegram accepts 0 from them).
   */
  private WorldChannel channel(InputChannelType input, WorldUser self) {
    if (input instanceof InputChannel c) {
      return world.channel(c.channelId()).filter(x -> hashMatches(x, c.accessHash(), self))
          .orElseThrow(() -> Errors.badRequest("CHANNEL_INVALID"));
    }
    if (input instanceof InputChannelFromMessage c) {
      return world.channel(c.channelId()).orElseThrow(() -> Errors.badRequest("CHANNEL_INVALID"));
    }
    throw Errors.badRequest("CHANNEL_INVALID");
  }

  /** The channel of a channel peer; null for other peers (users, basic groups); errors for bad ones. */
  private WorldChannel peerChannel(InputPeer peer, WorldUser self) {
    if (peer instanceof InputPeerChannel c) {
      return world.channel(c.channelId()).filter(x -> hashMatches(x, c.accessHash(), self))
          .orElseThrow(() -> Errors.badRequest("CHANNEL_INVALID"));
    }
    if (peer instanceof InputPeerChannelFromMessage c) {
      return world.channel(c.channelId()).orElseThrow(() -> Errors.badRequest("CHANNEL_INVALID"));
    }
    if (peer instanceof InputPeerEmpty) {
      throw Errors.badRequest("PEER_ID_INVALID");
    }
    return null;
  }

  /** The logged-in user of a method only users may call (Telegram's docs: "Only users can use this method"). */
  private WorldUser requireNotBot(CallContext ctx) {
    WorldUser self = Errors.requireUser(ctx, world);
    if (self.isBot()) {
      throw Errors.badRequest("BOT_METHOD_INVALID");
    }
    return self;
  }

  /** Whether {@code accessHash} opens {@code channel} for {@code self}: the channel's own, or 0 from a bot. */
  private static boolean hashMatches(WorldChannel channel, long accessHash, WorldUser self) {
    return channel.accessHash() == accessHash || (accessHash == 0 && self.isBot());
  }

  /** {@code channel} if {@code user} may read it, else CHANNEL_PRIVATE. */
  private WorldChannel readable(WorldChannel channel, WorldUser user) {
    if (channel.isPublic() || channel.members().contains(user.id())) {
      return channel;
    }
    WorldChannel discussed = world.discussedChannel(channel).orElse(null);
    if (discussed != null && (discussed.isPublic() || discussed.members().contains(user.id()))) {
      return channel;
    }
    throw Errors.badRequest("CHANNEL_PRIVATE");
  }
}
