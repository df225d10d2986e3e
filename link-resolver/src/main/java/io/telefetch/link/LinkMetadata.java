package io.telefetch.link;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What a link resolved to, as a plain serialisable value ({@link MetadataCache} stores it): the
 * peer, the message or story ids, the media in order and, for an invite, its preview.
 *
 * @param kind the link's kind
 * @param peer the peer the link names (the discussion group for a comment), or null (an invite
 *     the account is not a member of)
 * @param messageIds the messages (every album item, in order), or the story id, or empty
 * @param media the files, in order
 * @param invite the invite's preview, or null
 */
public record LinkMetadata(TelegramLink.Kind kind, Peer peer, List<Integer> messageIds, List<MediaRef> media,
    InvitePreview invite) implements Serializable {
  private static final long serialVersionUID = 1L;

  public LinkMetadata {
    Objects.requireNonNull(kind, "kind");
    messageIds = List.copyOf(messageIds);
    media = List.copyOf(media);
  }
}
