package io.telefetch.link;

import io.telefetch.TelefetchException;
import java.util.Objects;

/**
 * A preview could not be read: the page is missing, private, refused for safety, or the request
 * failed. {@link #reason()} says which.
 */
public final class LinkPreviewException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  /** Why a preview failed. */
  public enum Reason {
    /** The page answers 404, or t.me's "not found" page (a missing, removed or renamed-away post). */
    NOT_FOUND,
    /** The link has no public page ({@code /c/} posts of private channels, phone numbers). */
    PRIVATE,
    /** The link carries no media and has no preview here (sticker sets, proxies...). */
    UNSUPPORTED,
    /** A redirect to another host, or too many redirects (a loop). */
    REDIRECT_REFUSED,
    /** The page is larger than the configured cap. */
    TOO_LARGE,
    /** The page took longer than the configured timeouts. */
    TIMEOUT,
    /** Another HTTP status. */
    HTTP_STATUS,
    /** The connection failed. */
    IO
  }

  private final Reason reason;

  /** A failure for {@code reason}. */
  public LinkPreviewException(Reason reason, String message) {
    this(reason, message, null);
  }

  /** A failure for {@code reason} caused by {@code cause}. */
  public LinkPreviewException(Reason reason, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message") + " (" + reason + ")", cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the preview failed. */
  public Reason reason() {
    return reason;
  }
}
