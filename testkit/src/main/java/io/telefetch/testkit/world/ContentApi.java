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

  private Object getChannels(CallContext ctx, GetChannels m) {
    WorldUser self = Errors.requireUser(ctx, world);
    TlViews views = new TlViews(world, self.id());
    List<ChatType> out = new ArrayList<>();
    for (InputChannelType input : m.id()) {
      out.add(views.channel(channel(input)));
    }
    return new Chats(out);
  }

  private Object channelMessages(CallContext ctx, io.telefetch.tl.api.channels.GetMessages m) {
    WorldUser self = Errors.requireUser(ctx, world);
    WorldChannel channel = readable(channel(m.channel()), self);
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
    WorldChannel channel = peerChannel(m.peer());
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
    Thread thread = thread(peerChannel(m.peer()), m.msgId(), self);
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
    Thread thread = thread(peerChannel(m.peer()), m.msgId(), self);
    List<WorldMessage> replies = world.messageMap(thread.group().id()).values().stream()
        .filter(x -> x.threadId() == thread.root().id()).toList();
    TlViews views = new TlViews(world, self.id());
    List<MessageType> messages = List.of(views.message(thread.root()));
    Integer maxId = replies.isEmpty() ? null : replies.get(replies.size() - 1).id();
    return new DiscussionMessage(messages, maxId, maxId, null, 0, views.chats(), views.users());
  }

  private Object checkChatInvite(CallContext ctx, CheckChatInvite m) {
    WorldUser self = Errors.requireUser(ctx, world);
    String hash = m.hash().startsWith("+") ? m.hash().substring(1) : m.hash();
    WorldChannel channel = world.channelByInviteHash(hash).orElseThrow(() -> Errors.badRequest("INVITE_HASH_INVALID"));
    if (channel.members().contains(self.id())) {
      return new ChatInviteAlready(new TlViews(world, self.id()).channel(channel));
    }
    return ChatInvite.builder().channel(true).broadcast(channel.isBroadcast()).megagroup(channel.isMegagroup())
        .title(channel.title()).photo(new PhotoEmpty(0)).participantsCount(channel.members().size()).color(0).build();
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

  /** The channel named by {@code input}; CHANNEL_INVALID when unknown or the access hash is wrong. */
  private WorldChannel channel(InputChannelType input) {
    if (input instanceof InputChannel c) {
      return world.channel(c.channelId()).filter(x -> x.accessHash() == c.accessHash())
          .orElseThrow(() -> Errors.badRequest("CHANNEL_INVALID"));
    }
    if (input instanceof InputChannelFromMessage c) {
      return world.channel(c.channelId()).orElseThrow(() -> Errors.badRequest("CHANNEL_INVALID"));
    }
    throw Errors.badRequest("CHANNEL_INVALID");
  }

  /** The channel of a channel peer; null for other peers (users, basic groups); errors for bad ones. */
  private WorldChannel peerChannel(InputPeer peer) {
    if (peer instanceof InputPeerChannel c) {
      return world.channel(c.channelId()).filter(x -> x.accessHash() == c.accessHash())
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
