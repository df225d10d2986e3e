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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A decode that fails after it took zero-copy slices releases them: a peer that sends a large
 * {@code bytes} followed by garbage must not pin the received buffer (a pooled one, in a
 * connection) for ever.
 */
class SliceReleaseOnFailureTest {
  private static final TlReader.Options ZERO_COPY = TlReader.Options.DEFAULT.withZeroCopyThreshold(64);
  private static final byte[] FILE = encode(new File(new FileUnknown(), 1, TlBytes.wrap(new byte[100])));

  @Test
  void aContainerFailingAfterASliceReleasesIt() {
    byte[] truncated = Arrays.copyOf(FILE, FILE.length - 20);
    ByteBuf in = Unpooled.wrappedBuffer(container(FILE, truncated));
    try {
      assertThatThrownBy(() -> new TlReader(in, TlRegistry.standard(), ZERO_COPY).readObject())
          .isInstanceOf(TlDecodeException.class);
      assertThat(in.refCnt()).isEqualTo(1);
    } finally {
      in.release();
    }
  }

  @Test
  void theWrongTypeReleasesTheSlicesOfWhatWasRead() {
    ByteBuf in = Unpooled.wrappedBuffer(FILE);
    try {
      assertThatThrownBy(() -> new TlReader(in, TlRegistry.standard(), ZERO_COPY).readObject(Pong.class))
          .isInstanceOf(TlDecodeException.class).hasMessageContaining("expected Pong");
      assertThat(in.refCnt()).isEqualTo(1);
    } finally {
      in.release();
    }
  }

  @Test
  void aVectorFailingAtItsLastElementReleasesTheEarlierOnes() {
    ByteBuffer v = ByteBuffer.allocate(8 + 3 * FILE.length).order(ByteOrder.LITTLE_ENDIAN);
    v.putInt(TlWriter.VECTOR_ID).putInt(3).put(FILE).put(FILE).put(FILE, 0, FILE.length - 8);
    ByteBuf in = Unpooled.wrappedBuffer(v.array(), 0, v.position());
    try {
      TlReader reader = new TlReader(in, TlRegistry.standard(), ZERO_COPY);
      assertThatThrownBy(() -> reader.readObjectVector(File.class)).isInstanceOf(TlDecodeException.class);
      assertThat(in.refCnt()).isEqualTo(1);
    } finally {
      in.release();
    }
  }

  @Test
  void slicesOfAnInflatedBodyAreReleasedOnceWhenALaterSiblingFails() {
    // the packed value's own slice (the compressed bytes) is released by the inflater, the
    // decoded file's slice of the inflated body by the failure: each exactly once
    byte[] random = new byte[100];
    new java.util.Random(3).nextBytes(random);
    byte[] packed = GzipBombs.packed(encode(new File(new FileUnknown(), 1, TlBytes.wrap(random))));
    assertThat(packed.length).isGreaterThan(64 + 8);
    ByteBuf in = Unpooled.wrappedBuffer(container(packed, new byte[] {1, 2, 3, 4}));
    try {
      assertThatThrownBy(() -> new TlReader(in, TlRegistry.standard(), ZERO_COPY).readObject())
          .isInstanceOf(TlDecodeException.class);
      assertThat(in.refCnt()).isEqualTo(1);
    } finally {
      in.release();
    }
  }

  @Test
  void aSuccessfulDecodeHandsItsSlicesToTheResult() {
    ByteBuf in = Unpooled.wrappedBuffer(container(FILE, FILE));
    try {
      MsgContainer c = new TlReader(in, TlRegistry.standard(), ZERO_COPY).readObject(MsgContainer.class);
      assertThat(in.refCnt()).isEqualTo(3);
      TlObjects.releaseSlices(c);
      assertThat(in.refCnt()).isEqualTo(1);
    } finally {
      in.release();
    }
  }

  @Test
  void readUnpackedFailingReleasesWhatItsBodyRead() {
    ByteBuf in = Unpooled.wrappedBuffer(FILE);
    try {
      TlReader reader = new TlReader(in, TlRegistry.standard(), ZERO_COPY);
      assertThatThrownBy(() -> reader.readUnpacked(r -> {
        List<TlObject> read = List.of(r.readObject());
        throw new TlDecodeException("the caller refuses " + read.get(0).tlName(), 0, 0);
      })).isInstanceOf(TlDecodeException.class);
      assertThat(in.refCnt()).isEqualTo(1);
    } finally {
      in.release();
    }
  }

  private static byte[] container(byte[] first, byte[] second) {
    ByteBuffer b = ByteBuffer.allocate(8 + 32 + first.length + second.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MsgContainer.ID).putInt(2);
    b.putLong(5).putInt(1).putInt(first.length).put(first);
    b.putLong(9).putInt(3).putInt(second.length).put(second);
    return b.array();
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
}
