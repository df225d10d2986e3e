package io.telefetch.tl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageMediaDocument;
import io.telefetch.tl.api.PeerUser;
import io.telefetch.tl.api.InputMessageID;
import io.telefetch.tl.api.channels.GetMessages;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.storage.FileMp4;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.mtproto.FutureSalt;
import io.telefetch.tl.mtproto.FutureSalts;
import io.telefetch.tl.mtproto.MsgContainer;
import io.telefetch.tl.mtproto.MsgsAck;
import io.telefetch.tl.mtproto.Pong;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hand-written byte vectors for the TL encoding rules and hostile inputs for the decoder. */
class CodecTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] encode(TlObject o) {
    ByteBuf b = Unpooled.buffer();
    try {
      o.write(new TlWriter(b));
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  private static TlObject decode(byte[] bytes) {
    ByteBuf b = Unpooled.wrappedBuffer(bytes);
    try {
      TlObject o = new TlReader(b).readObject();
      assertThat(b.readableBytes()).isZero();
      return o;
    } finally {
      b.release();
    }
  }

  private static String le(int v) {
    return String.format("%02x%02x%02x%02x", v & 0xff, v >>> 8 & 0xff, v >>> 16 & 0xff, v >>> 24 & 0xff);
  }

  private static String le(long v) {
    return le((int) v) + le((int) (v >>> 32));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 252, 253, 254, 255, 256, 1000, 70000})
  void bytesLengthPrefixAndPadding(int len) {
    byte[] data = new byte[len];
    for (int i = 0; i < len; i++) {
      data[i] = (byte) (i * 31 + 7);
    }
    ByteBuf b = Unpooled.buffer();
    try {
      new TlWriter(b).writeBytes(data);
      byte[] out = ByteBufUtil.getBytes(b);
      int prefix = len <= 253 ? 1 : 4;
      assertThat(out.length % 4).isZero();
      assertThat(out.length).isEqualTo((prefix + len + 3) / 4 * 4).isEqualTo(TlWriter.bytesSize(len));
      if (len <= 253) {
        assertThat(out[0] & 0xff).isEqualTo(len);
      } else {
        assertThat(out[0] & 0xff).isEqualTo(254);
        assertThat((out[1] & 0xff) | (out[2] & 0xff) << 8 | (out[3] & 0xff) << 16).isEqualTo(len);
      }
      for (int i = prefix + len; i < out.length; i++) {
        assertThat(out[i]).as("padding byte %d", i).isZero();
      }
      assertThat(new TlReader(b).readBytes().toByteArray()).isEqualTo(data);
      assertThat(b.readableBytes()).isZero();
    } finally {
      b.release();
    }
  }

  @Test
  void aShortLengthInTheLongPrefixIsPaddedByThatPrefix() {
    // fe 080000: 8 bytes behind a 4-byte prefix, no padding (TDLib's parser accepts it too); the
    // padding used to follow the short form, skipped 3 bytes too many and left the buffer (fuzzer)
    ByteBuf b = Unpooled.wrappedBuffer(HEX.parseHex("fe080000" + "6162636465666768" + "fe030000" + "78797a00"
        + "2a000000"));
    try {
      TlReader r = new TlReader(b);
      assertThat(r.readString()).isEqualTo("abcdefgh");
      assertThat(r.readBytes().toByteArray()).isEqualTo("xyz".getBytes(StandardCharsets.US_ASCII));
      assertThat(r.readInt()).isEqualTo(42);
      assertThat(b.readableBytes()).isZero();
    } finally {
      b.release();
    }
  }

  @Test
  void aTruncatedGzipPackedIsADecodeError() {
    ByteBuf b = Unpooled.wrappedBuffer(HEX.parseHex("a1cf7230fe08000000000000002b2431"));
    try {
      assertThatThrownBy(() -> new TlReader(b).readObject()).isInstanceOf(TlDecodeException.class);
    } finally {
      b.release();
    }
  }

