package io.telefetch.examples.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Remuxer} driving the bundled FFmpeg on a Matroska file it made from generated frames. */
class RemuxerTest {
  @TempDir
  static Path tmp;

  private static Path mkv;
  private static byte[] mkvBytes;
  private static FfmpegFixtures.Probe source;

  @BeforeAll
  static void makeMedia() throws Exception {
    mkv = FfmpegFixtures.makeMkv(tmp, "clip.mkv", 3);
    mkvBytes = Files.readAllBytes(mkv);
    source = FfmpegFixtures.probe(mkv);
    assertThat(source.formatName()).contains("matroska");
    assertThat(source.streams()).containsExactly("video:mpeg4", "audio:aac");
  }

  /** A consumer that counts what it got and can be held (a slow socket). */
  private static final class Consumer extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final AtomicLong count = new AtomicLong();
    volatile CountDownLatch hold = new CountDownLatch(0);
    volatile IOException fail;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      try {
        hold.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      if (fail != null) {
        throw fail;
      }
      bytes.write(b, off, len);
      count.addAndGet(len);
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
      Thread.sleep(50);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }

  @Test
  void remuxesToFragmentedMp4WithTheSameStreamsCopiedAndTheSameDuration() throws Exception {
    for (RemuxFormat format : RemuxFormat.values()) {
      Consumer out = new Consumer();
      try (Remuxer r = Remuxer.start(FfmpegFixtures.ffmpeg(), format, out)) {
        Remuxer.Result result = r.pipe(new ByteArrayInputStream(mkvBytes));
        assertThat(result.bytesIn()).isEqualTo(mkvBytes.length);
        assertThat(result.bytesOut()).isEqualTo(out.count.get()).isPositive();
      }
      Path written = tmp.resolve("out." + format.extension());
      Files.write(written, out.bytes.toByteArray());
      FfmpegFixtures.Probe p = FfmpegFixtures.probe(written);
      assertThat(p.formatName()).contains(format == RemuxFormat.MP4 ? "mp4" : "matroska");
      assertThat(p.streams()).isEqualTo(source.streams());
      assertThat(p.duration()).isCloseTo(source.duration(), org.assertj.core.data.Offset.offset(0.1));
    }
  }

  @Test
  void emitsOutputBeforeTheInputIsComplete() throws Exception {
    Consumer out = new Consumer();
    try (Remuxer r = Remuxer.start(FfmpegFixtures.ffmpeg(), RemuxFormat.MP4, out)) {
      int half = mkvBytes.length / 2;
      r.input().write(mkvBytes, 0, half);
      r.input().flush();
      waitUntil(() -> out.count.get() > 0, "FFmpeg's first fragment out while only half the input is in");
      assertThat(r.result()).isNotDone();
      long early = out.count.get();
      r.input().write(mkvBytes, half, mkvBytes.length - half);
      r.input().close();
      Remuxer.Result result = r.result().get(60, TimeUnit.SECONDS);
      assertThat(result.bytesOut()).isGreaterThan(early);
    }
  }

