package io.telefetch.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PartFile writes heap, read-only and direct buffers exactly, and heap bytes through its own staging buffer. */
class PartFileWriteTest {
  @TempDir Path dir;

  @Test
  void heapReadOnlyAndDirectBuffersLandAtTheirPositions() throws Exception {
    byte[] content = new byte[3 * PartFile.STAGING + 12345];
    new Random(5).nextBytes(content);
    try (PartFile f = PartFile.open(dir.resolve("a.bin"), FileIo.system())) {
      // a read-only slice that does not start at its array's 0, longer than the staging buffer
      ByteBuffer readOnly = ByteBuffer.wrap(content).asReadOnlyBuffer().position(7).slice().limit(2 * PartFile.STAGING + 1);
      f.write(readOnly, 7);
      assertThat(readOnly.hasRemaining()).isFalse();
      int at = 7 + 2 * PartFile.STAGING + 1;
      ByteBuffer direct = ByteBuffer.allocateDirect(content.length - at - 100).put(content, at, content.length - at - 100).flip();
      f.write(direct, at);
      f.write(ByteBuffer.wrap(content, content.length - 100, 100), content.length - 100);
      f.write(ByteBuffer.wrap(content, 0, 7), 0);
    }
    assertThat(Files.readAllBytes(dir.resolve("a.bin.part"))).isEqualTo(content);
  }

  @Test
  void heapWritesFromManyThreadsDoNotGrowTheJdksTemporaryDirectBuffers() throws Exception {
    BufferPoolMXBean directPool = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
    byte[] part = new byte[1 << 20];
    new Random(6).nextBytes(part);
    int threads = 6;
    try (PartFile f = PartFile.open(dir.resolve("b.bin"), FileIo.system())) {
      f.write(ByteBuffer.wrap(part, 0, 16).asReadOnlyBuffer(), 0); // the staging buffer exists from here on
      long before = directPool.getMemoryUsed();
      CountDownLatch written = new CountDownLatch(threads);
      CountDownLatch measured = new CountDownLatch(1);
      AtomicReference<Throwable> error = new AtomicReference<>();
      List<Thread> writers = new ArrayList<>();
      Object oneAtATime = new Object(); // PartFile is not thread-safe: one sink at a time, from any thread
      for (int t = 0; t < threads; t++) {
        long position = (long) t << 20;
        Thread w = new Thread(() -> {
          try {
            synchronized (oneAtATime) {
              f.write(ByteBuffer.wrap(part).asReadOnlyBuffer(), position);
            }
          } catch (Throwable e) {
            error.set(e);
          } finally {
            written.countDown();
          }
          try {
            measured.await(); // alive: the JDK frees a thread's cached buffers when it ends
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        w.start();
        writers.add(w);
      }
      written.await();
      long grown = directPool.getMemoryUsed() - before;
      measured.countDown();
      for (Thread w : writers) {
        w.join();
      }
      assertThat(error.get()).isNull();
      assertThat(grown).as("direct memory grown by %d writes of 1 MiB on %d threads", threads, threads)
          .isLessThan(1 << 20);
    }
    byte[] written = Files.readAllBytes(dir.resolve("b.bin.part"));
    assertThat(written).hasSize(threads << 20);
    for (int t = 0; t < threads; t++) {
      assertThat(Arrays.copyOfRange(written, t << 20, (t + 1) << 20)).isEqualTo(part);
    }
  }
}
