package io.telefetch.examples.ffmpeg;

import java.util.List;
import java.util.Locale;

/** A container {@link Remuxer} writes: streamable on a pipe, no seek back needed. */
public enum RemuxFormat {
  /** Fragmented MP4 ({@code frag_keyframe+empty_moov+default_base_moof}): plays in a browser as it arrives. */
  MP4("mp4", "video/mp4", List.of("-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof")),
  /** Matroska. */
  MKV("mkv", "video/x-matroska", List.of("-f", "matroska"));

  private final String extension;
  private final String mimeType;
  private final List<String> muxerArgs;

  RemuxFormat(String extension, String mimeType, List<String> muxerArgs) {
    this.extension = extension;
    this.mimeType = mimeType;
    this.muxerArgs = muxerArgs;
  }

  /** The file name extension, without the dot. */
  public String extension() {
    return extension;
  }

  /** The MIME type of the output, for a {@code Content-Type}. */
  public String mimeType() {
    return mimeType;
  }

  List<String> muxerArgs() {
    return muxerArgs;
  }

  /**
   * {@code mp4} or {@code mkv} (any case).
   *
   * @throws IllegalArgumentException for anything else, naming the accepted values
   */
  public static RemuxFormat parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    for (RemuxFormat f : values()) {
      if (f.extension.equals(t)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown remux format '" + text + "': use mp4 or mkv");
  }
}
