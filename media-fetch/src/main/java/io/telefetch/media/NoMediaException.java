package io.telefetch.media;

/** The message (or media) holds nothing downloadable: no media, a web page, a poll, an empty photo... */
public final class NoMediaException extends DownloadException {
  private static final long serialVersionUID = 1L;

  public NoMediaException(String message) {
    super(message);
  }
}
