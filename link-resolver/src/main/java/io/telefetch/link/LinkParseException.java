package io.telefetch.link;

import io.telefetch.TelefetchException;
import java.util.Objects;

/**
 * Thrown by {@link TelegramLink#parse} for an input that is not a Telegram link: it names the
 * {@link Reason} and the position in the input (a {@code char} index into the string as given,
 * surrounding whitespace included) where the parser gave up.
 *
 * <p>The message never repeats the input: links can carry invite hashes and phone numbers. A bad link
 * is input met at run time (it also fails {@link LinkResolver#resolve(String)}'s future), so this is
 * a {@link TelefetchException}, not an {@code IllegalArgumentException}.
 */
public final class LinkParseException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  /** Why an input is not a Telegram link. */
  public enum Reason {
    /** Nothing but whitespace, or {@code null}. */
    EMPTY,
    /** Longer than {@link TelegramLink#MAX_LENGTH} characters. */
    TOO_LONG,
    /** A scheme other than {@code http}, {@code https} and {@code tg}. */
    UNSUPPORTED_SCHEME,
    /** A host other than Telegram's link domains (look-alikes included), a port or user info. */
    FOREIGN_HOST,
    /** A username outside Telegram's rules. */
    INVALID_USERNAME,
    /** A message, topic, comment, story or channel id that is not a positive number in range. */
    INVALID_ID,
    /** A query parameter that is malformed, repeated or contradicts the path. */
    INVALID_QUERY,
    /** A required part is missing (a message id, a tg:// parameter, an invite hash...). */
    MISSING_PARAMETER,
    /** A path that no link form has, or characters no link form allows. */
    MALFORMED
  }

  private final Reason reason;
  private final int position;

  /** A failure for {@code reason} at {@code position}, described by {@code detail}. */
  public LinkParseException(Reason reason, int position, String detail) {
    super(Objects.requireNonNull(detail, "detail") + " (" + reason + " at position " + position
        + ")");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.position = position;
  }

  /** Why the input was refused. */
  public Reason reason() {
    return reason;
  }

  /** The index into the input where parsing stopped. */
  public int position() {
    return position;
  }
}
