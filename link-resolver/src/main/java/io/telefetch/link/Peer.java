package io.telefetch.link;

import io.telefetch.tl.api.Channel;
import io.telefetch.tl.api.ChannelForbidden;
import io.telefetch.tl.api.Chat;
import io.telefetch.tl.api.ChatPhoto;
import io.telefetch.tl.api.ChatType;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.InputPeer;
import io.telefetch.tl.api.InputPeerChannel;
import io.telefetch.tl.api.InputPeerChat;
import io.telefetch.tl.api.InputPeerUser;
import io.telefetch.tl.api.User;
import io.telefetch.tl.api.UserProfilePhoto;
import io.telefetch.tl.api.UserType;
import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;

/**
 * A user, basic group or channel as the account sees it: its id and the account's access hash for
 * it, with its username, title and profile photo id. A plain serialisable value (a {@link
 * MetadataCache} stores it); access hashes are per account, so a peer is only valid for the
 * account that resolved it. {@link #toString} does not show the access hash.
 *
 * @param type user, basic group or channel (supergroups and forums are channels)
 * @param id the peer id (a channel's without the {@code -100} prefix of Bot API chat ids)
 * @param accessHash the account's access hash (0 for basic groups; 0 from a bot for a channel it
 *     learnt only by id)
 * @param username its username, or null
 * @param title a channel's or group's title, a user's name, or null
 * @param photoId its profile photo's id, or 0 without one
 * @param photoDc the DC of its profile photo, or 0
 */
public record Peer(Type type, long id, long accessHash, String username, String title, long photoId, int photoDc)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What kind of peer. */
  public enum Type {
    USER, CHAT, CHANNEL
  }

  public Peer {
    Objects.requireNonNull(type, "type");
  }

  /** The peer of a TL user, or empty for an empty user. */
  public static Optional<Peer> of(UserType user) {
    if (user instanceof User u) {
      long photo = u.photo() instanceof UserProfilePhoto p ? p.photoId() : 0;
      int dc = u.photo() instanceof UserProfilePhoto p ? p.dcId() : 0;
      String name = u.firstName() == null ? u.lastName()
          : u.lastName() == null ? u.firstName() : u.firstName() + " " + u.lastName();
      return Optional.of(new Peer(Type.USER, u.id(), u.accessHash() == null ? 0 : u.accessHash(), u.username(), name,
          photo, dc));
    }
    return Optional.empty();
  }

  /** The peer of a TL chat (a basic group or a channel), or empty for an empty or forbidden chat. */
  public static Optional<Peer> of(ChatType chat) {
    if (chat instanceof Channel c) {
      long photo = c.photo() instanceof ChatPhoto p ? p.photoId() : 0;
      int dc = c.photo() instanceof ChatPhoto p ? p.dcId() : 0;
      return Optional.of(new Peer(Type.CHANNEL, c.id(), c.accessHash() == null ? 0 : c.accessHash(), c.username(),
          c.title(), photo, dc));
    }
    if (chat instanceof Chat c) {
      long photo = c.photo() instanceof ChatPhoto p ? p.photoId() : 0;
      int dc = c.photo() instanceof ChatPhoto p ? p.dcId() : 0;
      return Optional.of(new Peer(Type.CHAT, c.id(), 0, null, c.title(), photo, dc));
    }
    if (chat instanceof ChannelForbidden c) {
      return Optional.of(new Peer(Type.CHANNEL, c.id(), c.accessHash(), null, c.title(), 0, 0));
    }
    return Optional.empty();
  }

  /** Whether this is a channel (broadcast channel, supergroup or forum). */
  public boolean isChannel() {
    return type == Type.CHANNEL;
  }

  /** The input peer for calls that name this peer. */
  public InputPeer toInputPeer() {
    switch (type) {
      case USER:
        return new InputPeerUser(id, accessHash);
      case CHAT:
        return new InputPeerChat(id);
      default:
        return new InputPeerChannel(id, accessHash);
    }
  }

  /**
   * The input channel for {@code channels.*} calls.
   *
   * @throws IllegalStateException if this is not a channel
   */
  public InputChannel toInputChannel() {
    if (type != Type.CHANNEL) {
      throw new IllegalStateException(this + " is not a channel");
    }
    return new InputChannel(id, accessHash);
  }

  /** For messages: {@code @username}, or the type and id. */
  public String describe() {
    return username != null ? "@" + username : type.name().toLowerCase(java.util.Locale.ROOT) + " " + id;
  }

  @Override
  public String toString() {
    return "Peer[" + type + " " + id + (username == null ? "" : " @" + username) + "]";
  }
}