  @Test
  void stringsAtThe253And254Boundary() {
    String s253 = "a".repeat(253);
    String s254 = "b".repeat(254);
    ByteBuf b = Unpooled.buffer();
    try {
      new TlWriter(b).writeString(s253).writeString(s254).writeString("").writeString("\u20ac");
      byte[] out = ByteBufUtil.getBytes(b);
      String expected = "fd" + "61".repeat(253) + "0000"
          + "fefe0000" + "62".repeat(254) + "0000"
          + "00000000"
          + "03e282ac";
      assertThat(HEX.formatHex(out)).isEqualTo(expected);
      TlReader r = new TlReader(b);
      assertThat(r.readString()).isEqualTo(s253);
      assertThat(r.readString()).isEqualTo(s254);
      assertThat(r.readString()).isEmpty();
      assertThat(r.readString()).isEqualTo("\u20ac");
    } finally {
      b.release();
    }
  }

  @Test
  void flagsTrueFieldsCostNoBytes() {
    GetFile req = GetFile.builder().precise(true)
        .location(new InputDocumentFileLocation(5L, -6L, TlBytes.ofHex("0102"), ""))
        .offset(1L << 20).limit(1 << 20).build();
    String expected = le(0xbe5335be) + le(1) // flags: precise = bit 0, cdn_supported absent
        + le(0xbad07584) + le(5L) + le(-6L) + "02010200" + "00000000"
        + le(1L << 20) + le(1 << 20);
    assertThat(HEX.formatHex(encode(req))).isEqualTo(expected);
    GetFile back = (GetFile) decode(encode(req));
    assertThat(back.precise()).isTrue();
    assertThat(back.cdnSupported()).isFalse();
    assertThat(back).isEqualTo(req);
  }

  @Test
  void secondFlagsFieldIsComputedIndependently() {
    Message m = Message.builder().offline(true).id(42).peerId(new PeerUser(7L)).date(1000).message("hi").build();
    String expected = le(0x7600b9d3) + le(0) + le(1 << 1) // flags = 0, flags2 = offline (bit 1)
        + le(42) + le(0x59511722) + le(7L) + le(1000) + "02686900";
    assertThat(HEX.formatHex(encode(m))).isEqualTo(expected);
    Message back = (Message) decode(encode(m));
    assertThat(back.offline()).isTrue();
    assertThat(back.media()).isNull();
    assertThat(back).isEqualTo(m);
  }

  @Test
  void optionalValueSetsItsBitAndSharedBitsReadBack() {
    MessageMediaDocument media = MessageMediaDocument.builder().spoiler(true).ttlSeconds(5).build();
    // spoiler = flags.4, ttl_seconds = flags.2
    assertThat(HEX.formatHex(encode(media))).isEqualTo(le(0x52d8ccd9) + le(1 << 4 | 1 << 2) + le(5));
  }

