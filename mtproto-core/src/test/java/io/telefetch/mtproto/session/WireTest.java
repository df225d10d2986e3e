package io.telefetch.mtproto.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlRegistry;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.mtproto.MsgsStateInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire forms both ends of a session use: what is written reads back, and malformed input is a typed error. */
class WireTest {
  private record Inner(long msgId, int seqNo, byte[] body) {}

  private static List<Inner> read(byte[] container) {
    List<Inner> out = new ArrayList<>();
    ByteBuf buf = Unpooled.wrappedBuffer(container);
    try {
      Wire.readContainer(buf, (id, seq, body) -> {
        byte[] b = new byte[body.readableBytes()];
        body.getBytes(body.readerIndex(), b);
        out.add(new Inner(id, seq, b));
      });
    } finally {
      buf.release();
    }
    return out;
  }

  @Test
  void aContainerReadsBackMessageByMessage() {
    byte[] a = Wire.serialize(new NearestDc("AA", 1, 2));
    byte[] b = Wire.serialize(new NearestDc("BB", 3, 4));
    byte[] container = Wire.container(List.of(new Wire.Message(8, 1, a), new Wire.Message(12, 2, b)));
    assertThat(container).hasSize(Wire.containerSize(2, a.length + b.length));
    List<Inner> inner = read(container);
    assertThat(inner).hasSize(2);
    assertThat(inner.get(0).msgId()).isEqualTo(8);
    assertThat(inner.get(0).seqNo()).isEqualTo(1);
    assertThat(inner.get(0).body()).isEqualTo(a);
    assertThat(inner.get(1).msgId()).isEqualTo(12);
    assertThat(inner.get(1).body()).isEqualTo(b);
  }

  @Test
  void malformedContainersAreTypedErrors() {
    byte[] body = Wire.serialize(new NearestDc("AA", 1, 2));
    byte[] good = Wire.container(List.of(new Wire.Message(8, 1, body)));
    byte[] truncated = Arrays.copyOf(good, good.length - 4);
    byte[] badCount = good.clone();
    badCount[4] = (byte) 0xff; // 255 messages claimed in a 1-message container
    byte[] oddLength = good.clone();
    oddLength[20] = 3; // length field of the first message: not a multiple of 4
    byte[] tooMany = Wire.container(List.of());
    tooMany[4] = 0x01;
    tooMany[5] = 0x04; // 1025
    for (byte[] bad : List.of(truncated, badCount, oddLength, tooMany)) {
      assertThatThrownBy(() -> read(bad)).isInstanceOf(TlDecodeException.class);
    }
    assertThatThrownBy(() -> read(body)).as("not a container").isInstanceOf(TlDecodeException.class);
  }

  @Test
  void theConsumerSeesEarlierMessagesBeforeALaterFault() {
    byte[] body = Wire.serialize(new NearestDc("AA", 1, 2));
    byte[] two = Wire.container(List.of(new Wire.Message(8, 1, body), new Wire.Message(12, 3, body)));
    byte[] cut = Arrays.copyOf(two, two.length - 4);
    List<Long> seen = new ArrayList<>();
    ByteBuf buf = Unpooled.wrappedBuffer(cut);
    try {
      assertThatThrownBy(() -> Wire.readContainer(buf, (id, seq, inner) -> seen.add(id)))
          .isInstanceOf(TlDecodeException.class);
    } finally {
      buf.release();
    }
    assertThat(seen).containsExactly(8L);
  }

  @Test
  void gzipPackedReadsBackThroughTlReaderAndIsUsedOnlyWhenSmaller() {
    byte[] big = Wire.serialize(new MsgsStateInfo(7, TlBytes.wrap(new byte[10_000])));
    byte[] packed = Wire.maybeGzipPacked(big, 1024);
    assertThat(packed.length).isLessThan(big.length);
    ByteBuf buf = Unpooled.wrappedBuffer(packed);
    try {
      MsgsStateInfo info = (MsgsStateInfo) new TlReader(buf, TlRegistry.standard(), TlReader.Options.DEFAULT).readObject();
      assertThat(info.reqMsgId()).isEqualTo(7);
      assertThat(info.info().length()).isEqualTo(10_000);
    } finally {
      buf.release();
    }
    assertThat(Wire.maybeGzipPacked(big, big.length)).as("not above the threshold").isSameAs(big);
    byte[] small = Wire.serialize(new NearestDc("AA", 1, 2));
    assertThat(Wire.maybeGzipPacked(small, 0)).as("packing would not make it smaller").isSameAs(small);
  }

  @Test
  void rpcResultCarriesTheRequestIdAndTheResultAsIs() {
    byte[] result = Wire.serialize(new NearestDc("AA", 1, 2));
    byte[] rpc = Wire.rpcResult(0x1234_5678_9abc_def0L, result);
    ByteBuf buf = Unpooled.wrappedBuffer(rpc);
    try {
      assertThat(Wire.startsWith(buf, Wire.RPC_RESULT)).isTrue();
      assertThat(buf.getLongLE(4)).isEqualTo(0x1234_5678_9abc_def0L);
      assertThat(Arrays.copyOfRange(rpc, 12, rpc.length)).isEqualTo(result);
    } finally {
      buf.release();
    }
  }
}
