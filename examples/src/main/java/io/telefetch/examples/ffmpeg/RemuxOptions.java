package io.telefetch.examples.ffmpeg;

import io.telefetch.media.MediaFetcher;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The {@code --remux mp4|mkv} and {@code --ffmpeg PATH} options of {@code telefetch download}, as a
 * picocli mixin. Without {@code --remux} nothing needs FFmpeg.
 */
public final class RemuxOptions {
  /** The hint every FFmpeg error ends with. */
  public static final String HINT = "run without --remux to download the original";

  @Option(names = "--remux", paramLabel = "mp4|mkv", converter = FormatConverter.class,
      description = "remux each file on the fly with FFmpeg (-c copy, no re-encoding) into NAME.mp4 "
          + "(fragmented) or NAME.mkv")
  RemuxFormat format;

  @Option(names = "--ffmpeg", paramLabel = "PATH", description = "the ffmpeg executable for --remux "
      + "(default: $" + Ffmpeg.ENV + ", else the bundled build)")
  Path ffmpeg;

  /** Whether {@code --remux} was given. */
  public boolean enabled() {
    return format != null;
  }

  /**
   * The remuxing downloader, FFmpeg located.
   *
   * @throws FfmpegException when FFmpeg is unavailable
   */
  public RemuxDownload downloader(MediaFetcher fetcher) {
    return new RemuxDownload(fetcher, Ffmpeg.locate(ffmpeg), format);
  }

  /** One line for an FFmpeg error, with the hint to run without {@code --remux}. */
  public static String message(FfmpegException e) {
    return e.getMessage() + "; " + HINT;
  }

  /** {@code mp4} or {@code mkv}. */
  public static final class FormatConverter implements ITypeConverter<RemuxFormat> {
    @Override
    public RemuxFormat convert(String value) {
      return RemuxFormat.parse(value);
    }
  }
}
