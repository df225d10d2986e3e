package io.telefetch.examples.serve;

import java.io.InputStream;
import java.util.Optional;

/**
 * A live transformation of a media stream (the {@code &remux=} parameter), e.g. FFmpeg repackaging
 * Matroska into fragmented MP4 without re-encoding. The gateway asks {@link #forFormat} and answers
 * 501 when no transform is available.
 */
public interface StreamTransform {
  /** No transform: every {@code &remux=} is answered 501 "remux not available". */
  StreamTransform NONE = format -> Optional.empty();

  /** The transform to {@code format} ({@code mp4}, {@code mkv}...), or empty when unavailable. */
  Optional<Remux> forFormat(String format);

  /** One available transform. */
  interface Remux {
    /** The MIME type of the output. */
    String mimeType();

    /** Starts transforming {@code source} (closed by the returned stream); reading gives the output. */
    InputStream apply(InputStream source);
  }
}