  @Test
  void fieldsSharingAFlagBitMustBeSetTogether() {
    // messageMediaPhoto: live_photo:flags.4?true and video:flags.4?Document share bit 4
    assertThatThrownBy(() -> io.telefetch.tl.api.MessageMediaPhoto.builder().livePhoto(true).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flags.4");
    var video = new io.telefetch.tl.api.DocumentEmpty(1L);
    assertThatThrownBy(() -> io.telefetch.tl.api.MessageMediaPhoto.builder().video(video).build())
        .isInstanceOf(IllegalArgumentException.class);
    var ok = io.telefetch.tl.api.MessageMediaPhoto.builder().livePhoto(true).video(video).build();
    assertThat(decode(encode(ok))).isEqualTo(ok);
  }

  @Test
  void nestedAndBareVectors() {
    GetMessages req = new GetMessages(new InputChannel(1L, 2L), List.of(new InputMessageID(10), new InputMessageID(11)));
    String expected = le(0xad8c9a23) + le(0xf35aec28) + le(1L) + le(2L)
        + le(0x1cb5c415) + le(2) + le(0xa676a322) + le(10) + le(0xa676a322) + le(11);
    assertThat(HEX.formatHex(encode(req))).isEqualTo(expected);
    assertThat(decode(encode(req))).isEqualTo(req);

    // future_salts carries a bare vector<future_salt>: count, then bare elements (no ids)
    FutureSalts salts = new FutureSalts(9L, 100, List.of(new FutureSalt(1, 2, 3L)));
    assertThat(HEX.formatHex(encode(salts)))
        .isEqualTo(le(0xae500895) + le(9L) + le(100) + le(1) + le(1) + le(2) + le(3L));
    assertThat(decode(encode(salts))).isEqualTo(salts);

    MsgsAck ack = new MsgsAck(List.of(1L, 2L));
    assertThat(HEX.formatHex(encode(ack))).isEqualTo(le(0x62d6b459) + le(0x1cb5c415) + le(2) + le(1L) + le(2L));
  }

  @Test
  void messageContainerHoldsBareMessages() {
    MsgContainer c = new MsgContainer(List.of(new io.telefetch.tl.mtproto.Message(4L, 1, 20, new Pong(1L, 2L))));
    String expected = le(0x73f1f8dc) + le(1) + le(4L) + le(1) + le(20) + le(0x347773c5) + le(1L) + le(2L);
    assertThat(HEX.formatHex(encode(c))).isEqualTo(expected);
    assertThat(decode(encode(c))).isEqualTo(c);
  }

  @Test
  void gzipPackedIsInflatedTransparently() throws Exception {
    Pong pong = new Pong(77L, 88L);
    byte[] packed = gzip(encode(pong));
    ByteBuf b = Unpooled.buffer();
    try {
      new TlWriter(b).writeInt(TlReader.GZIP_PACKED_ID).writeBytes(packed);
      assertThat(new TlReader(b).readObject(Pong.class)).isEqualTo(pong);
    } finally {
      b.release();
    }
  }

  @Test
  void gzipPackedAlsoAcceptsAZlibStream() throws Exception {
    // what mtcute sends (node's zlib deflateSync: RFC 1950, header 78 9c), and Telegram accepts
    Pong pong = new Pong(77L, 88L);
    byte[] data = encode(pong);
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(bos)) {
      z.write(data);
    }
    byte[] packed = bos.toByteArray();
    assertThat(packed[0] & 0xff).isEqualTo(0x78);
    ByteBuf b = Unpooled.buffer();
    try {
      new TlWriter(b).writeInt(TlReader.GZIP_PACKED_ID).writeBytes(packed);
      assertThat(new TlReader(b).readObject(Pong.class)).isEqualTo(pong);
    } finally {
      b.release();
    }
    // a zlib bomb meets the same cap
    bos.reset();
    try (DeflaterOutputStream z = new DeflaterOutputStream(bos)) {
      z.write(new byte[8 << 20]);
    }
    ByteBuf bomb = Unpooled.buffer();
    try {
      new TlWriter(bomb).writeInt(TlReader.GZIP_PACKED_ID).writeBytes(bos.toByteArray());
      TlReader r = new TlReader(bomb, TlRegistry.standard(), new TlReader.Options(Integer.MAX_VALUE, 1 << 20, 64));
      assertThatThrownBy(r::readObject).isInstanceOf(TlDecodeException.class).hasMessageContaining("inflates past");
    } finally {
      bomb.release();
    }
  }

  @Test
  void gzipBombIsRejected() throws Exception {
    byte[] bomb = gzip(new byte[64 << 20]); // 64 MiB of zeros, ~64 KiB packed
    ByteBuf b = Unpooled.buffer();
    try {
      new TlWriter(b).writeInt(TlReader.GZIP_PACKED_ID).writeBytes(bomb);
      TlReader r = new TlReader(b, TlRegistry.standard(), new TlReader.Options(Integer.MAX_VALUE, 1 << 20, 64));
      assertThatThrownBy(r::readObject).isInstanceOf(TlDecodeException.class).hasMessageContaining("inflates past");
    } finally {
      b.release();
    }
  }

  @Test
  void corruptGzipIsATypedError() {
    ByteBuf b = Unpooled.buffer();
    try {
      new TlWriter(b).writeInt(TlReader.GZIP_PACKED_ID).writeBytes(new byte[] {1, 2, 3, 4, 5});
      assertThatThrownBy(() -> new TlReader(b).readObject())
          .isInstanceOf(TlDecodeException.class).hasMessageContaining("gzip");
    } finally {
      b.release();
    }
  }

