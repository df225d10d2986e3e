package io.telefetch.mtproto.client;

import io.telefetch.TelefetchException;

/**
 * The {@link TelegramClient} is closed (or closing): every call, download or login started after
 * {@link TelegramClient#close()} fails with this exception, and so does one that was still waiting
 * when the client closed. The message is always {@value #MESSAGE}; for a call that was in flight the
 * cause holds what the closing connection reported (for example a {@code
 * ConnectionClosedException} that says whether the request was sent).
 */
public final class ClientClosedException extends TelefetchException {
  private static final long serialVersionUID = 1L;

  /** The message of every instance. */
  public static final String MESSAGE = "the client is closed";

  /** A call that started after the client closed. */
  public ClientClosedException() {
    super(MESSAGE);
  }

  /** A call that was in flight when the client closed; {@code cause} is how it ended (may be null). */
  public ClientClosedException(Throwable cause) {
    super(MESSAGE, cause);
  }
}
