package io.telefetch.examples.ffmpeg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One streaming remux: {@code ffmpeg -hide_banner -loglevel error -i pipe:0 -c copy -f FORMAT
 * pipe:1}, no re-encoding and nothing on disk. Bytes go in through {@link #input()} as they arrive
 * (or {@link #pipe(InputStream)} copies a stream); FFmpeg's output is written to the {@code out}
 * given to {@link #start} by a pump thread as soon as FFmpeg produces it (flushed whenever FFmpeg has
 * nothing more ready), so output begins long before the input ends.
 *
 * <p>Memory is bounded: the two OS pipes plus one 64 KiB buffer, and at most {@value
 * #STDERR_LIMIT} bytes of FFmpeg's standard error. Backpressure works both ways: a consumer whose
 * {@code write} blocks (a slow socket) stops the pump, FFmpeg blocks on its full output pipe and
 * stops reading, and the producer's {@code input().write} blocks in turn.
 *
 * <p>For an HTTP gateway: {@code Remuxer r = ffmpeg.remux(RemuxFormat.MP4, responseBody)}, write
 * each part to {@code r.input()} as it arrives, close {@code r.input()} at the end of the download,
 * then {@link #result()} completes after the last byte was written to {@code responseBody}
 * ({@code responseBody} is flushed, never closed). When the client disconnects, {@code
 * responseBody.write} throws, the remux stops and {@code result()} fails with {@link
 * FfmpegException.Reason#OUTPUT}; call {@link #close()} in every case (it kills FFmpeg if it still
 * runs). A consumer whose {@code write} blocks forever holds the pump thread until that write
 * returns or throws even after a cancel, so the gateway closes the socket too.
 *
 * <p>Outcome: {@link #result()} completes with a {@link Result} when FFmpeg exited 0 and all of its
 * output was written; it fails with a {@link FfmpegException} ({@link FfmpegException.Reason#FAILED}
 * with FFmpeg's message on a non-zero exit, {@link FfmpegException.Reason#OUTPUT} when the consumer
 * failed); it is cancelled by {@link #cancel()} or {@link #close()} before the end, or by cancelling
 * the future itself: each kills FFmpeg (and anything it started) and reaps it.
 */
public final class Remuxer implements AutoCloseable {
  /** The most of FFmpeg's standard error kept for the error message. */
  public static final int STDERR_LIMIT = 8192;

  private static final int BUFFER = 64 * 1024;
  private static final long KILL_WAIT_SECONDS = 10;

  /** What a finished remux did. */
  public record Result(RemuxFormat format, long bytesIn, long bytesOut) {}

  private final RemuxFormat format;
  private final Process process;
  private final OutputStream out;
  private final Input input;
  private final CompletableFuture<Result> result = new CompletableFuture<>();
  private final AtomicLong bytesOut = new AtomicLong();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private volatile Throwable outputError;

  private Remuxer(RemuxFormat format, Process process, OutputStream out) {
    this.format = format;
    this.process = process;
    this.out = out;
    this.input = new Input(process.getOutputStream());
  }

  /**
   * Starts FFmpeg writing {@code format} to {@code out} (never closed here).
   *
   * @throws FfmpegException ({@link FfmpegException.Reason#UNAVAILABLE}) when FFmpeg does not start
   */
  public static Remuxer start(Ffmpeg ffmpeg, RemuxFormat format, OutputStream out) {
    Objects.requireNonNull(ffmpeg, "ffmpeg");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(out, "out");
    List<String> args = new ArrayList<>(List.of("-hide_banner", "-loglevel", "error", "-i", "pipe:0", "-c", "copy"));
    args.addAll(format.muxerArgs());
    args.add("pipe:1");
    Process p;
    try {
      p = ffmpeg.command(ffmpeg.executable(), args).start();
    } catch (IOException e) {
      throw new FfmpegException(FfmpegException.Reason.UNAVAILABLE,
          "FFmpeg did not start (" + ffmpeg.executable() + "): " + e.getMessage(), "", e);
    }
    Remuxer r = new Remuxer(format, p, out);
    r.begin();
    return r;
  }

  private void begin() {
    CompletableFuture<Void> pumped = new CompletableFuture<>();
    CompletableFuture<Void> drained = new CompletableFuture<>();
    daemon("ffmpeg-out-" + process.pid(), () -> {
      try {
        pumpOutput();
      } finally {
        pumped.complete(null);
      }
    });
    daemon("ffmpeg-err-" + process.pid(), () -> {
      try {
        drainStderr();
      } finally {
        drained.complete(null);
      }
    });
    result.whenComplete((r, e) -> {
      if (e != null) {
        kill();
      }
    });
    CompletableFuture.allOf(pumped, drained, process.onExit()).whenComplete((v, e) -> finish());
  }

  private static void daemon(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
  }

  private void pumpOutput() {
    byte[] buf = new byte[BUFFER];
    try (InputStream from = process.getInputStream()) {
      for (int n; (n = from.read(buf)) >= 0; ) {
        if (n == 0) {
          continue;
        }
        try {
          out.write(buf, 0, n);
          bytesOut.addAndGet(n);
          if (from.available() == 0) {
            out.flush();
          }
        } catch (IOException | RuntimeException e) {
          outputError = e;
          kill();
          return;
        }
      }
      try {
        out.flush();
      } catch (IOException | RuntimeException e) {
        outputError = e;
      }
    } catch (IOException e) {
      // FFmpeg's stdout closed under us (killed): the exit status tells the rest
    }
  }

  private void drainStderr() {
    byte[] buf = new byte[4096];
    try (InputStream from = process.getErrorStream()) {
      for (int n; (n = from.read(buf)) >= 0; ) {
        synchronized (stderr) {
          int keep = Math.min(n, STDERR_LIMIT - stderr.size());
          if (keep > 0) {
            stderr.write(buf, 0, keep);
          }
        }
      }
    } catch (IOException e) {
      // killed
    }
  }

  private void finish() {
    int exit = process.exitValue();
    String err = stderrText();
    if (outputError != null) {
      result.completeExceptionally(new FfmpegException(FfmpegException.Reason.OUTPUT,
          "writing the remuxed " + format.extension() + " failed: " + oneLine(String.valueOf(outputError.getMessage())),
          err, outputError));
    } else if (exit != 0) {
      String first = oneLine(err);
      result.completeExceptionally(new FfmpegException(FfmpegException.Reason.FAILED,
          "FFmpeg failed to remux to " + format.extension() + " (exit status " + exit + ")"
              + (first.isEmpty() ? "" : ": " + first), err, null));
    } else {
      result.complete(new Result(format, input.count.get(), bytesOut.get()));
    }
  }

  private String stderrText() {
    synchronized (stderr) {
      return stderr.toString(StandardCharsets.UTF_8);
    }
  }

  /** FFmpeg's lines joined with "; ", at most 300 characters. */
  static String oneLine(String text) {
    String s = String.join("; ", text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }

  /**
   * Where the source bytes go, in order; {@code close()} it at the end of the input. A {@code write}
   * blocks while FFmpeg is busy (backpressure) and throws an {@code IOException} once FFmpeg has
   * stopped (failed, cancelled): {@link #result()} then says why. Not thread-safe: one producer.
   */
  public OutputStream input() {
    return input;
  }

  /**
   * Copies {@code source} to {@link #input()} on the calling thread, closes the input and waits for
   * the result. {@code source} is not closed.
   *
   * @throws FfmpegException when FFmpeg failed or its output could not be written
   * @throws IOException when reading {@code source} failed (FFmpeg is killed)
   * @throws CancellationException when the remux was cancelled
   * @throws InterruptedException when interrupted (FFmpeg is killed)
   */
  public Result pipe(InputStream source) throws IOException, InterruptedException {
    byte[] buf = new byte[BUFFER];
    try {
      for (int n; (n = source.read(buf)) >= 0; ) {
        try {
          input.write(buf, 0, n);
        } catch (IOException e) {
          break; // FFmpeg stopped reading: its result says why
        }
      }
      try {
        input.close();
      } catch (IOException e) {
        // as above
      }
      return await();
    } catch (IOException | RuntimeException | InterruptedException e) {
      cancel();
      throw e;
    } catch (Error e) {
      cancel();
      throw e;
    }
  }

  private Result await() throws InterruptedException {
    try {
      return result.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      while (c instanceof CompletionException && c.getCause() != null) {
        c = c.getCause();
      }
      if (c instanceof FfmpegException f) {
        throw f;
      }
      throw new FfmpegException(FfmpegException.Reason.FAILED, "FFmpeg failed: " + c, stderrText(), c);
    }
  }

  /** Completes when the remux is over; see the class javadoc. */
  public CompletableFuture<Result> result() {
    return result;
  }

  /** FFmpeg's process id (for diagnostics). */
  public long pid() {
    return process.pid();
  }

  /** FFmpeg's standard error so far (bounded by {@value #STDERR_LIMIT} bytes). */
  public String stderr() {
    return stderrText();
  }

  /**
   * Stops the remux unless it already finished: {@link #result()} is cancelled, FFmpeg and its
   * descendants are killed, and this returns once FFmpeg has exited (bounded wait). Idempotent.
   */
  public void cancel() {
    result.cancel(true);
    kill();
  }

  /** {@link #cancel()} when the remux is still running; nothing otherwise. */
  @Override
  public void close() {
    if (!result.isDone()) {
      cancel();
    }
  }

  private void kill() {
    if (!process.isAlive()) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.onExit().get(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // reported by isAlive() to whoever checks; nothing more to do here
    }
    closeQuietly(process.getOutputStream());
  }

  private static void closeQuietly(OutputStream s) {
    try {
      s.close();
    } catch (IOException e) {
      // the pipe is gone already
    }
  }

  /** The producer's side: counts bytes, refuses writes after a cancel. */
  private final class Input extends OutputStream {
    private final OutputStream to;
    final AtomicLong count = new AtomicLong();

    Input(OutputStream to) {
      this.to = to;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (result.isCancelled()) {
        throw new IOException("the remux was cancelled");
      }
      to.write(b, off, len);
      count.addAndGet(len);
    }

    @Override
    public void flush() throws IOException {
      to.flush();
    }

    @Override
    public void close() throws IOException {
      to.close();
    }
  }
}