  @Test
  void uploadFileBytesAreASliceWhenZeroCopyIsOn() {
    byte[] data = new byte[1 << 20];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    File file = new File(new FileMp4(), 1, TlBytes.wrap(data));
    ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer();
    try {
      file.write(new TlWriter(buf));
      TlReader r = new TlReader(buf, TlRegistry.standard(), TlReader.Options.DEFAULT.withZeroCopyThreshold(64 << 10));
      File back = r.readObject(File.class);
      assertThat(back.bytes().isSlice()).isTrue();
      assertThat(buf.refCnt()).isEqualTo(2); // the slice retains the source
      assertThat(back.bytes()).isEqualTo(file.bytes());
      back.bytes().release();
      assertThat(buf.refCnt()).isEqualTo(1);
    } finally {
      buf.release();
    }
  }

  @Test
  void truncatedInputIsATypedError() {
    byte[] full = encode(new Pong(1L, 2L));
    for (int n = 0; n < full.length; n++) {
      byte[] cut = java.util.Arrays.copyOf(full, n);
      assertThatThrownBy(() -> decode(cut)).as("cut at %d", n).isInstanceOf(TlDecodeException.class);
    }
  }

  @Test
  void unknownConstructorNamesIdAndOffset() {
    assertThatThrownBy(() -> decode(HEX.parseHex("efbeadde")))
        .isInstanceOfSatisfying(TlDecodeException.class, e -> {
          assertThat(e.constructorId()).isEqualTo(0xdeadbeef);
          assertThat(e.offset()).isZero();
          assertThat(e.getMessage()).contains("#deadbeef").contains("unknown constructor");
        });
  }

  @Test
  void vectorCountLargerThanInputIsRejectedWithoutAllocating() {
    // msgs_ack with a vector claiming 2^31-1 longs
    String hex = le(0x62d6b459) + le(0x1cb5c415) + le(Integer.MAX_VALUE) + le(1L);
    assertThatThrownBy(() -> decode(HEX.parseHex(hex)))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("vector count");
    String negative = le(0x62d6b459) + le(0x1cb5c415) + le(-1);
    assertThatThrownBy(() -> decode(HEX.parseHex(negative)))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("vector count -1");
  }

  @Test
  void stringLongerThanInputIsRejected() {
    String hex = le(0x2144ca19) + le(400) + "fe00ff00" + "41414141"; // rpc_error with a 65280-byte message
    assertThatThrownBy(() -> decode(HEX.parseHex(hex)))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("exceeds");
  }

  @Test
  void absurdNestingIsRejected() {
    // msg_copy -> message -> body: msg_copy -> ... nests boxed objects without bound
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      sb.append(le(0xe06046b2)).append(le(1L)).append(le(1)).append(le(0));
    }
    assertThatThrownBy(() -> decode(HEX.parseHex(sb.toString())))
        .isInstanceOf(TlDecodeException.class).hasMessageContaining("nesting");
  }

  @Test
  void wrongTypeIsRejected() {
    byte[] pong = encode(new Pong(1L, 2L));
    ByteBuf b = Unpooled.wrappedBuffer(pong);
    try {
      assertThatThrownBy(() -> new TlReader(b).readObject(File.class))
          .isInstanceOf(TlDecodeException.class).hasMessageContaining("expected File, got pong");
    } finally {
      b.release();
    }
  }

  @Test
  void boolMustBeBoolTrueOrBoolFalse() {
    ByteBuf b = Unpooled.wrappedBuffer(HEX.parseHex(le(0x12345678)));
    try {
      assertThatThrownBy(() -> new TlReader(b).readBool()).isInstanceOf(TlDecodeException.class);
    } finally {
      b.release();
    }
  }

  @Test
  void genericMethodWrapsQueryAndDelegatesResult() {
    var inner = new io.telefetch.tl.api.help.GetConfig();
    var wrapped = new io.telefetch.tl.api.InvokeWithLayer<>(227, inner);
    byte[] bytes = encode(wrapped);
    assertThat(HEX.formatHex(bytes)).isEqualTo(le(0xda9b0d0d) + le(227) + le(0xc4f9186b));
    assertThat(decode(bytes)).isEqualTo(wrapped);
    assertThat(new String(wrapped.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEqualTo("{\"_\":\"invokeWithLayer\",\"layer\":227,\"query\":{\"_\":\"help.getConfig\"}}");
  }

  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(data);
    }
    return bos.toByteArray();
  }
}
