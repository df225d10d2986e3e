package io.telefetch.examples.ffmpeg;

import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.media.SafeFileNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Downloads one {@link MediaFile} and remuxes it on the fly into {@code DIR/NAME.mp4} (or {@code
 * .mkv}): the parts stream from {@link MediaFetcher} straight into FFmpeg ({@link Remuxer}), its
 * output goes to {@code NAME.EXT.part}, which is fsynced and renamed when FFmpeg succeeded. On any
 * failure (FFmpeg's, the download's, a cancel) the partial output is removed; the original was never
 * written, so running without {@code --remux} still downloads it.
 */
public final class RemuxDownload {
  private final MediaFetcher fetcher;
  private final Ffmpeg ffmpeg;
  private final RemuxFormat format;

  /** Downloads with {@code fetcher}, remuxes with {@code ffmpeg} into {@code format}. */
  public RemuxDownload(MediaFetcher fetcher, Ffmpeg ffmpeg, RemuxFormat format) {
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.ffmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
    this.format = Objects.requireNonNull(format, "format");
  }

  /** {@code DIR/NAME.EXT}: the media's safe name with its extension replaced by the format's. */
  public Path target(MediaFile file, Path dir) {
    String name = SafeFileNames.of(file);
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    return dir.resolve(base + "." + format.extension());
  }

  /**
   * Starts the download and remux on a thread of its own; completes with the path written, or fails
   * with a {@link FfmpegException} (FFmpeg's) or the download's exception. Cancelling the future
   * stops the download, kills FFmpeg and removes the partial output.
   */
  public CompletableFuture<Path> start(MediaFile file, Path dir) {
    Path target = target(file, dir);
    Path part = target.resolveSibling(target.getFileName() + ".part");
    CompletableFuture<Path> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        run(file, target, part, done);
        done.complete(target);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "remux-" + target.getFileName());
    t.setDaemon(true);
    done.whenComplete((p, e) -> {
      if (done.isCancelled()) {
        t.interrupt();
      }
    });
    t.start();
    return done;
  }

  private void run(MediaFile file, Path target, Path part, CompletableFuture<Path> done) throws Exception {
    boolean ok = false;
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
         OutputStream sink = Channels.newOutputStream(ch);
         InputStream source = fetcher.download(file).openStream();
         Remuxer remuxer = ffmpeg.remux(format, sink)) {
      done.whenComplete((p, e) -> {
        if (done.isCancelled()) {
          remuxer.cancel();
          closeQuietly(source);
        }
      });
      remuxer.pipe(source);
      ch.force(true);
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(part);
      }
    }
    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // cancelling anyway
    }
  }
}
