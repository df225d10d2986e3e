package io.telefetch.link;

import java.util.Objects;
import java.util.Optional;

/**
 * What t.me's public web page shows of a link, read without an account: the OpenGraph tags of
 * the page and, for posts, what its message widget shows (author, media, album size).
 *
 * <p>Every text is plain text as the page states it (entities decoded, never interpreted as
 * markup: escape it before putting it into HTML), trimmed, without control characters, and cut
 * to {@link #MAX_TEXT} characters.
 *
 * @param url the page the preview was read from (after followed renames)
 * @param title {@code og:title} (the channel's or user's name), else the page's {@code <title>}
 * @param description {@code og:description} (a post's text), or ""
 * @param imageUrl {@code og:image}, if any
 * @param videoUrl {@code og:video}, or the widget's video, if any
 * @param author the name the message widget shows as its author, if any
 * @param hasMedia whether the post shows a photo, video or document
 * @param albumSize how many media the post's album shows (1 for a single media, 0 without media)
 */
public record LinkPreview(String url, String title, String description, Optional<String> imageUrl,
    Optional<String> videoUrl, Optional<String> author, boolean hasMedia, int albumSize) {
  /** The longest text a preview keeps. */
  public static final int MAX_TEXT = 4096;

  public LinkPreview {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(imageUrl, "imageUrl");
    Objects.requireNonNull(videoUrl, "videoUrl");
    Objects.requireNonNull(author, "author");
  }
}
