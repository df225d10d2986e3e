package io.telefetch.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InputPhotoFileLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link SafeFileNames}: a media's own name made safe, or a name from its id and MIME type. */
class SafeFileNamesTest {
  private static MediaFile doc(String name, String mime) {
    return new MediaFile(new InputDocumentFileLocation(5001, 1, TlBytes.wrap(new byte[0]), ""), 2, 10, mime, name,
        null);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "video.mp4|video.mp4",
      "../../etc/passwd|passwd",
      "..\\..\\windows\\system.ini|system.ini",
      "a/b/c.txt|c.txt",
      "..|''",
      ".|''",
      "...hidden|hidden",
      "  spaced .txt  |spaced .txt",
      "con:tro?l*|con_tro_l_",
      "trailing...|trailing",
      "日本語.pdf|日本語.pdf",
  })
  void sanitise(String in, String out) {
    assertThat(SafeFileNames.sanitise(in)).isEqualTo(out);
  }

  @Test
  void controlAndInvisibleCharactersAreReplaced() {
    assertThat(SafeFileNames.sanitise("a\u0000b\nc\u202Ed\u200B.txt")).isEqualTo("a_b_c_d_.txt");
  }

  @Test
  void longNamesAreCappedKeepingTheExtension() {
    String name = SafeFileNames.sanitise("x".repeat(1000) + ".mp4");
    assertThat(name).hasSize(SafeFileNames.MAX_LENGTH).endsWith(".mp4");
    assertThat(SafeFileNames.sanitise("y".repeat(5000))).hasSize(SafeFileNames.MAX_LENGTH);
  }

  @Test
  void aMissingOrUnusableNameFallsBackToTheIdAndMimeType() {
    assertThat(SafeFileNames.of(doc(null, "application/pdf"))).isEqualTo("document_5001.pdf");
    assertThat(SafeFileNames.of(doc("../..", "video/mp4"))).isEqualTo("document_5001.mp4");
    assertThat(SafeFileNames.of(doc("", "application/x-unknown"))).isEqualTo("document_5001.bin");
    assertThat(SafeFileNames.of(doc("../notes.pdf", "application/pdf"))).isEqualTo("notes.pdf");
    MediaFile photo = new MediaFile(new InputPhotoFileLocation(7, 1, TlBytes.wrap(new byte[0]), "y"), 2, 10,
        "image/jpeg", null, null);
    assertThat(SafeFileNames.of(photo)).isEqualTo("photo_7_y.jpg");
  }
}