  @Test
  void aSlowConsumerStallsTheProducer() throws Exception {
    Path big = FfmpegFixtures.makeMkv(tmp, "long.mkv", 60);
    byte[] bytes = Files.readAllBytes(big);
    assertThat(bytes.length).isGreaterThan(1 << 20); // far more than the pipes and buffers hold
    Consumer out = new Consumer();
    out.hold = new CountDownLatch(1);
    AtomicLong fed = new AtomicLong();
    try (Remuxer r = Remuxer.start(FfmpegFixtures.ffmpeg(), RemuxFormat.MP4, out)) {
      CompletableFuture<Remuxer.Result> producer = CompletableFuture.supplyAsync(() -> {
        try {
          for (int off = 0; off < bytes.length; off += 16384) {
            int n = Math.min(16384, bytes.length - off);
            r.input().write(bytes, off, n);
            fed.addAndGet(n);
          }
          r.input().close();
          return r.result().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      // the producer runs until the pipes and buffers are full, then stays blocked
      long stable = -1;
      for (int i = 0; i < 100 && fed.get() != stable; i++) {
        stable = fed.get();
        Thread.sleep(200);
      }
      assertThat(producer).isNotDone();
      assertThat(fed.get()).isLessThan(bytes.length);
      out.hold.countDown();
      Remuxer.Result result = producer.get(60, TimeUnit.SECONDS);
      assertThat(result.bytesIn()).isEqualTo(bytes.length);
      assertThat(result.bytesOut()).isEqualTo(out.count.get());
    }
  }

  @Test
  void corruptInputIsAFailedFfmpegExceptionWithFfmpegsMessage() throws Exception {
    byte[] junk = new byte[200_000];
    new Random(7).nextBytes(junk);
    Consumer out = new Consumer();
    try (Remuxer r = Remuxer.start(FfmpegFixtures.ffmpeg(), RemuxFormat.MP4, out)) {
      assertThatThrownBy(() -> r.pipe(new ByteArrayInputStream(junk)))
          .isInstanceOfSatisfying(FfmpegException.class, e -> {
            assertThat(e.reason()).isEqualTo(FfmpegException.Reason.FAILED);
            assertThat(e.stderr()).isNotBlank();
            assertThat(e.getMessage()).startsWith("FFmpeg failed to remux to mp4 (exit status ")
                .contains(Remuxer.oneLine(e.stderr()).substring(0, 20))
                .doesNotContain("\n");
          });
      assertThat(ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
  }

  @Test
  void cancelMidStreamKillsAndReapsFfmpeg() throws Exception {
    Consumer out = new Consumer();
    Remuxer r = Remuxer.start(FfmpegFixtures.ffmpeg(), RemuxFormat.MP4, out);
    long pid = r.pid();
    r.input().write(mkvBytes, 0, mkvBytes.length / 2);
    r.input().flush();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
    r.cancel();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("no orphan ffmpeg").isFalse();
    assertThat(r.result()).isCancelled();
    assertThatThrownBy(() -> r.input().write(mkvBytes, 0, 10)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> r.result().join()).isInstanceOf(CancellationException.class);
    r.close(); // idempotent
  }

  @Test
  void aFailingConsumerStopsFfmpegWithAnOutputError() throws Exception {
    Consumer out = new Consumer();
    out.fail = new IOException("connection reset by peer");
    try (Remuxer r = Remuxer.start(FfmpegFixtures.ffmpeg(), RemuxFormat.MKV, out)) {
      assertThatThrownBy(() -> r.pipe(new ByteArrayInputStream(mkvBytes)))
          .isInstanceOfSatisfying(FfmpegException.class, e -> {
            assertThat(e.reason()).isEqualTo(FfmpegException.Reason.OUTPUT);
            assertThat(e.getMessage()).contains("connection reset by peer");
            assertThat(e.getCause()).isSameAs(out.fail);
          });
      assertThat(ProcessHandle.of(r.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
  }

  @Test
  void aMissingFfmpegIsUnavailable() {
    Path missing = tmp.resolve("no-such-ffmpeg");
    assertThatThrownBy(() -> Ffmpeg.system(missing))
        .isInstanceOfSatisfying(FfmpegException.class,
            e -> assertThat(e.reason()).isEqualTo(FfmpegException.Reason.UNAVAILABLE))
        .hasMessage("FFmpeg not found: " + missing + " is not an executable file");
    assertThatThrownBy(() -> Ffmpeg.locate(null, Map.of(Ffmpeg.ENV, missing.toString())))
        .isInstanceOf(FfmpegException.class).hasMessageContaining(missing.toString());
    assertThat(Ffmpeg.locate(null, Map.of()).executable()).isEqualTo(FfmpegFixtures.ffmpeg().executable());
  }

  @Test
  void anExecutableThatIsNotFfmpegFailsTheRemux() throws Exception {
    Path fake = tmp.resolve("fake-ffmpeg");
    Files.writeString(fake, "#!/bin/sh\necho 'fake-ffmpeg: broken install' >&2\nexit 3\n");
    fake.toFile().setExecutable(true);
    try (Remuxer r = Remuxer.start(Ffmpeg.system(fake), RemuxFormat.MP4, new Consumer())) {
      assertThatThrownBy(() -> r.pipe(new ByteArrayInputStream(mkvBytes)))
          .isInstanceOfSatisfying(FfmpegException.class,
              e -> assertThat(e.reason()).isEqualTo(FfmpegException.Reason.FAILED))
          .hasMessage("FFmpeg failed to remux to mp4 (exit status 3): fake-ffmpeg: broken install");
    }
  }

  @Test
  void formatsParseCaseInsensitivelyAndRejectOthers() {
    assertThat(RemuxFormat.parse("MP4")).isEqualTo(RemuxFormat.MP4);
    assertThat(RemuxFormat.parse("mkv")).isEqualTo(RemuxFormat.MKV);
    assertThat(Arrays.stream(RemuxFormat.values()).map(RemuxFormat::mimeType)).containsExactly("video/mp4",
        "video/x-matroska");
    assertThatThrownBy(() -> RemuxFormat.parse("avi")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mp4 or mkv");
  }
}
