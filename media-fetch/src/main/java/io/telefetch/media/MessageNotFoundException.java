package io.telefetch.media;

/**
 * The message does not exist (any more), or this account may not see it: Telegram answered {@code
 * messageEmpty} for it. Different from {@link NoMediaException}, which says that the message exists
 * and carries nothing downloadable.
 */
public final class MessageNotFoundException extends DownloadException {
  private static final long serialVersionUID = 1L;

  private final String peer;
  private final int messageId;

  /**
   * @param peer the chat the message was asked from, for example {@code channel 1234}, or {@code
   *     "unknown peer"}
   * @param messageId the id of the missing message
   */
  public MessageNotFoundException(String peer, int messageId) {
    super("message " + messageId + " of " + peer + " not found (deleted, or not visible to this account)");
    this.peer = peer;
    this.messageId = messageId;
  }

  /** The chat the message was asked from, for example {@code channel 1234}. */
  public String peer() {
    return peer;
  }

  /** The id of the missing message. */
  public int messageId() {
    return messageId;
  }
}
