package io.telefetch.testkit.world;

/**
 * A topic of a forum ({@code forumTopic}): its id is the id of the service message that created
 * it ({@code messageActionTopicCreate}); messages posted in it carry a {@code messageReplyHeader}
 * with {@code forum_topic} and the topic id (see {@link World.MessageBuilder#topic}).
 *
 * <p>Immutable; created with {@link World#topic}.
 *
 * @param channelId the forum (a megagroup)
 * @param id the topic id: its creation message's id
 * @param title the title
 * @param date creation date, unix seconds
 * @param iconColor the icon colour (RGB, one of Telegram's six)
 * @param fromUserId the creator, or 0 when the forum itself created it
 */
public record WorldTopic(long channelId, int id, String title, int date, int iconColor, long fromUserId) {}
