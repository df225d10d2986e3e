package io.telefetch.tl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.telefetch.testing.GzipBombs;
import io.telefetch.tl.api.storage.FileUnknown;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.mtproto.MsgContainer;
import io.telefetch.tl.mtproto.Pong;
import io.telefetch.tl.mtproto.RpcResult;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Hostile gzip_packed values against the production limits ({@link TlReader.Options#DEFAULT}): one
 * inflate budget per message, no gzip inside gzip, none in plain messages, gzip levels count as
 * depth, and no input makes the decoder overflow the stack or allocate past about twice the budget.
 */
class GzipBombTest {
  private static final int BUDGET = TlReader.Options.DEFAULT.maxInflatedSize();
  private static final byte[] PONG = encode(new Pong(77L, 88L));

  @Test
  void oneLevelBombStopsAtTheBudget() {
    byte[] bomb = GzipBombs.bomb(PONG, 40 << 20); // 40 MiB of zeros, ~40 KiB on the wire
    long allocated = allocatedBy(() -> assertThatThrownBy(() -> decode(bomb, TlReader.Options.DEFAULT))
        .isInstanceOf(TlDecodeException.class)
        .hasMessageContaining("inflates past " + BUDGET));
    assertThat(allocated).isLessThan(5L * BUDGET / 2);
  }

  @Test
  void aValueOfExactlyTheBudgetInflatesAndOneByteMoreDoesNot() {
    byte[] body = encode(file(1000));
    TlReader.Options exact = new TlReader.Options(Integer.MAX_VALUE, body.length, 64);
    assertThat(decode(GzipBombs.packed(body), exact)).isEqualTo(file(1000));
    TlReader.Options oneShort = new TlReader.Options(Integer.MAX_VALUE, body.length - 1, 64);
    assertThatThrownBy(() -> decode(GzipBombs.packed(body), oneShort))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("inflates past " + (body.length - 1));
  }

  @Test
  void gzipInsideGzipIsRefused() {
    byte[] twice = GzipBombs.packed(GzipBombs.packed(PONG));
    assertThatThrownBy(() -> decode(twice, TlReader.Options.DEFAULT))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("gzip_packed inside gzip_packed");
    // one level is fine
    assertThat(decode(GzipBombs.packed(PONG), TlReader.Options.DEFAULT)).isEqualTo(new Pong(77L, 88L));
  }

  @Test
  void nestedBombIsRefusedAfterInflatingOneLevel() {
    // six levels of 16 MiB each: 96 MiB if every level were inflated with its own cap
    byte[] bomb = GzipBombs.nested(PONG, 6, 16 << 20);
    assertThat(bomb.length).isLessThan(64 << 10);
    long allocated = allocatedBy(() -> assertThatThrownBy(() -> decode(bomb, TlReader.Options.DEFAULT))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("gzip_packed inside gzip_packed"));
    assertThat(allocated).isLessThan(2L * BUDGET);
  }

  @Test
  void siblingGzipValuesInAContainerShareOneBudget() {
    // four answers of 8 MiB each, each packed separately: 32 MiB and more together
    byte[] body = encode(file(8 << 20));
    byte[] fourPacked = container(GzipBombs.packed(body), 4);
    assertThatThrownBy(() -> decode(fourPacked, TlReader.Options.DEFAULT))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("inflates past " + BUDGET);
    // three fit
    MsgContainer three = (MsgContainer) decode(container(GzipBombs.packed(body), 3), TlReader.Options.DEFAULT);
    assertThat(three.messages()).hasSize(3);
  }

  @Test
  void readersSharingABudgetShareIt() {
    byte[] value = GzipBombs.bomb(PONG, 600 << 10);
    InflateBudget budget = InflateBudget.of(1 << 20);
    TlReader.Options options = TlReader.Options.DEFAULT;
    ByteBuf first = Unpooled.wrappedBuffer(value);
    ByteBuf second = Unpooled.wrappedBuffer(value);
    try {
      assertThat(new TlReader(first, TlRegistry.standard(), options, budget).readObject()).isInstanceOf(Pong.class);
      assertThat(budget.used()).isEqualTo(PONG.length + (600 << 10));
      assertThatThrownBy(() -> new TlReader(second, TlRegistry.standard(), options, budget).readObject())
          .isInstanceOf(TlDecodeException.class).hasMessageContaining("inflates past " + (1 << 20));
    } finally {
      first.release();
      second.release();
    }
  }

  @Test
  void chainOf3000TinyLevelsIsATypedErrorNotAStackOverflow() throws Exception {
    byte[] chain = GzipBombs.chain(PONG, 3000);
    assertThat(chain.length).isBetween(60_000, 160_000);
    Throwable thrown = onSmallStack(() -> decode(chain, TlReader.Options.DEFAULT));
    assertThat(thrown).isInstanceOf(TlDecodeException.class).hasMessageContaining("gzip_packed inside gzip_packed");
  }

  @Test
  void manyConcatenatedGzipMembersAreATypedErrorNotAStackOverflow() throws Exception {
    // 50,000 empty members in 1 MB: JDK's GZIPInputStream recursed once per member
    byte[] members = GzipBombs.concatenatedMembers(PONG, 50_000);
    Throwable thrown = onSmallStack(() -> decode(members, TlReader.Options.DEFAULT));
    assertThat(thrown).isInstanceOf(TlDecodeException.class).hasMessageContaining("after the compressed stream");
  }

  @Test
  void gzipAtTheDepthLimitIsRefusedBeforeInflating() {
    // rpc_result is level 1 of 1: its gzip_packed result would be level 2
    byte[] result = rpcResult(GzipBombs.bomb(PONG, 24 << 20));
    TlReader.Options shallow = new TlReader.Options(Integer.MAX_VALUE, BUDGET, 1);
    long allocated = allocatedBy(() -> assertThatThrownBy(() -> decode(result, shallow))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("nesting deeper than 1"));
    assertThat(allocated).isLessThan(4 << 20);
    // one level deeper is allowed
    assertThat(decode(rpcResult(GzipBombs.packed(PONG)), new TlReader.Options(Integer.MAX_VALUE, BUDGET, 3)))
        .isInstanceOf(RpcResult.class);
  }

  @Test
  void plainOptionsRefuseGzip() {
    assertThatThrownBy(() -> decode(GzipBombs.packed(PONG), TlReader.Options.PLAIN))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("gzip_packed is not allowed");
    assertThatThrownBy(() -> decode(rpcResult(GzipBombs.packed(PONG)), TlReader.Options.DEFAULT.withoutGzip()))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("gzip_packed is not allowed");
    assertThat(decode(PONG, TlReader.Options.PLAIN)).isEqualTo(new Pong(77L, 88L));
    assertThat(TlReader.Options.DEFAULT.withZeroCopyThreshold(64).allowGzip()).isTrue();
    assertThat(TlReader.Options.PLAIN.withZeroCopyThreshold(64).allowGzip()).isFalse();
  }

  @Test
  void readUnpackedReadsAPackedOrPlainBareValueOnce() {
    byte[] vector = encodeLongs(List.of(1L, 2L, 3L));
    Function<TlReader, List<Long>> longs = TlReader::readLongVector;
    assertThat(readUnpacked(vector, TlReader.Options.DEFAULT, longs)).containsExactly(1L, 2L, 3L);
    assertThat(readUnpacked(GzipBombs.packed(vector), TlReader.Options.DEFAULT, longs)).containsExactly(1L, 2L, 3L);
    // only one level is unpacked: a second one is not a vector
    assertThatThrownBy(() -> readUnpacked(GzipBombs.packed(GzipBombs.packed(vector)), TlReader.Options.DEFAULT, longs))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("inside gzip_packed: expected Vector");
    assertThatThrownBy(() -> readUnpacked(GzipBombs.packed(vector), TlReader.Options.PLAIN, longs))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("not allowed");
    assertThatThrownBy(() -> readUnpacked(GzipBombs.bomb(vector, 40 << 20), TlReader.Options.DEFAULT, longs))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("inflates past");
  }

  @Test
  void corruptStreamsAreTypedErrors() {
    byte[] good = GzipBombs.gzip(PONG);
    byte[] badCrc = good.clone();
    badCrc[badCrc.length - 8] ^= 1;
    byte[] badSize = good.clone();
    badSize[badSize.length - 1] ^= 1;
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 9);
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 3);
    byte[] reservedFlag = good.clone();
    reservedFlag[3] = (byte) 0x80;
    byte[] noMagic = good.clone();
    noMagic[0] = 0;
    for (byte[] packed : List.of(badCrc, badSize, truncated, trailing, reservedFlag, noMagic, new byte[0], new byte[] {0x1f})) {
      assertThatThrownBy(() -> decode(GzipBombs.packedRaw(packed), TlReader.Options.DEFAULT))
          .isInstanceOf(TlDecodeException.class).hasMessageContaining("corrupt gzip_packed");
    }
  }

  @Test
  void gzipHeaderFieldsAreSkipped() {
    byte[] plain = GzipBombs.gzip(PONG);
    byte[] deflated = java.util.Arrays.copyOfRange(plain, 10, plain.length);
    // FEXTRA (2 bytes), FNAME, FCOMMENT, FHCRC
    ByteBuffer b = ByteBuffer.allocate(10 + 4 + 4 + 4 + 2 + deflated.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x1f, (byte) 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3});
    b.putShort((short) 2).put(new byte[] {9, 9});
    b.put(new byte[] {'a', 'b', 'c', 0}).put(new byte[] {'x', 'y', 'z', 0});
    java.util.zip.CRC32 headerCrc = new java.util.zip.CRC32();
    headerCrc.update(b.array(), 0, b.position());
    b.putShort((short) headerCrc.getValue());
    b.put(deflated);
    assertThat(decode(GzipBombs.packedRaw(b.array()), TlReader.Options.DEFAULT)).isEqualTo(new Pong(77L, 88L));
    byte[] badHeaderCrc = b.array().clone();
    badHeaderCrc[22] ^= 1;
    assertThatThrownBy(() -> decode(GzipBombs.packedRaw(badHeaderCrc), TlReader.Options.DEFAULT))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("header CRC mismatch");
  }

  // ---------------------------------------------------------------- helpers

  private static File file(int size) {
    return new File(new FileUnknown(), 1, TlBytes.wrap(new byte[size]));
  }

  /** msg_container with {@code count} messages whose body is {@code body}. */
  private static byte[] container(byte[] body, int count) {
    ByteBuffer b = ByteBuffer.allocate(8 + count * (16 + body.length)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MsgContainer.ID).putInt(count);
    for (int i = 0; i < count; i++) {
      b.putLong(4L * (i + 1) + 1).putInt(2 * i + 1).putInt(body.length).put(body);
    }
    return b.array();
  }

  private static byte[] rpcResult(byte[] result) {
    ByteBuffer b = ByteBuffer.allocate(12 + result.length).order(ByteOrder.LITTLE_ENDIAN);
    return b.putInt(RpcResult.ID).putLong(42L).put(result).array();
  }

  private static byte[] encode(TlObject o) {
    ByteBuf b = Unpooled.buffer();
    try {
      o.write(new TlWriter(b));
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  private static byte[] encodeLongs(List<Long> values) {
    ByteBuf b = Unpooled.buffer();
    try {
      new TlWriter(b).writeLongVector(values);
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  private static TlObject decode(byte[] data, TlReader.Options options) {
    return readUnpacked(data, options, null);
  }

  /** Decodes with {@code body} through readUnpacked, or one readObject when {@code body} is null. */
  private static <T> T readUnpacked(byte[] data, TlReader.Options options, Function<TlReader, T> body) {
    ByteBuf b = Unpooled.wrappedBuffer(data);
    try {
      TlReader reader = new TlReader(b, TlRegistry.standard(), options);
      @SuppressWarnings("unchecked")
      T value = body == null ? (T) reader.readObject() : reader.readUnpacked(body);
      return value;
    } finally {
      b.release();
    }
  }

  /** Bytes allocated on this thread while {@code task} runs. */
  private static long allocatedBy(Runnable task) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    task.run();
    return threads.getCurrentThreadAllocatedBytes() - before;
  }

  /** Runs {@code task} on a thread with a 512 KiB stack (an event loop's is not larger); what it threw. */
  private static Throwable onSmallStack(Runnable task) throws InterruptedException {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        task.run();
      } catch (Throwable e) {
        thrown.set(e);
      }
    }, "small-stack-decoder", 512 << 10);
    t.start();
    t.join(60_000);
    assertThat(t.isAlive()).as("decoder still running after 60 s").isFalse();
    return thrown.get();
  }
}
