package io.telefetch.link;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where a resolved file comes from, so that its file reference can be refreshed by fetching the
 * source again: a message, a story, a peer's profile photo or an invite's photo. A plain
 * serialisable value; {@link #toString} does not show an invite hash.
 *
 * @param kind what the source is
 * @param peer the peer holding the message or story, or whose photo it is; null for an invite
 * @param id the message or story id; 0 for photos
 * @param inviteHash the invite hash of an invite preview's photo, else null
 */
public record MediaSource(Kind kind, Peer peer, int id, String inviteHash) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The kinds of sources. */
  public enum Kind {
    MESSAGE, STORY, PEER_PHOTO, INVITE
  }

  public MediaSource {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.INVITE ? inviteHash == null : peer == null) {
      throw new IllegalArgumentException(kind + " source without " + (kind == Kind.INVITE ? "an invite hash" : "a peer"));
    }
  }

  /** Message {@code id} of {@code peer}. */
  public static MediaSource message(Peer peer, int id) {
    return new MediaSource(Kind.MESSAGE, peer, id, null);
  }

  /** Story {@code id} of {@code peer}. */
  public static MediaSource story(Peer peer, int id) {
    return new MediaSource(Kind.STORY, peer, id, null);
  }

  /** The profile photo of {@code peer}. */
  public static MediaSource peerPhoto(Peer peer) {
    return new MediaSource(Kind.PEER_PHOTO, peer, 0, null);
  }

  /** The photo of the invite with {@code hash}. */
  public static MediaSource invite(String hash) {
    return new MediaSource(Kind.INVITE, null, 0, hash);
  }

  @Override
  public String toString() {
    return "MediaSource[" + kind + (peer == null ? "" : " " + peer.describe()) + (id == 0 ? "" : " #" + id) + "]";
  }
}
