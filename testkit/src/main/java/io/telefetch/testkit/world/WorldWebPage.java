package io.telefetch.testkit.world;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A link preview of the {@link World} ({@code webPage}): what a message shows under a URL in its
 * text, served as {@code messageMediaWebPage}. Its {@link #document()} and {@link #photo()} are
 * ordinary world media, downloadable with {@code upload.getFile} like a message's own media.
 *
 * <p>Immutable; created with {@link World#webPage}.
 *
 * @param id the web page id
 * @param url the full URL
 * @param displayUrl the URL as shown (no scheme)
 * @param type {@code article}, {@code photo}, {@code video} or {@code document} (Telegram's values)
 * @param siteName the site name, or null
 * @param title the title, or null
 * @param description the description, or null
 * @param photo the preview photo, or null
 * @param document the attached document (a video or a file), or null
 */
public record WorldWebPage(long id, String url, String displayUrl, String type, @Nullable String siteName,
    @Nullable String title, @Nullable String description, @Nullable WorldPhoto photo, @Nullable WorldDocument document) {

  /** The photo, when the preview has one. */
  public Optional<WorldPhoto> photoOpt() {
    return Optional.ofNullable(photo);
  }

  /** The document, when the preview has one. */
  public Optional<WorldDocument> documentOpt() {
    return Optional.ofNullable(document);
  }

  @Override
  public String toString() {
    return "WebPage[" + id + " " + url + "]";
  }
}
