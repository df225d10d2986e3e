package io.telefetch.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The recording detector sees a buffer that was dropped without release, and nothing otherwise. */
class LeakDetectionTest {

  @Test
  void reportsADroppedBuffer() {
    LeakDetection.install();
    LeakDetection.collect();
    leak();
    assertFalse(LeakDetection.collect().isEmpty(), "a dropped buffer must be reported");
  }

  @Test
  void reportsNothingWhenBuffersAreReleased() {
    LeakDetection.install();
    LeakDetection.collect();
    ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(64);
    b.writeLong(1);
    b.release();
    assertTrue(LeakDetection.collect().isEmpty());
  }

  private static void leak() {
    ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(64);
    b.writeLong(42);
  }
}
