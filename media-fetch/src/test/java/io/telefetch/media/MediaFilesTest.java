package io.telefetch.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.TelefetchException;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.Document;
import io.telefetch.tl.api.DocumentAttributeFilename;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InputPhotoFileLocation;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageEmpty;
import io.telefetch.tl.api.MessageMediaDocument;
import io.telefetch.tl.api.MessageMediaPhoto;
import io.telefetch.tl.api.MessageMediaWebPage;
import io.telefetch.tl.api.PeerChannel;
import io.telefetch.tl.api.Photo;
import io.telefetch.tl.api.PhotoSize;
import io.telefetch.tl.api.PhotoSizeProgressive;
import io.telefetch.tl.api.PhotoStrippedSize;
import io.telefetch.tl.api.WebPageEmpty;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MediaFile from messages: documents, photos (largest by default, any size), thumbnails, errors. */
class MediaFilesTest {
  private static final TlBytes REF = TlBytes.ofHex("0102030405");

  private static Message post(io.telefetch.tl.api.MessageMedia media) {
    return Message.builder().id(7).peerId(new PeerChannel(1L)).date(1).message("").media(media).build();
  }

  private static Document doc() {
    return Document.builder().id(11L).accessHash(22L).fileReference(REF).date(1).mimeType("video/mp4").size(123_456_789L)
        .dcId(4).thumbs(List.of(new PhotoSize("m", 320, 180, 9_000)))
        .attributes(List.of(new DocumentAttributeFilename("clip.mp4"))).build();
  }

  @Test
  void documentKeepsNameSizeMimeAndDc() {
    MediaFile f = MediaFiles.of(post(MessageMediaDocument.builder().document(doc()).build()), null);
    assertThat(f.fileName()).contains("clip.mp4");
    assertThat(f.size()).isEqualTo(123_456_789L);
    assertThat(f.mimeType()).isEqualTo("video/mp4");
    assertThat(f.dcId()).isEqualTo(4);
    assertThat(f.location()).isEqualTo(new InputDocumentFileLocation(11L, 22L, REF, ""));
  }

  @Test
  void photoDefaultsToTheLargestSizeAndAnySizeOnRequest() {
    Photo photo = Photo.builder().id(5L).accessHash(6L).fileReference(REF).date(1).dcId(2)
        .sizes(List.of(new PhotoStrippedSize("i", TlBytes.ofHex("00")), new PhotoSize("m", 320, 240, 20_000),
            new PhotoSizeProgressive("y", 1280, 960, List.of(10_000, 50_000, 150_000))))
        .build();
    MediaFile largest = MediaFiles.of(post(MessageMediaPhoto.builder().photo(photo).build()), null);
    assertThat(largest.location()).isEqualTo(new InputPhotoFileLocation(5L, 6L, REF, "y"));
    assertThat(largest.size()).isEqualTo(150_000);
    assertThat(MediaFiles.sizes(photo)).containsExactly("m", "y");
    assertThat(MediaFiles.photo(photo, "m", null).size()).isEqualTo(20_000);
    assertThatThrownBy(() -> MediaFiles.photo(photo, "z", null)).isInstanceOf(NoMediaException.class);
  }

  @Test
  void documentThumbnails() {
    MediaFile thumb = MediaFiles.thumbnail(doc(), "m", null);
    assertThat(thumb.location()).isEqualTo(new InputDocumentFileLocation(11L, 22L, REF, "m"));
    assertThat(thumb.size()).isEqualTo(9_000);
    assertThatThrownBy(() -> MediaFiles.thumbnail(doc(), "x", null)).isInstanceOf(NoMediaException.class);
  }

  @Test
  void messagesWithoutDownloadableMediaAreAClearError() {
    assertThatThrownBy(() -> MediaFiles.of(post(null), null)).isInstanceOf(NoMediaException.class)
        .hasMessageContaining("no media");
    assertThatThrownBy(() -> MediaFiles.of(post(new MessageMediaWebPage(false, false, false, false, new WebPageEmpty(1L, null))), null))
        .isInstanceOf(NoMediaException.class);
  }

  @Test
  void aMissingMessageIsNotFoundNamingPeerAndIdNotNoMedia() {
    assertThatThrownBy(() -> MediaFiles.of(new MessageEmpty(42, new PeerChannel(777L)), null))
        .isInstanceOf(MessageNotFoundException.class).isInstanceOf(DownloadException.class)
        .isNotInstanceOf(NoMediaException.class)
        .hasMessageContaining("message 42 of channel 777 not found")
        .satisfies(e -> {
          assertThat(((MessageNotFoundException) e).messageId()).isEqualTo(42);
          assertThat(((MessageNotFoundException) e).peer()).isEqualTo("channel 777");
        });
    assertThatThrownBy(() -> MediaFiles.of(new MessageEmpty(7, null), null))
        .isInstanceOf(MessageNotFoundException.class).hasMessageContaining("message 7 of unknown peer");
    assertThatThrownBy(() -> MediaFiles.of(post(null), null)).isInstanceOf(NoMediaException.class)
        .isInstanceOf(DownloadException.class).isInstanceOf(TelefetchException.class);
  }

  @Test
  void refreshWithoutARefresherFailsClearly() {
    MediaFile f = MediaFiles.document(doc(), null);
    assertThat(f.refresh()).isCompletedExceptionally();
    assertThatThrownBy(() -> f.refresh().join()).cause().isInstanceOf(DownloadException.class)
        .hasMessageContaining("no refresher");
  }
}
