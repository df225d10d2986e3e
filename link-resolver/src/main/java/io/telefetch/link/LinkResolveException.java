package io.telefetch.link;

import io.telefetch.TelefetchException;
import java.util.Objects;

/**
 * A link could not be resolved to its media: the username is free, the message is missing or
 * carries no media, the account is not a member, the invite expired... {@link #reason()} says
 * which; the message names the peer and the id (never an invite hash or a phone number).
 */
public final class LinkResolveException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  /** Why a link did not resolve. */
  public enum Reason {
    /** No peer has the username (or it was renamed away: Telegram answers USERNAME_NOT_OCCUPIED). */
    USERNAME_NOT_FOUND,
    /** No account has the phone number, or it is hidden. */
    PHONE_NOT_FOUND,
    /** The peer has no message with the id (deleted, or never sent). */
    MESSAGE_NOT_FOUND,
    /** The message (or story, or peer) exists but holds nothing downloadable. */
    NO_MEDIA,
    /** A {@code /c/} channel the account does not know: not a member, or no such channel. */
    NOT_A_MEMBER,
    /** The channel is private to this account (CHANNEL_PRIVATE) or was banned. */
    PRIVATE,
    /** The invite link is invalid, expired or revoked. */
    INVITE_INVALID,
    /** The story does not exist, expired or is hidden. */
    STORY_NOT_FOUND,
    /** The post has no comments, or the comment is not in its discussion group. */
    NO_DISCUSSION,
    /** Only a user account may resolve this kind of link (Telegram answers BOT_METHOD_INVALID to bots). */
    USER_ACCOUNT_REQUIRED,
    /** The link carries no media (sticker sets, proxies, shares...). */
    UNSUPPORTED,
    /** Telegram answered with another error (the cause). */
    RPC_ERROR
  }

  private final Reason reason;

  /** A failure for {@code reason}. */
  public LinkResolveException(Reason reason, String message) {
    this(reason, message, null);
  }

  /** A failure for {@code reason} caused by {@code cause}. */
  public LinkResolveException(Reason reason, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message") + " (" + Objects.requireNonNull(reason, "reason") + ")", cause);
    this.reason = reason;
  }

  /** Why the link did not resolve. */
  public Reason reason() {
    return reason;
  }
}
