package io.telefetch.link;

import io.telefetch.media.MediaFile;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a link resolved to: the peer, the message ids (every item of an album, in order), the
 * files to download in order ({@link #media()}), and for an invite its preview. Each {@link
 * MediaFile} refreshes its own file reference through the resolver that made it. Immutable.
 */
public final class ResolvedLink {
  private final TelegramLink link;
  private final LinkMetadata metadata;
  private final List<MediaFile> media;
  private final boolean fromCache;

  ResolvedLink(TelegramLink link, LinkMetadata metadata, List<MediaFile> media, boolean fromCache) {
    this.link = Objects.requireNonNull(link, "link");
    this.metadata = Objects.requireNonNull(metadata, "metadata");
    this.media = List.copyOf(media);
    this.fromCache = fromCache;
  }

  /** The link as parsed. */
  public TelegramLink link() {
    return link;
  }

  /** The link's kind. */
  public TelegramLink.Kind kind() {
    return metadata.kind();
  }

  /**
   * The peer: the channel, group or user of a post (the discussion group for a {@code ?comment=}
   * link), the owner of a story, the peer of a username, the chat of an invite the account is a
   * member of; empty for an invite it is not a member of.
   */
  public Optional<Peer> peer() {
    return Optional.ofNullable(metadata.peer());
  }

  /** The messages the media come from, in order (the comment's id for a comment); empty for other kinds. */
  public List<Integer> messageIds() {
    return metadata.kind() == TelegramLink.Kind.STORY ? List.of() : metadata.messageIds();
  }

  /** The story id of a story link. */
  public OptionalInt storyId() {
    return metadata.kind() == TelegramLink.Kind.STORY && !metadata.messageIds().isEmpty()
        ? OptionalInt.of(metadata.messageIds().get(0)) : OptionalInt.empty();
  }

  /**
   * The files, in order: a post's document or largest photo (or the document of its link
   * preview), every item of an album (one without {@code ?single}), a story's video or photo, an
   * invite preview's photo, a username's profile photo (empty when it has none).
   */
  public List<MediaFile> media() {
    return media;
  }

  /** The invite's preview, for an invite link. */
  public Optional<InvitePreview> invite() {
    return Optional.ofNullable(metadata.invite());
  }

  /** The plain values behind this result (what the cache stores). */
  public LinkMetadata metadata() {
    return metadata;
  }

  /** Whether this came from the {@link MetadataCache} without asking Telegram. */
  public boolean fromCache() {
    return fromCache;
  }

  @Override
  public String toString() {
    return "ResolvedLink{" + link + " -> " + (metadata.peer() == null ? "" : metadata.peer().describe() + " ")
        + metadata.messageIds() + ", " + media + (fromCache ? ", cached" : "") + "}";
  }
}
