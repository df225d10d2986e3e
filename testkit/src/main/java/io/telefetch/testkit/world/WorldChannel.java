package io.telefetch.testkit.world;

import java.util.Optional;
import java.util.Set;

/**
 * A channel of the {@link World}: a broadcast channel or a megagroup (supergroup), public (with a
 * username) or private (with an invite hash), possibly linked to a discussion group.
 *
 * <p>Immutable; created with {@link World#channel(String)} or {@link World#privateChannel(String)}.
 */
public final class WorldChannel {
  private final long id;
  private final long accessHash;
  private final String title;
  private final String username;
  private final String inviteHash;
  private final boolean megagroup;
  private final int dc;
  private final int date;
  private final long linkedChatId;
  private final Set<Long> members;
  private final boolean forum;
  private final String about;
  private final WorldPhoto photo;

  WorldChannel(long id, long accessHash, String title, String username, String inviteHash, boolean megagroup, int dc,
      int date, long linkedChatId, Set<Long> members, boolean forum, String about, WorldPhoto photo) {
    this.id = id;
    this.accessHash = accessHash;
    this.title = title;
    this.username = username;
    this.inviteHash = inviteHash;
    this.megagroup = megagroup;
    this.dc = dc;
    this.date = date;
    this.linkedChatId = linkedChatId;
    this.members = Set.copyOf(members);
    this.forum = forum;
    this.about = about;
    this.photo = photo;
  }

  /** The same channel under another username (after {@link World#rename}). */
  WorldChannel withUsername(String newUsername) {
    return new WorldChannel(id, accessHash, title, newUsername, inviteHash, megagroup, dc, date, linkedChatId, members,
        forum, about, photo);
  }

  /** The channel id (as in {@code peerChannel}, without the -100 prefix of bot APIs). */
  public long id() {
    return id;
  }

  /** The access hash clients put in {@code inputChannel} / {@code inputPeerChannel}. */
  public long accessHash() {
    return accessHash;
  }

  public String title() {
    return title;
  }

  /** The public username (without {@code @}); empty for a private channel. */
  public Optional<String> username() {
    return Optional.ofNullable(username);
  }

  /** Whether anyone may read it (it has a username). */
  public boolean isPublic() {
    return username != null;
  }

  /** The invite hash of a private channel ({@code t.me/+HASH}); empty for a public one. */
  public Optional<String> inviteHash() {
    return Optional.ofNullable(inviteHash);
  }

  /** A broadcast channel (posts) rather than a megagroup. */
  public boolean isBroadcast() {
    return !megagroup;
  }

  /** A megagroup (supergroup), such as a discussion group. */
  public boolean isMegagroup() {
    return megagroup;
  }

  /** The DC the channel lives on (informational: any DC answers about it). */
  public int dc() {
    return dc;
  }

  /** Creation date, unix seconds. */
  public int date() {
    return date;
  }

  /**
   * The id of the discussion group (a megagroup) where this broadcast channel's posts get
   * comments; 0 for none. See {@link World#comment}.
   */
  public long discussionGroupId() {
    return linkedChatId;
  }

  /** Users who joined; anyone may read a public channel, only members a private one. */
  public Set<Long> members() {
    return members;
  }

  /** A forum: a megagroup whose messages are organised in topics (see {@link World#topic}). */
  public boolean isForum() {
    return forum;
  }

  /** The description ({@code about}), shown in invite previews; empty when none. */
  public Optional<String> about() {
    return Optional.ofNullable(about);
  }

  /** The profile photo, or empty. */
  public Optional<WorldPhoto> photo() {
    return Optional.ofNullable(photo);
  }

  @Override
  public String toString() {
    return (megagroup ? "Megagroup[" : "Channel[") + id + (username == null ? " private" : " @" + username) + "]";
  }
}
