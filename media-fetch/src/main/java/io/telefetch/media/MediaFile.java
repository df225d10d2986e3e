package io.telefetch.media;

import io.telefetch.tl.api.InputFileLocationType;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What to download: a file location with its DC, size, MIME type and name, and a way to refresh
 * its file_reference (by fetching the message again) when Telegram says it expired. Build one
 * with {@link MediaFiles#of}; immutable.
 */
public final class MediaFile {
  private final InputFileLocationType location;
  private final int dcId;
  private final long size;
  private final String mimeType;
  private final String fileName;
  private final Supplier<CompletableFuture<MediaFile>> refresher;

  /**
   * @param location the location for upload.getFile
   * @param dcId the DC that stores the file
   * @param size the size in bytes, or -1 if unknown
   * @param mimeType the MIME type, or {@code application/octet-stream}
   * @param fileName the file name, or null
   * @param refresher fetches the message again and returns the file with a fresh file_reference;
   *     null if the reference cannot be refreshed
   */
  public MediaFile(InputFileLocationType location, int dcId, long size, String mimeType, @Nullable String fileName,
      @Nullable Supplier<CompletableFuture<MediaFile>> refresher) {
    this.location = Objects.requireNonNull(location, "location");
    if (dcId <= 0) {
      throw new IllegalArgumentException("invalid DC id " + dcId);
    }
    this.dcId = dcId;
    this.size = size;
    this.mimeType = mimeType == null ? "application/octet-stream" : mimeType;
    this.fileName = fileName;
    this.refresher = refresher;
  }

  public InputFileLocationType location() {
    return location;
  }

  public int dcId() {
    return dcId;
  }

  /** Size in bytes, or -1 when unknown (the download then ends at the first short reply). */
  public long size() {
    return size;
  }

  public String mimeType() {
    return mimeType;
  }

  public Optional<String> fileName() {
    return Optional.ofNullable(fileName);
  }

  /** This file with another refresher (e.g. one that re-fetches its message). */
  public MediaFile withRefresher(Supplier<CompletableFuture<MediaFile>> refresher) {
    return new MediaFile(location, dcId, size, mimeType, fileName, refresher);
  }

  /** Fetches a fresh file_reference; fails if this file has no refresher. */
  public CompletableFuture<MediaFile> refresh() {
    if (refresher == null) {
      return CompletableFuture.failedFuture(new DownloadException("file reference expired and " + this + " has no refresher"));
    }
    return refresher.get();
  }

  /** A stable identity for resume state: location kind and id, DC and size. */
  String identity() {
    String loc = location.toString();
    int refAt = loc.indexOf("\"file_reference\"");
    if (refAt >= 0) {
      int end = loc.indexOf(',', refAt);
      loc = loc.substring(0, refAt) + (end < 0 ? "" : loc.substring(end + 1));
    }
    return loc + "@" + dcId + "#" + size;
  }

  @Override
  public String toString() {
    return "MediaFile{" + (fileName == null ? location.tlName() : fileName) + ", dc=" + dcId + ", size=" + size + ", "
        + mimeType + "}";
  }
}
