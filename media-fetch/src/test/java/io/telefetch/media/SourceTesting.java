package io.telefetch.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.telefetch.media.FileSource.Bytes;
import io.telefetch.media.FileSource.Outcome;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.upload.FileCdnRedirect;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.mtproto.client.DcClient;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import io.telefetch.media.engine.SerialExecutor;

/** What the part-source tests share: waiting for outcomes, reading (and releasing) their bytes, recorders. */
final class SourceTesting {
  static final int KIB = 1024;
  static final int MIB = 1 << 20;

  private SourceTesting() {}

  /** The future's value (the network is local: 30 s only guards against a hang). */
  static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  /** The future's failure, unwrapped. */
  static Throwable failure(CompletableFuture<?> f) throws Exception {
    try {
      Object value = f.get(30, TimeUnit.SECONDS);
      if (value instanceof Bytes b) {
        b.data().release();
      }
      return fail("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return FileSource.unwrap(e.getCause());
    }
  }

  /** The bytes of a {@link Bytes} outcome, copied; the outcome's data is released. */
  static byte[] bytesOf(Outcome o) {
    assertThat(o).isInstanceOf(Bytes.class);
    return copy(((Bytes) o).data());
  }

  /** A copy of {@code data}, which is released. */
  static byte[] copy(TlBytes data) {
    try {
      return data.toByteArray();
    } finally {
      data.release();
    }
  }

  /** Asks {@code dc} for the file with cdn_supported: the redirect a CDN-served file answers. */
  static FileCdnRedirect redirectOf(DcClient dc, MediaFile file) throws Exception {
    Object answer = await(dc.getFile(GetFile.builder().location(file.location()).offset(0).limit(MIB)
        .cdnSupported(true).build(), FileSource.PART_CALLS));
    assertThat(answer).isInstanceOf(FileCdnRedirect.class);
    return (FileCdnRedirect) answer;
  }

  /** An owner executor whose tasks run only when the test says ({@link #run()}). */
  static final class ManualOwner {
    private final Queue<Runnable> drains = new ConcurrentLinkedQueue<>();
    final SerialExecutor executor = SerialExecutor.on(drains::add);

    /** Whether a task waits. */
    boolean hasWork() {
      return !drains.isEmpty();
    }

    /** Runs every task submitted so far (and those they submit), on this thread. */
    void run() {
      Runnable r;
      while ((r = drains.poll()) != null) {
        r.run();
      }
    }
  }

  /** Records the downloader's events. */
  static final class Events implements EventListener {
    final List<String> migrations = new CopyOnWriteArrayList<>();
    final List<Long> mismatches = new CopyOnWriteArrayList<>();
    final List<Integer> partDcs = new CopyOnWriteArrayList<>();

    @Override
    public void migrated(int fromDc, int toDc, String reason) {
      migrations.add(fromDc + "->" + toDc + " " + reason);
    }

    @Override
    public void hashMismatch(long offset, int length) {
      mismatches.add(offset);
    }

    @Override
    public void partFetched(int dcId, long offset, int length) {
      partDcs.add(dcId);
    }
  }
}
