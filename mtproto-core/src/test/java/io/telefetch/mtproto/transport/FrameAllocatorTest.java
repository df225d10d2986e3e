package io.telefetch.mtproto.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.telefetch.mtproto.transport.TestSupport.RecordingAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameAllocatorTest {
  private static final int PART_FRAME = (1 << 20) + 120 + FrameDecoder.SPILL;

  @Test
  void aDownloadsPartsReuseTheArraysOfThePartsReleasedBeforeThem() {
    FrameAllocator alloc = new FrameAllocator(new RecordingAllocator(), 8);
    List<ByteBuf> window = new ArrayList<>();
    for (int part = 0; part < 200; part++) {
      window.add(alloc.heapBuffer(PART_FRAME).writeInt(part));
      if (window.size() == 6) { // six parts in flight, the oldest written out and released
        assertThat(window.remove(0).release()).isTrue();
      }
    }
    window.forEach(ByteBuf::release);
    assertThat(alloc.created()).isEqualTo(6);
    assertThat(alloc.reused()).isEqualTo(194);
    assertThat(alloc.idle()).isEqualTo(6);
  }

  @Test
  void theIdleArraysAreBounded() {
    FrameAllocator alloc = new FrameAllocator(new RecordingAllocator(), 4);
    List<ByteBuf> held = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      held.add(alloc.heapBuffer(PART_FRAME));
    }
    held.forEach(ByteBuf::release);
    assertThat(alloc.idle()).isEqualTo(4);
    assertThat(alloc.created()).isEqualTo(10);
  }

  @Test
  void smallAndOversizedBuffersComeFromTheDelegate() {
    RecordingAllocator delegate = new RecordingAllocator();
    FrameAllocator alloc = new FrameAllocator(delegate, 8);
    alloc.heapBuffer(4096).release();
    assertThat(delegate.largestRequest).isEqualTo(4096);
    alloc.heapBuffer(FrameAllocator.MAX_RECYCLED + 1).release();
    assertThat(delegate.largestRequest).isEqualTo(FrameAllocator.MAX_RECYCLED + 1);
    alloc.directBuffer(FrameDecoder.LARGE_FRAME).release();
    assertThat(delegate.largestRequest).isEqualTo(FrameAllocator.MAX_RECYCLED + 1);
    alloc.heapBuffer(PART_FRAME).release();
    assertThat(delegate.largestRequest).as("a part's buffer is not the delegate's").isEqualTo(FrameAllocator.MAX_RECYCLED + 1);
    assertThat(alloc.created()).isEqualTo(1);
    assertThat(alloc.idle()).isEqualTo(1);
  }

  @Test
  void anIdleArrayFarLargerThanAskedIsNotUsed() {
    FrameAllocator alloc = new FrameAllocator(new RecordingAllocator(), 8);
    alloc.heapBuffer(FrameAllocator.MAX_RECYCLED).release(); // 2 MiB parts before
    ByteBuf small = alloc.heapBuffer(256 * 1024 + FrameDecoder.SPILL); // then 256 KiB ones
    int capacity = small.capacity();
    assertThat(capacity).isLessThan(512 * 1024);
    small.release();
    ByteBuf again = alloc.heapBuffer(256 * 1024 + FrameDecoder.SPILL);
    assertThat(again.capacity()).isEqualTo(capacity);
    again.release();
    assertThat(alloc.created()).isEqualTo(2);
    assertThat(alloc.reused()).isEqualTo(1);
  }

  @Test
  void aBufferGrownPastItsArrayGivesTheOldOneBack() {
    FrameAllocator alloc = new FrameAllocator(new RecordingAllocator(), 8);
    ByteBuf b = alloc.heapBuffer(FrameDecoder.LARGE_FRAME);
    byte[] data = new byte[FrameDecoder.LARGE_FRAME * 3];
    data[data.length - 1] = 42;
    b.writeBytes(data);
    assertThat(b.getByte(data.length - 1)).isEqualTo((byte) 42);
    assertThat(alloc.idle()).isEqualTo(1); // the first array, freed by the growth
    b.release();
    assertThat(alloc.idle()).isEqualTo(2);
  }

  @Test
  void aRecycledBufferReadsOnlyWhatWasWrittenIntoIt() {
    FrameAllocator alloc = new FrameAllocator(new RecordingAllocator(), 8);
    ByteBuf first = alloc.heapBuffer(PART_FRAME);
    first.writeBytes(new byte[PART_FRAME]).setByte(100, 7);
    first.release();
    ByteBuf second = alloc.heapBuffer(PART_FRAME);
    assertThat(alloc.reused()).isEqualTo(1);
    assertThat(second.readableBytes()).isZero();
    assertThat(second.writeInt(5).readableBytes()).isEqualTo(4);
    second.release();
  }
}
