package io.telefetch.media;

import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InputFileLocationType;
import io.telefetch.tl.api.InputPeerPhotoFileLocation;
import io.telefetch.tl.api.InputPhotoFileLocation;
import java.util.Locale;
import java.util.Map;

/**
 * The name a download into a directory gets: the media's own file name made safe for any file
 * system (no path separators, no control characters, no {@code .} or {@code ..}, at most {@value
 * #MAX_LENGTH} characters), or a name made from the media id and its MIME type.
 */
public final class SafeFileNames {
  /** The longest name returned, in characters (file systems cap names at 255 bytes). */
  public static final int MAX_LENGTH = 120;

  private static final Map<String, String> EXTENSIONS = Map.ofEntries(
      Map.entry("image/jpeg", ".jpg"), Map.entry("image/png", ".png"), Map.entry("image/gif", ".gif"),
      Map.entry("image/webp", ".webp"), Map.entry("video/mp4", ".mp4"), Map.entry("video/quicktime", ".mov"),
      Map.entry("video/webm", ".webm"), Map.entry("audio/mpeg", ".mp3"), Map.entry("audio/ogg", ".ogg"),
      Map.entry("audio/mp4", ".m4a"), Map.entry("application/pdf", ".pdf"), Map.entry("application/zip", ".zip"),
      Map.entry("text/plain", ".txt"), Map.entry("application/x-tgsticker", ".tgs"));

  private SafeFileNames() {}

  /** The safe name of {@code file}: its own name sanitised, or {@link #fallback}. */
  public static String of(MediaFile file) {
    String own = file.fileName().map(SafeFileNames::sanitise).orElse("");
    return own.isEmpty() ? fallback(file) : own;
  }

  /**
   * {@code name} without path separators (the part after the last {@code /} or {@code \}),
   * control and other invisible characters, characters Windows refuses ({@code <>:"|?*}), leading
   * dots and spaces and trailing dots and spaces, capped at {@value #MAX_LENGTH} characters
   * (keeping a short extension); "" when nothing is left.
   */
  public static String sanitise(String name) {
    if (name == null) {
      return "";
    }
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    String base = name.substring(slash + 1);
    int extAt = base.lastIndexOf('.');
    String rawExt = extAt > 0 && base.length() - extAt <= 10 ? base.substring(extAt) : "";
    String rawStem = base.substring(0, base.length() - rawExt.length());
    if (rawStem.codePointCount(0, rawStem.length()) > 4 * MAX_LENGTH) { // a bound on the work below
      rawStem = rawStem.substring(0, rawStem.offsetByCodePoints(0, 4 * MAX_LENGTH));
    }
    StringBuilder out = new StringBuilder(rawStem.length() + rawExt.length());
    (rawStem + rawExt).codePoints().forEach(cp -> {
      if (Character.isISOControl(cp) || "<>:\"|?*".indexOf(cp) >= 0 || isInvisible(cp)) {
        out.append('_');
      } else {
        out.appendCodePoint(cp);
      }
    });
    String s = out.toString().strip();
    int start = 0;
    while (start < s.length() && (s.charAt(start) == '.' || s.charAt(start) == ' ')) {
      start++;
    }
    int end = s.length();
    while (end > start && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == ' ')) {
      end--;
    }
    s = s.substring(start, end);
    if (s.codePointCount(0, s.length()) > MAX_LENGTH) {
      int dot = s.lastIndexOf('.');
      String ext = dot > 0 && s.length() - dot <= 10 ? s.substring(dot) : "";
      String stem = s.substring(0, s.length() - ext.length());
      stem = stem.substring(0, stem.offsetByCodePoints(0, MAX_LENGTH - ext.length()));
      s = stem + ext;
    }
    return s;
  }

  /** A name from the media id and its MIME type, e.g. {@code document_5001.pdf} or {@code photo_7_y.jpg}. */
  public static String fallback(MediaFile file) {
    InputFileLocationType l = file.location();
    String stem;
    if (l instanceof InputDocumentFileLocation d) {
      stem = "document_" + Long.toUnsignedString(d.id()) + (d.thumbSize().isEmpty() ? "" : "_" + d.thumbSize());
    } else if (l instanceof InputPhotoFileLocation p) {
      stem = "photo_" + Long.toUnsignedString(p.id()) + "_" + p.thumbSize();
    } else if (l instanceof InputPeerPhotoFileLocation p) {
      stem = "profile_photo_" + Long.toUnsignedString(p.photoId()) + (p.big() ? "_big" : "_small");
    } else {
      stem = "file";
    }
    return sanitise(stem) + EXTENSIONS.getOrDefault(file.mimeType().toLowerCase(Locale.ROOT), ".bin");
  }

  private static boolean isInvisible(int cp) {
    int type = Character.getType(cp);
    return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.UNASSIGNED || type == Character.PRIVATE_USE || type == Character.SURROGATE;
  }
}
