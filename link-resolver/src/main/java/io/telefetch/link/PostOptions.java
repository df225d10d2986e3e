package io.telefetch.link;

import java.util.OptionalInt;

/**
 * What a post link says beyond the message id: the forum topic or thread it sits in, a comment
 * in the channel's discussion group, {@code ?single} (this media only, not the whole album) and
 * a media timestamp {@code ?t=}.
 *
 * @param thread the topic or thread id (from the path or {@code ?thread=}), if any
 * @param comment the id of a comment in the linked discussion group, if any
 * @param single whether {@code ?single} asks for this message's media alone
 * @param timestamp the media timestamp in seconds from {@code ?t=}, if any
 */
public record PostOptions(OptionalInt thread, OptionalInt comment, boolean single,
    OptionalInt timestamp) {
  /** No thread, no comment, the whole album, no timestamp. */
  public static final PostOptions NONE =
      new PostOptions(OptionalInt.empty(), OptionalInt.empty(), false, OptionalInt.empty());

  public PostOptions {
    java.util.Objects.requireNonNull(thread, "thread");
    java.util.Objects.requireNonNull(comment, "comment");
    java.util.Objects.requireNonNull(timestamp, "timestamp");
  }

  /** The canonical query ({@code ?comment=..&single&t=..}: the thread goes in the path), or "". */
  String query() {
    StringBuilder q = new StringBuilder();
    comment.ifPresent(c -> q.append(q.length() == 0 ? '?' : '&').append("comment=").append(c));
    if (single) {
      q.append(q.length() == 0 ? '?' : '&').append("single");
    }
    timestamp.ifPresent(t -> q.append(q.length() == 0 ? '?' : '&').append("t=").append(t));
    return q.toString();
  }
}
