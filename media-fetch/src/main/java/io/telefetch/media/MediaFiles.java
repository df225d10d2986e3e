package io.telefetch.media;

import io.telefetch.tl.api.Document;
import io.telefetch.tl.api.DocumentAttributeFilename;
import io.telefetch.tl.api.DocumentAttribute;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InputPhotoFileLocation;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageEmpty;
import io.telefetch.tl.api.MessageMediaDocument;
import io.telefetch.tl.api.MessageMediaPhoto;
import io.telefetch.tl.api.MessageMedia;
import io.telefetch.tl.api.MessageType;
import io.telefetch.tl.api.Peer;
import io.telefetch.tl.api.PeerChannel;
import io.telefetch.tl.api.PeerChat;
import io.telefetch.tl.api.PeerUser;
import io.telefetch.tl.api.Photo;
import io.telefetch.tl.api.PhotoCachedSize;
import io.telefetch.tl.api.PhotoSize;
import io.telefetch.tl.api.PhotoSizeProgressive;
import io.telefetch.tl.api.PhotoSizeType;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Builds {@link MediaFile}s from messages and their media. */
public final class MediaFiles {
  private MediaFiles() {}

  /**
   * The main file of a message: a document, or the largest size of a photo.
   *
   * @param refetch fetches the same message again (for a fresh file_reference); may be null
   * @throws MessageNotFoundException if the message is {@code messageEmpty} (deleted or not visible)
   * @throws NoMediaException if the message has no downloadable media
   */
  public static MediaFile of(MessageType message, @Nullable Supplier<CompletableFuture<MessageType>> refetch) {
    if (message instanceof MessageEmpty empty) {
      throw new MessageNotFoundException(peer(empty.peerId()), empty.id());
    }
    if (!(message instanceof Message m) || m.media() == null) {
      throw new NoMediaException("message " + describe(message) + " has no media");
    }
    MediaFile file = fromMedia(m.media(), null);
    return refetch == null ? file : file.withRefresher(() -> refetch.get().thenApply(fresh -> of(fresh, refetch)));
  }

  /** The file of a message's media (documents; photos at their largest size). */
  public static MediaFile fromMedia(MessageMedia media, Supplier<CompletableFuture<MediaFile>> refresher) {
    if (media instanceof MessageMediaDocument d && d.document() instanceof Document doc) {
      return document(doc, refresher);
    }
    if (media instanceof MessageMediaPhoto p && p.photo() instanceof Photo photo) {
      return photo(photo, largest(photo).orElseThrow(() -> new NoMediaException("photo " + photo.id() + " has no downloadable size")), refresher);
    }
    throw new NoMediaException("no downloadable media in " + media.tlName());
  }

  /** A document's file. */
  public static MediaFile document(Document doc, Supplier<CompletableFuture<MediaFile>> refresher) {
    String name = null;
    for (DocumentAttribute a : doc.attributes()) {
      if (a instanceof DocumentAttributeFilename f) {
        name = f.fileName();
      }
    }
    return new MediaFile(new InputDocumentFileLocation(doc.id(), doc.accessHash(), doc.fileReference(), ""),
        doc.dcId(), doc.size(), doc.mimeType(), name, refresher);
  }

  /**
   * A thumbnail of a document ({@code type} as in one of its {@code thumbs}, e.g. "m").
   *
   * @throws NoMediaException if the document has no thumbnail of that type
   */
  public static MediaFile thumbnail(Document doc, String type, Supplier<CompletableFuture<MediaFile>> refresher) {
    List<PhotoSizeType> thumbs = doc.thumbs() == null ? List.of() : doc.thumbs();
    SizeInfo info = thumbs.stream().map(MediaFiles::info).flatMap(Optional::stream).filter(s -> s.type().equals(type))
        .findFirst().orElseThrow(() -> new NoMediaException("document " + doc.id() + " has no thumbnail " + type));
    return new MediaFile(new InputDocumentFileLocation(doc.id(), doc.accessHash(), doc.fileReference(), type),
        doc.dcId(), info.size(), "image/jpeg", doc.id() + "_" + type + ".jpg", refresher);
  }

  /** One size of a photo ({@code type} as in its PhotoSize, e.g. "y", "x", "m"). */
  public static MediaFile photo(Photo photo, String type, long size, Supplier<CompletableFuture<MediaFile>> refresher) {
    return new MediaFile(new InputPhotoFileLocation(photo.id(), photo.accessHash(), photo.fileReference(), type),
        photo.dcId(), size, "image/jpeg", photo.id() + "_" + type + ".jpg", refresher);
  }

  private static MediaFile photo(Photo photo, SizeInfo s, Supplier<CompletableFuture<MediaFile>> refresher) {
    return photo(photo, s.type(), s.size(), refresher);
  }

  /** The downloadable sizes of a photo, largest last. */
  public static List<String> sizes(Photo photo) {
    return photo.sizes().stream().map(MediaFiles::info).flatMap(Optional::stream)
        .sorted(Comparator.comparingLong(SizeInfo::size)).map(SizeInfo::type).toList();
  }

  /** A photo at a chosen size type. */
  public static MediaFile photo(Photo photo, String type, Supplier<CompletableFuture<MediaFile>> refresher) {
    return photo.sizes().stream().map(MediaFiles::info).flatMap(Optional::stream).filter(s -> s.type().equals(type))
        .findFirst().map(s -> photo(photo, s, refresher))
        .orElseThrow(() -> new NoMediaException("photo " + photo.id() + " has no size " + type));
  }

  private record SizeInfo(String type, long size) {}

  private static Optional<SizeInfo> largest(Photo photo) {
    return photo.sizes().stream().map(MediaFiles::info).flatMap(Optional::stream)
        .max(Comparator.comparingLong(SizeInfo::size));
  }

  private static Optional<SizeInfo> info(PhotoSizeType s) {
    if (s instanceof PhotoSize p) {
      return Optional.of(new SizeInfo(p.type(), p.size()));
    }
    if (s instanceof PhotoSizeProgressive p && !p.sizes().isEmpty()) {
      return Optional.of(new SizeInfo(p.type(), p.sizes().get(p.sizes().size() - 1)));
    }
    if (s instanceof PhotoCachedSize p) {
      return Optional.of(new SizeInfo(p.type(), p.bytes().length()));
    }
    return Optional.empty(); // stripped and path sizes are inline previews, not files
  }

  /** A peer as a message names it: {@code channel 1234}, {@code user 5}, {@code chat 7}. */
  static String peer(Peer peer) {
    if (peer instanceof PeerChannel c) {
      return "channel " + c.channelId();
    }
    if (peer instanceof PeerChat c) {
      return "chat " + c.chatId();
    }
    if (peer instanceof PeerUser u) {
      return "user " + u.userId();
    }
    return "unknown peer";
  }

  private static String describe(MessageType m) {
    return m == null ? "null" : m.tlName();
  }
}
