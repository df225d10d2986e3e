package io.telefetch.testkit.world;

import java.util.List;
import java.util.Optional;

/**
 * A document of the {@link World}: a file with a name, a MIME type, optional video attributes and
 * thumbnails, stored on one DC and optionally served through the CDN.
 *
 * <p>Immutable; created with {@link World#document} or {@link World#video}.
 */
public final class WorldDocument implements WorldMedia {
  /**
   * The video attributes of a document ({@code documentAttributeVideo}).
   *
   * @param durationSeconds duration in seconds
   * @param w width in pixels
   * @param h height in pixels
   * @param supportsStreaming whether players may stream it (moov atom first)
   */
  public record Video(double durationSeconds, int w, int h, boolean supportsStreaming) {}

  private final long id;
  private final long accessHash;
  private final int dc;
  private final int date;
  private final String fileName;
  private final String mimeType;
  private final FileContent content;
  private final Video video;
  private final List<WorldPhotoSize> thumbs;
  private final boolean cdn;

  WorldDocument(long id, long accessHash, int dc, int date, String fileName, String mimeType, FileContent content,
      Video video, List<WorldPhotoSize> thumbs, boolean cdn) {
    this.id = id;
    this.accessHash = accessHash;
    this.dc = dc;
    this.date = date;
    this.fileName = fileName;
    this.mimeType = mimeType;
    this.content = content;
    this.video = video;
    this.thumbs = List.copyOf(thumbs);
    this.cdn = cdn;
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public long accessHash() {
    return accessHash;
  }

  @Override
  public int dc() {
    return dc;
  }

  @Override
  public int date() {
    return date;
  }

  /** The file name ({@code documentAttributeFilename}), or empty. */
  public Optional<String> fileName() {
    return Optional.ofNullable(fileName);
  }

  public String mimeType() {
    return mimeType;
  }

  /** The bytes. */
  public FileContent content() {
    return content;
  }

  /** The size in bytes. */
  public long size() {
    return content.size();
  }

  /** The video attributes, or empty for a non-video document. */
  public Optional<Video> video() {
    return Optional.ofNullable(video);
  }

  /** Thumbnails, downloadable with {@code inputDocumentFileLocation(thumb_size = type)}. */
  public List<WorldPhotoSize> thumbs() {
    return thumbs;
  }

  /**
   * Whether the document is CDN-served: {@code upload.getFile} with {@code cdn_supported} answers
   * {@code upload.fileCdnRedirect} when the cluster has a CDN DC.
   */
  public boolean cdn() {
    return cdn;
  }

  @Override
  public String toString() {
    return "Document[" + id + " " + (fileName == null ? "" : fileName + " ") + mimeType + ", " + content.size()
        + " bytes, dc " + dc + (cdn ? ", cdn" : "") + "]";
  }
}
