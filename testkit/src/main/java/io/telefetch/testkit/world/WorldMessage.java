package io.telefetch.testkit.world;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A message in a channel or megagroup of the {@link World}: a post, an album member, the
 * automatic copy of a post in its discussion group, or a comment.
 *
 * <p>Immutable; created with {@link World#post}, {@link World#album} or {@link World#comment}.
 */
public final class WorldMessage {
  /**
   * Where an automatically forwarded message comes from: the discussion copy of a channel post.
   *
   * @param channelId the broadcast channel
   * @param messageId the post in it
   * @param date the post's date
   */
  public record Forward(long channelId, int messageId, int date) {}

  private final long channelId;
  private final int id;
  private final int date;
  private final String text;
  private final WorldMedia media;
  private final long groupedId;
  private final long fromUserId;
  private final Forward forward;
  private final int replyToMsgId;
  private final int replyToTopId;
  private final int views;
  private final boolean forumTopic;
  private final String topicTitle;
  private final WorldWebPage webPage;

  WorldMessage(long channelId, int id, int date, String text, WorldMedia media, long groupedId, long fromUserId,
      Forward forward, int replyToMsgId, int replyToTopId, int views, boolean forumTopic, String topicTitle,
      WorldWebPage webPage) {
    this.channelId = channelId;
    this.id = id;
    this.date = date;
    this.text = text;
    this.media = media;
    this.groupedId = groupedId;
    this.fromUserId = fromUserId;
    this.forward = forward;
    this.replyToMsgId = replyToMsgId;
    this.replyToTopId = replyToTopId;
    this.views = views;
    this.forumTopic = forumTopic;
    this.topicTitle = topicTitle;
    this.webPage = webPage;
  }

  /** The channel (or megagroup) the message is in. */
  public long channelId() {
    return channelId;
  }

  /** The message id, unique in its channel, increasing from 1. */
  public int id() {
    return id;
  }

  /** Unix seconds. */
  public int date() {
    return date;
  }

  /** The text (the caption of media), possibly empty. */
  public String text() {
    return text;
  }

  /** The media, or empty for a text message. */
  public Optional<WorldMedia> media() {
    return Optional.ofNullable(media);
  }

  /** The document, when the media is one. */
  public Optional<WorldDocument> document() {
    return media instanceof WorldDocument d ? Optional.of(d) : Optional.empty();
  }

  /** The photo, when the media is one. */
  public Optional<WorldPhoto> photo() {
    return media instanceof WorldPhoto p ? Optional.of(p) : Optional.empty();
  }

  /** The album id shared by the messages of one album, or empty. */
  public OptionalLong groupedId() {
    return groupedId == 0 ? OptionalLong.empty() : OptionalLong.of(groupedId);
  }

  /** The author (in a megagroup), or empty (channel posts have none). */
  public OptionalLong fromUserId() {
    return fromUserId == 0 ? OptionalLong.empty() : OptionalLong.of(fromUserId);
  }

  /** For the discussion copy of a channel post: the post. */
  public Optional<Forward> forward() {
    return Optional.ofNullable(forward);
  }

  /** The message this one replies to (a comment replies to the discussion copy), or 0. */
  public int replyToMsgId() {
    return replyToMsgId;
  }

  /** The thread root when replying inside a thread to something else than the root, or 0. */
  public int replyToTopId() {
    return replyToTopId;
  }

  /** The thread this message belongs to: the top id, else the replied message, else 0. */
  int threadId() {
    return replyToTopId != 0 ? replyToTopId : replyToMsgId;
  }

  /** The view counter of a channel post. */
  public int views() {
    return views;
  }

  /**
   * Whether the message is in a forum topic other than "General": its {@code messageReplyHeader}
   * carries {@code forum_topic}, and {@link #topicId()} names the topic.
   */
  public boolean inForumTopic() {
    return forumTopic;
  }

  /** The forum topic the message belongs to (the topic's creation message id), or 0. */
  public int topicId() {
    return forumTopic ? threadId() : 0;
  }

  /**
   * For the service message that created a forum topic ({@code messageActionTopicCreate}): the
   * topic's title. Empty for ordinary messages.
   */
  public Optional<String> topicTitle() {
    return Optional.ofNullable(topicTitle);
  }

  /** Whether this is a service message (a topic creation), which t.me pages do not show. */
  public boolean isService() {
    return topicTitle != null;
  }

  /** The link preview ({@code messageMediaWebPage}) the message carries instead of media, or empty. */
  public Optional<WorldWebPage> webPage() {
    return Optional.ofNullable(webPage);
  }

  @Override
  public String toString() {
    return "Message[" + channelId + "/" + id + (media == null ? "" : " " + media) + "]";
  }
}
