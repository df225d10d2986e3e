package io.telefetch.examples.serve;

import io.telefetch.examples.ffmpeg.Ffmpeg;
import io.telefetch.examples.ffmpeg.FfmpegException;
import io.telefetch.examples.ffmpeg.RemuxFormat;
import io.telefetch.examples.ffmpeg.Remuxer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * through a bounded pipe of 16 chunks (at most 1 MiB) to the gateway's worker, which reads the stream {@link Remux#apply} returns.
 * Backpressure holds end to end (a slow socket stalls the worker, the pipe, FFmpeg, the feeder and
 * the download). Closing the returned stream kills FFmpeg and closes the download (which cancels
 * it); a failed remux makes the returned stream throw after the last good byte, so a truncated
 * output is never reported as complete.
 */
public final class FfmpegTransform implements StreamTransform {
  private static final Logger LOG = LoggerFactory.getLogger(FfmpegTransform.class);

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
    ChunkPipe pipe = new ChunkPipe();
    Remuxer remuxer = Remuxer.start(ffmpeg, format, pipe.sink());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    remuxer.result().whenComplete((r, e) -> {
      if (e != null) {
        failure.set(e);
      }
      pipe.end(); // the reader sees the end (and then the failure, if any)
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
    return new InputStream() {
      private boolean closed;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = pipe.read(b, off, len);
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
        pipe.closeReader();
        try {
          remuxer.close(); // kills FFmpeg when it still runs
        } finally {
          source.close(); // cancels the download
        }
      }
    };
  }

  /**
   * A bounded pipe of chunks between FFmpeg's output pump and the gateway's worker: at most {@value
   * #CHUNKS} chunks (FFmpeg writes up to 64 KiB at a time) wait; a full pipe blocks the writer (the
   * backpressure) until the reader takes one or closes. Unlike {@code PipedInputStream} it does not
   * fail when the writing thread has ended before the reader drained it.
   */
  private static final class ChunkPipe {
    private static final int CHUNKS = 16;
    private static final byte[] END = new byte[0];
    private final ArrayBlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(CHUNKS);
    private volatile boolean readerClosed;
    private byte @Nullable [] current;
    private int pos;
    private boolean ended;

    OutputStream sink() {
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          put(new byte[] {(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          if (len > 0) {
            put(Arrays.copyOfRange(b, off, off + len));
          }
        }
      };
    }

    private void put(byte[] chunk) throws IOException {
      try {
        while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
          if (readerClosed) {
            throw new IOException("the client is gone");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted");
      }
    }

    void end() {
      try {
        put(END);
      } catch (IOException readerGone) {
        // nobody reads any more
      }
    }

    void closeReader() {
      readerClosed = true;
      queue.clear();
    }

    /** Called by the one reader thread. */
    int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (!ended && (current == null || pos == current.length)) {
        try {
          current = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted");
        }
        pos = 0;
        if (current == END) {
          ended = true;
        }
      }
      if (ended) {
        return -1;
      }
      byte[] c = current;
      int n = Math.min(len, c.length - pos);
      System.arraycopy(c, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
