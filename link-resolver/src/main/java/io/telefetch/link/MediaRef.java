package io.telefetch.link;

import io.telefetch.media.MediaFile;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InputFileLocationType;
import io.telefetch.tl.api.InputPeerPhotoFileLocation;
import io.telefetch.tl.api.InputPhotoFileLocation;
import java.io.Serializable;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One resolved file as a plain serialisable value (what a {@link MetadataCache} stores for a
 * link's media): its location fields, DC, size, MIME type, name and {@link MediaSource}. {@link
 * #toString} shows neither the access hash nor the file reference.
 *
 * @param location {@code document}, {@code photo} or {@code peer_photo}
 * @param id the document or photo id
 * @param accessHash the document's or photo's access hash (0 for a profile photo)
 * @param fileReference the file reference when resolved (empty for a profile photo)
 * @param thumbSize the photo size type ({@code y}, {@code x}...) or "" for a document
 * @param dcId the DC storing the bytes
 * @param size the size in bytes, or -1 when unknown (profile photos)
 * @param mimeType the MIME type
 * @param fileName the file name, or null
 * @param source where the file comes from
 */
public record MediaRef(String location, long id, long accessHash, byte[] fileReference, String thumbSize, int dcId,
    long size, String mimeType, String fileName, MediaSource source) implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final java.util.Set<String> LOCATIONS = java.util.Set.of("document", "photo", "peer_photo");

  public MediaRef {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(source, "source");
    if (!LOCATIONS.contains(location)) {
      throw new IllegalArgumentException("unknown location " + location + ": one of " + LOCATIONS);
    }
    fileReference = fileReference == null ? new byte[0] : fileReference.clone();
    thumbSize = thumbSize == null ? "" : thumbSize;
  }

  @Override
  public byte[] fileReference() {
    return fileReference.clone();
  }

  /** The value of {@code file} from {@code source}. */
  static MediaRef of(MediaFile file, MediaSource source) {
    InputFileLocationType l = file.location();
    if (l instanceof InputDocumentFileLocation d) {
      return new MediaRef("document", d.id(), d.accessHash(), d.fileReference().toByteArray(), d.thumbSize(),
          file.dcId(), file.size(), file.mimeType(), file.fileName().orElse(null), source);
    }
    if (l instanceof InputPhotoFileLocation p) {
      return new MediaRef("photo", p.id(), p.accessHash(), p.fileReference().toByteArray(), p.thumbSize(),
          file.dcId(), file.size(), file.mimeType(), file.fileName().orElse(null), source);
    }
    if (l instanceof InputPeerPhotoFileLocation p) {
      return new MediaRef("peer_photo", p.photoId(), 0, null, p.big() ? "big" : "small", file.dcId(), file.size(),
          file.mimeType(), file.fileName().orElse(null), source);
    }
    throw new IllegalArgumentException("unexpected location " + l.tlName());
  }

  /** The file with {@code refresher}. */
  MediaFile toMediaFile(Supplier<CompletableFuture<MediaFile>> refresher) {
    InputFileLocationType l;
    switch (location) {
      case "document":
        l = new InputDocumentFileLocation(id, accessHash, TlBytes.wrap(fileReference.clone()), thumbSize);
        break;
      case "photo":
        l = new InputPhotoFileLocation(id, accessHash, TlBytes.wrap(fileReference.clone()), thumbSize);
        break;
      case "peer_photo":
        l = InputPeerPhotoFileLocation.builder().big("big".equals(thumbSize)).peer(source.peer().toInputPeer())
            .photoId(id).build();
        break;
      default:
        throw new AssertionError(location); // the constructor admits only the cases above
    }
    return new MediaFile(l, dcId, size, mimeType, fileName, refresher);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MediaRef r && location.equals(r.location) && id == r.id && accessHash == r.accessHash
        && java.util.Arrays.equals(fileReference, r.fileReference) && thumbSize.equals(r.thumbSize) && dcId == r.dcId
        && size == r.size && Objects.equals(mimeType, r.mimeType) && Objects.equals(fileName, r.fileName)
        && source.equals(r.source);
  }

  @Override
  public int hashCode() {
    return Objects.hash(location, id, thumbSize, dcId, size, source);
  }

  @Override
  public String toString() {
    return "MediaRef[" + location + " " + id + (thumbSize.isEmpty() ? "" : "/" + thumbSize) + ", dc=" + dcId
        + ", size=" + size + ", " + mimeType + (fileName == null ? "" : ", " + fileName) + ", " + source + "]";
  }
}
