package io.telefetch.examples.serve;

import io.telefetch.examples.ffmpeg.Ffmpeg;
import io.telefetch.examples.ffmpeg.FfmpegException;
import io.telefetch.examples.ffmpeg.RemuxFormat;
import io.telefetch.examples.ffmpeg.Remuxer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's {@code &remux=mp4|mkv} on FFmpeg ({@link Remuxer}: {@code -c copy}, no re-encoding,
 * fragmented MP4). FFmpeg is located once, on the first remux request (a configured binary, {@code
 * $TELEFETCH_FFMPEG}, or the bundled build); when it is missing every remux is answered 501 and the
 * original stays streamable.
 *
 * <p>Per stream: a feeder thread copies the download into FFmpeg's input; FFmpeg's output goes
 * through a 64 KiB pipe to the gateway's worker, which reads the stream {@link Remux#apply} returns.
 * Backpressure holds end to end (a slow socket stalls the worker, the pipe, FFmpeg, the feeder and
 * the download). Closing the returned stream kills FFmpeg and closes the download (which cancels
 * it); a failed remux makes the returned stream throw after the last good byte, so a truncated
 * output is never reported as complete.
 */
public final class FfmpegTransform implements StreamTransform {
  private static final Logger LOG = LoggerFactory.getLogger(FfmpegTransform.class);
  private static final int PIPE = 64 * 1024;

  private final @Nullable Path configured;
  private final AtomicReference<Object> located = new AtomicReference<>(); // Ffmpeg or FfmpegException

  /** FFmpeg at {@code configured}, or when null from {@code $TELEFETCH_FFMPEG} or the bundled build. */
  public FfmpegTransform(@Nullable Path configured) {
    this.configured = configured;
  }

  /** An FFmpeg already located (e.g. {@link Ffmpeg#bundled()}). */
  public FfmpegTransform(Ffmpeg ffmpeg) {
    this.configured = null;
    located.set(java.util.Objects.requireNonNull(ffmpeg, "ffmpeg"));
  }

  private @Nullable Ffmpeg ffmpeg() {
    Object v = located.get();
    if (v == null) {
      try {
        v = Ffmpeg.locate(configured);
      } catch (FfmpegException e) {
        v = e;
        LOG.warn("remux is off: {}", e.getMessage());
      }
      if (!located.compareAndSet(null, v)) {
        v = located.get();
      }
    }
    return v instanceof Ffmpeg f ? f : null;
  }

  @Override
  public Optional<Remux> forFormat(String format) {
    RemuxFormat f;
    try {
      f = RemuxFormat.parse(format);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Ffmpeg ffmpeg = ffmpeg();
    if (ffmpeg == null) {
      return Optional.empty();
    }
    return Optional.of(new Remux() {
      @Override
      public String mimeType() {
        return f.mimeType();
      }

      @Override
      public InputStream apply(InputStream source) {
        return start(ffmpeg, f, source);
      }
    });
  }

  private static InputStream start(Ffmpeg ffmpeg, RemuxFormat format, InputStream source) {
    PipedInputStream output = new PipedInputStream(PIPE);
    PipedOutputStream toOutput;
    try {
      toOutput = new PipedOutputStream(output);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // a new pipe is always unconnected
    }
    Remuxer remuxer = Remuxer.start(ffmpeg, format, toOutput);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    remuxer.result().whenComplete((r, e) -> {
      if (e != null) {
        failure.set(e);
      }
      try {
        toOutput.close(); // the reader sees the end (and then the failure, if any)
      } catch (IOException ignored) {
        // the reader is gone
      }
    });
    Thread feeder = new Thread(() -> {
      try (InputStream in = source) {
        remuxer.pipe(in);
      } catch (Exception e) {
        failure.compareAndSet(null, e);
        remuxer.cancel();
      }
    }, "telefetch-remux-feed");
    feeder.setDaemon(true);
    feeder.start();
    return new FilterInputStream(output) {
      private boolean closed;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        Throwable e = failure.get();
        if (n < 0 && e != null) {
          throw new IOException("remux to " + format.extension() + " failed: " + e.getMessage(), e);
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        if (closed) {
          return;
        }
        closed = true;
        try {
          remuxer.close(); // kills FFmpeg when it still runs
        } finally {
          try {
            source.close(); // cancels the download
          } finally {
            super.close();
          }
        }
      }
    };
  }
}
