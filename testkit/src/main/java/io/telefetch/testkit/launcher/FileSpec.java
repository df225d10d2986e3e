package io.telefetch.testkit.launcher;

import io.telefetch.testkit.world.FileContent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file the launcher seeds, as given by {@code --file NAME:SIZE[:DC][:cdn]}: a name, a size, the
 * DC storing it (0 for the default) and whether the CDN serves it. Its content is generated from a
 * seed derived from the name and size ({@link #content()}), so the same spec always has the same
 * bytes and SHA-256.
 *
 * @param name the file name (no {@code :}); its extension gives the MIME type
 * @param size the size in bytes, 1 to {@value #MAX_SIZE}
 * @param dc the DC storing the file, or 0 for the launcher's default (DC 2, or 1 with one DC)
 * @param cdn whether the file is CDN-served (the cluster then gets a CDN DC)
 */
public record FileSpec(String name, long size, int dc, boolean cdn) {
  /** Telegram's largest file: 4 GiB. */
  public static final long MAX_SIZE = 4L << 30;

  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");
  private static final Map<String, Long> UNITS = Map.ofEntries(
      Map.entry("", 1L), Map.entry("b", 1L),
      Map.entry("k", 1L << 10), Map.entry("kib", 1L << 10), Map.entry("kb", 1000L),
      Map.entry("m", 1L << 20), Map.entry("mib", 1L << 20), Map.entry("mb", 1000_000L),
      Map.entry("g", 1L << 30), Map.entry("gib", 1L << 30), Map.entry("gb", 1000_000_000L));
  private static final Map<String, String> MIME = Map.ofEntries(
      Map.entry("mp4", "video/mp4"), Map.entry("m4v", "video/mp4"), Map.entry("mov", "video/quicktime"),
      Map.entry("mkv", "video/x-matroska"), Map.entry("webm", "video/webm"), Map.entry("avi", "video/x-msvideo"),
      Map.entry("mp3", "audio/mpeg"), Map.entry("m4a", "audio/mp4"), Map.entry("ogg", "audio/ogg"),
      Map.entry("flac", "audio/flac"), Map.entry("wav", "audio/wav"),
      Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("png", "image/png"),
      Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
      Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"),
      Map.entry("tar", "application/x-tar"), Map.entry("7z", "application/x-7z-compressed"),
      Map.entry("rar", "application/vnd.rar"), Map.entry("apk", "application/vnd.android.package-archive"),
      Map.entry("json", "application/json"), Map.entry("txt", "text/plain"), Map.entry("csv", "text/csv"),
      Map.entry("html", "text/html"), Map.entry("bin", "application/octet-stream"));

  public FileSpec {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.contains(":") || name.contains("/")) {
      throw new IllegalArgumentException("bad file name '" + name + "'");
    }
    if (size < 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException("file size " + size + " is not in 1.." + MAX_SIZE);
    }
    if (dc < 0) {
      throw new IllegalArgumentException("bad DC " + dc);
    }
  }

  /** The launcher's default: {@code demo.mp4}, a 64 MiB video on the default DC (2, or 1 with one DC). */
  public static FileSpec defaultVideo() {
    return new FileSpec("demo.mp4", 64L << 20, 0, false);
  }

  /**
   * Parses {@code NAME:SIZE[:DC][:cdn]}, e.g. {@code demo.mp4:64MiB}, {@code big.bin:1GiB:3:cdn},
   * {@code a.zip:12345:cdn}.
   *
   * @throws IllegalArgumentException if it is malformed
   */
  public static FileSpec parse(String text) {
    String[] parts = Objects.requireNonNull(text, "text").split(":", -1);
    if (parts.length < 2 || parts.length > 4) {
      throw new IllegalArgumentException("expected NAME:SIZE[:DC][:cdn], got '" + text + "'");
    }
    long size = parseSize(parts[1]);
    int dc = 0;
    boolean cdn = false;
    for (int i = 2; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.equalsIgnoreCase("cdn") && !cdn) {
        cdn = true;
      } else if (p.matches("\\d{1,4}") && dc == 0 && !cdn && Integer.parseInt(p) > 0) {
        dc = Integer.parseInt(p);
      } else {
        throw new IllegalArgumentException("expected NAME:SIZE[:DC][:cdn], got '" + text + "'");
      }
    }
    return new FileSpec(parts[0], size, dc, cdn);
  }

  /**
   * Parses a size: a number with an optional unit, {@code B}, {@code K}/{@code KiB} (1024), {@code
   * KB} (1000), {@code M}/{@code MiB}, {@code MB}, {@code G}/{@code GiB}, {@code GB}; case-insensitive,
   * fractions allowed ({@code 1.5GiB}, rounded down).
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    Long unit = m.matches() ? UNITS.get(m.group(2)) : null;
    if (unit == null) {
      throw new IllegalArgumentException("bad size '" + text + "' (e.g. 12345, 300KiB, 64MiB, 1GiB)");
    }
    try {
      return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).longValueExact();
    } catch (ArithmeticException e) {
      BigDecimal v = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
      if (v.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw new IllegalArgumentException("size '" + text + "' is too large");
      }
      return v.longValue();
    }
  }

  /** The MIME type: by the name's extension ({@code video/mp4} for {@code .mp4}), else {@code application/octet-stream}. */
  public String mimeType() {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return MIME.getOrDefault(ext, "application/octet-stream");
  }

  /** Whether the file is seeded as a video (a {@code video/*} MIME type). */
  public boolean isVideo() {
    return mimeType().startsWith("video/");
  }

  /** The seed of the content: a hash of the name and size, so equal specs have equal bytes. */
  public long seed() {
    long h = 0xCBF29CE484222325L;
    for (byte b : (name + ":" + size).getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xFF)) * 0x100000001B3L;
    }
    return h;
  }

  /** The file's bytes, generated on the fly from {@link #seed()}. */
  public FileContent content() {
    return FileContent.seeded(seed(), size);
  }

  /** The spec as given on the command line. */
  @Override
  public String toString() {
    return name + ":" + size + (dc > 0 ? ":" + dc : "") + (cdn ? ":cdn" : "");
  }
}
