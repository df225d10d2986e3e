package io.telefetch.mtproto.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.crypto.MtprotoCrypto;
import io.telefetch.mtproto.crypto.MtprotoCrypto.Direction;
import io.telefetch.mtproto.session.MessageRejectedException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The receive checks of PROTOCOL-NOTES section 2 on real encrypted packets: every kind of bad
 * packet is rejected with the same exception, msg_key is checked first over the whole plaintext,
 * and nothing of a rejected packet comes out.
 */
class EnvelopeTest {
  private static final Random RANDOM = new Random(42);
  private static final AuthKey KEY = randomKey(1);
  private static final AuthKey OTHER_KEY = randomKey(2);
  private static final long SALT = 0x1122334455667788L;
  private static final long SESSION = 0x0102030405060708L;
  /** Server time of the tests: 2024-02-08T20:45:00.250Z. */
  private static final long NOW_MILLIS = 1_707_425_100_250L;
  private static final long SERVER_MSG_ID = msgIdAt(NOW_MILLIS, 1);

  private static AuthKey randomKey(long seed) {
    byte[] k = new byte[256];
    new Random(seed).nextBytes(k);
    return AuthKey.of(k);
  }

  /** A server msg_id for {@code millis} with the given low bits. */
  static long msgIdAt(long millis, int lowBits) {
    long seconds = Math.floorDiv(millis, 1000);
    long fraction = (Math.floorMod(millis, 1000L) << 32) / 1000;
    return (seconds << 32 | fraction) & ~3L | lowBits;
  }

  /** salt | session | msg_id | seq_no | length | data | padding, exactly as given (no checks). */
  static byte[] plaintext(long salt, long session, long msgId, int seqNo, int lengthField, byte[] data, int padding) {
    ByteBuffer b = ByteBuffer.allocate(32 + data.length + padding).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(salt).putLong(session).putLong(msgId).putInt(seqNo).putInt(lengthField).put(data);
    byte[] pad = new byte[padding];
    RANDOM.nextBytes(pad);
    b.put(pad);
    return b.array();
  }

  static byte[] data(int n) {
    byte[] d = new byte[n];
    for (int i = 0; i < n; i++) {
      d[i] = (byte) (i * 7 + 3);
    }
    return d;
  }

  /** A packet with a correct msg_key over whatever plaintext it is given. */
  static byte[] serverPacket(AuthKey key, byte[] plaintext) {
    return MtprotoCrypto.encrypt(key, Direction.SERVER_TO_CLIENT, plaintext);
  }

  static byte[] validPacket() {
    return serverPacket(KEY, plaintext(SALT, SESSION, SERVER_MSG_ID, 1, 16, data(16), 16));
  }

  private static ByteBuf pooled(byte[] packet) {
    ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(packet.length);
    return b.writeBytes(packet);
  }

  /** Decrypts, runs the session checks, and returns the body bytes (nothing else escapes). */
  private static byte[] open(byte[] packet, long session, long nowMillis, ReplayWindow replay) {
    ByteBuf buf = pooled(packet);
    try {
      Envelope.Plaintext p = Envelope.decrypt(KEY, Direction.SERVER_TO_CLIENT, buf);
      Envelope.checkFromServer(p, session, nowMillis, replay);
      return ByteBufUtil.getBytes(p.body());
    } finally {
      buf.release();
    }
  }

  private static byte[] open(byte[] packet) {
    return open(packet, SESSION, NOW_MILLIS, new ReplayWindow(64));
  }

  private static void assertRejected(byte[] packet, Reason... reasons) {
    assertRejected(() -> open(packet), reasons);
  }

  private static void assertRejected(Runnable r, Reason... reasons) {
    assertThatThrownBy(r::run)
        .isExactlyInstanceOf(MessageRejectedException.class)
        .hasMessage("received message rejected") // uniform: nothing says which check failed
        .satisfies(e -> assertThat(((MessageRejectedException) e).reason()).isIn((Object[]) reasons));
  }

  @Test
  void validPacketOpens() {
    ByteBuf buf = pooled(validPacket());
    try {
      Envelope.Plaintext p = Envelope.decrypt(KEY, Direction.SERVER_TO_CLIENT, buf);
      assertThat(p.salt()).isEqualTo(SALT);
      assertThat(p.sessionId()).isEqualTo(SESSION);
      assertThat(p.msgId()).isEqualTo(SERVER_MSG_ID);
      assertThat(p.seqNo()).isEqualTo(1);
      assertThat(ByteBufUtil.getBytes(p.body())).isEqualTo(data(16));
      Envelope.checkFromServer(p, SESSION, NOW_MILLIS, new ReplayWindow(8));
    } finally {
      buf.release();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 4, 100, 1020, 4096, 100_000})
  void encryptThenDecryptRoundTripsEveryLength(int length) {
    ByteBuf data = Unpooled.wrappedBuffer(data(length));
    ByteBuf packet = Envelope.encrypt(PooledByteBufAllocator.DEFAULT, KEY, Direction.SERVER_TO_CLIENT, SALT, SESSION,
        SERVER_MSG_ID, 3, data, RANDOM);
    try {
      int plain = packet.readableBytes() - MtprotoCrypto.HEADER_SIZE;
      assertThat(plain % 16).isZero();
      assertThat(plain - 32 - length).isBetween(12, 1024 + 15);
      assertThat(data.readerIndex()).isZero(); // data is read, not consumed
      Envelope.Plaintext p = Envelope.decrypt(KEY, Direction.SERVER_TO_CLIENT, packet);
      assertThat(ByteBufUtil.getBytes(p.body())).isEqualTo(data(length));
      assertThat(p.seqNo()).isEqualTo(3);
    } finally {
      packet.release();
      data.release();
    }
  }

  @Test
  void heapAndOffsetBuffersDecryptToo() {
    byte[] packet = validPacket();
    ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(packet.length + 10);
    try {
      heap.writeZero(10).writeBytes(packet).skipBytes(10); // non-zero reader index
      Envelope.Plaintext p = Envelope.decrypt(KEY, Direction.SERVER_TO_CLIENT, heap);
      assertThat(ByteBufUtil.getBytes(p.body())).isEqualTo(data(16));
    } finally {
      heap.release();
    }
  }

  // ------------------------------------------------------------------ msg_key

  static Stream<Arguments> flippedBits() {
    int length = validPacket().length;
    return Stream.of(
        Arguments.of("msg_key byte 0", 8),
        Arguments.of("msg_key byte 15", 23),
        Arguments.of("first ciphertext block (salt)", 24),
        Arguments.of("header block (length field)", 24 + 28),
        Arguments.of("data", 24 + 40),
        Arguments.of("last block (padding only)", length - 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flippedBits")
  void anyFlippedBitFailsTheMsgKeyCheck(String where, int index) {
    for (int bit = 0; bit < 8; bit += 3) {
      byte[] packet = validPacket();
      packet[index] ^= (byte) (1 << bit);
      assertRejected(packet, Reason.MSG_KEY);
    }
  }

  @Test
  void msgKeyCoversThePadding() {
    // same header and data, different padding: different msg_key, and swapping them is detected
    byte[] a = serverPacket(KEY, plaintext(SALT, SESSION, SERVER_MSG_ID, 1, 16, data(16), 16));
    byte[] b = serverPacket(KEY, plaintext(SALT, SESSION, SERVER_MSG_ID, 1, 16, data(16), 16));
    assertThat(java.util.Arrays.copyOfRange(a, 8, 24)).isNotEqualTo(java.util.Arrays.copyOfRange(b, 8, 24));
    System.arraycopy(b, 8, a, 8, 16);
    assertRejected(a, Reason.MSG_KEY);
  }

  @Test
  void packetForTheOtherDirectionFails() {
    byte[] plain = plaintext(SALT, SESSION, SERVER_MSG_ID, 1, 16, data(16), 16);
    assertRejected(MtprotoCrypto.encrypt(KEY, Direction.CLIENT_TO_SERVER, plain), Reason.MSG_KEY);
  }

  @Test
  void msgKeyIsCheckedBeforeLengthAndPadding() {
    // a plaintext whose length field is bad: with the right msg_key the length check fails...
    byte[] badLength = serverPacket(KEY, plaintext(SALT, SESSION, SERVER_MSG_ID, 1, -4, data(16), 16));
    assertRejected(badLength, Reason.LENGTH);
    // ...but once the ciphertext is also tampered with, msg_key fails first: no length oracle
    badLength[badLength.length - 1] ^= 1;
    assertRejected(badLength, Reason.MSG_KEY);
    byte[] badPadding = serverPacket(KEY, plaintext(SALT, SESSION, SERVER_MSG_ID, 1, 40, data(40), 8));
    assertRejected(badPadding, Reason.PADDING);
    badPadding[30] ^= 1;
    assertRejected(badPadding, Reason.MSG_KEY);
  }

  @Test
  void failedMsgKeyLeavesNoPlaintextInTheBuffer() {
    byte[] packet = validPacket();
    packet[packet.length - 1] ^= 1;
    ByteBuf buf = pooled(packet);
    try {
      assertRejected(() -> Envelope.decrypt(KEY, Direction.SERVER_TO_CLIENT, buf), Reason.MSG_KEY);
      assertThat(buf.readerIndex()).isZero();
      for (int i = MtprotoCrypto.HEADER_SIZE; i < packet.length; i++) {
        assertThat(buf.getByte(i)).as("byte %d", i).isZero();
      }
    } finally {
      buf.release();
    }
  }

  // ------------------------------------------------------------------ length and padding

  static Stream<Arguments> badLengths() {
    return Stream.of(
        Arguments.of("negative", -4, Reason.LENGTH),
        Arguments.of("most negative", Integer.MIN_VALUE, Reason.LENGTH),
        Arguments.of("not a multiple of 4", 15, Reason.LENGTH),
        Arguments.of("larger than the plaintext", 64, Reason.PADDING),
        Arguments.of("just past the data and padding", 16 + 16 + 4, Reason.PADDING),
        Arguments.of("huge (would overflow an int sum)", Integer.MAX_VALUE - 3, Reason.PADDING),
        Arguments.of("leaves 8 bytes of padding (< 12)", 24, Reason.PADDING));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badLengths")
  void badLengthFieldIsRejectedAfterAValidMsgKey(String what, int lengthField, Reason reason) {
    // 16 data + 16 padding = 32 bytes after the header; the length field lies
    assertRejected(serverPacket(KEY, plaintext(SALT, SESSION, SERVER_MSG_ID, 1, lengthField, data(16), 16)), reason);
  }

  @Test
  void paddingOutOfRangeIsRejected() {
    // 8 bytes of padding (total 32 + 40 + 8 = 80, a multiple of 16)
    assertRejected(serverPacket(KEY, plaintext(SALT, SESSION, SERVER_MSG_ID, 1, 40, data(40), 8)), Reason.PADDING);
    // 1036 bytes of padding (32 + 4 + 1036 = 1072)
    assertRejected(serverPacket(KEY, plaintext(SALT, SESSION, SERVER_MSG_ID, 1, 4, data(4), 1036)), Reason.PADDING);
    // the bounds themselves are fine: 12 (32 + 4 + 12 = 48) and 1024 (32 + 16 + 1024 = 1072)
    assertThat(open(serverPacket(KEY, plaintext(SALT, SESSION, SERVER_MSG_ID, 1, 4, data(4), 12)))).hasSize(4);
    assertThat(open(serverPacket(KEY, plaintext(SALT, SESSION, SERVER_MSG_ID, 1, 16, data(16), 1024)))).hasSize(16);
  }

  // ------------------------------------------------------------------ framing and key id

  @Test
  void wrongAuthKeyIdIsRejected() {
    byte[] packet = validPacket();
    packet[0] ^= 1;
    assertRejected(packet, Reason.AUTH_KEY_ID);
    // a packet made with another key
    assertRejected(serverPacket(OTHER_KEY, plaintext(SALT, SESSION, SERVER_MSG_ID, 1, 16, data(16), 16)),
        Reason.AUTH_KEY_ID);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 7, 8, 24, 40, 71, 87})
  void truncatedPacketIsRejected(int keep) {
    byte[] packet = java.util.Arrays.copyOf(validPacket(), keep);
    assertRejected(packet, Reason.MALFORMED_PACKET);
  }

  @Test
  void packetCutAtABlockBoundaryFailsTheMsgKey() {
    byte[] full = validPacket();
    assertRejected(java.util.Arrays.copyOf(full, full.length - 16), Reason.MSG_KEY);
    byte[] longer = java.util.Arrays.copyOf(full, full.length + 16);
    assertRejected(longer, Reason.MSG_KEY);
  }

  // ------------------------------------------------------------------ session checks

  @Test
  void foreignSessionIdIsRejected() {
    byte[] packet = serverPacket(KEY, plaintext(SALT, SESSION + 1, SERVER_MSG_ID, 1, 16, data(16), 16));
    assertRejected(packet, Reason.SESSION_ID);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void evenServerMsgIdIsRejected(int lowBits) {
    long msgId = msgIdAt(NOW_MILLIS, lowBits);
    assertRejected(serverPacket(KEY, plaintext(SALT, SESSION, msgId, 1, 16, data(16), 16)), Reason.MSG_ID_PARITY);
  }

  @Test
  void bothOddParitiesAreAccepted() {
    assertThat(open(serverPacket(KEY, plaintext(SALT, SESSION, msgIdAt(NOW_MILLIS, 1), 1, 4, data(4), 12)))).hasSize(4);
    assertThat(open(serverPacket(KEY, plaintext(SALT, SESSION, msgIdAt(NOW_MILLIS, 3), 1, 4, data(4), 12)))).hasSize(4);
  }

  static Stream<Arguments> timeWindow() {
    return Stream.of(
        Arguments.of("301 s old", -301_000L, false),
        Arguments.of("one hour old", -3_600_000L, false),
        Arguments.of("31 s ahead", 31_000L, false),
        Arguments.of("a day ahead", 86_400_000L, false),
        Arguments.of("299 s old", -299_000L, true),
        Arguments.of("29 s ahead", 29_000L, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("timeWindow")
  void msgIdOutsideTheTimeWindowIsRejected(String what, long skewMillis, boolean accepted) {
    long msgId = msgIdAt(NOW_MILLIS + skewMillis, 1);
    byte[] packet = serverPacket(KEY, plaintext(SALT, SESSION, msgId, 1, 16, data(16), 16));
    if (accepted) {
      assertThat(open(packet)).isEqualTo(data(16));
    } else {
      assertRejected(packet, Reason.MSG_ID_TIME);
    }
  }

  @Test
  void replayedMsgIdIsRejected() {
    ReplayWindow replay = new ReplayWindow(64);
    byte[] packet = validPacket();
    assertThat(open(packet, SESSION, NOW_MILLIS, replay)).isEqualTo(data(16));
    assertRejected(() -> open(packet, SESSION, NOW_MILLIS, replay), Reason.REPLAY);
    // the same msg_id in a freshly encrypted packet (new padding, new msg_key) is a replay too
    byte[] again = serverPacket(KEY, plaintext(SALT, SESSION, SERVER_MSG_ID, 1, 16, data(16), 16));
    assertRejected(() -> open(again, SESSION, NOW_MILLIS, replay), Reason.REPLAY);
  }

  @Test
  void msgIdBelowAFullWindowIsRejected() {
    ReplayWindow replay = new ReplayWindow(4);
    for (int i = 1; i <= 4; i++) {
      open(serverPacket(KEY, plaintext(SALT, SESSION, msgIdAt(NOW_MILLIS + i * 10, 1), 1, 4, data(4), 12)),
          SESSION, NOW_MILLIS, replay);
    }
    byte[] older = serverPacket(KEY, plaintext(SALT, SESSION, msgIdAt(NOW_MILLIS, 1), 1, 4, data(4), 12));
    assertRejected(() -> open(older, SESSION, NOW_MILLIS, replay), Reason.REPLAY);
  }

  @Test
  void rejectedMessagesLeaveNoTraceInTheReplayWindow() {
    ReplayWindow replay = new ReplayWindow(16);
    long early = msgIdAt(NOW_MILLIS - 400_000, 1);
    assertRejected(() -> Envelope.checkMsgId(early, NOW_MILLIS, replay), Reason.MSG_ID_TIME);
    assertRejected(() -> Envelope.checkMsgId(SERVER_MSG_ID - 1, NOW_MILLIS, replay), Reason.MSG_ID_PARITY);
    assertRejected(() -> open(serverPacket(KEY, plaintext(SALT, SESSION + 1, SERVER_MSG_ID, 1, 16, data(16), 16)),
        SESSION, NOW_MILLIS, replay), Reason.SESSION_ID);
    assertThat(replay.size()).isZero();
    // so the genuine message with that id is still accepted afterwards
    assertThat(open(validPacket(), SESSION, NOW_MILLIS, replay)).isEqualTo(data(16));
  }

  @Test
  void everyFailureLooksTheSame() {
    assertThat(new MessageRejectedException(Reason.MSG_KEY).getMessage())
        .isEqualTo(new MessageRejectedException(Reason.PADDING).getMessage())
        .isEqualTo(new MessageRejectedException(Reason.REPLAY).getMessage());
    assertThat(new MessageRejectedException(Reason.LENGTH)).isInstanceOf(io.telefetch.mtproto.rpc.SecurityCheckException.class).isInstanceOf(io.telefetch.TelefetchException.class);
  }

  // ------------------------------------------------------------------ unencrypted messages

  @Test
  void plainMessagesRoundTripAndRejectLies() {
    ByteBuf data = Unpooled.wrappedBuffer(data(20));
    ByteBuf plain = Envelope.plain(ByteBufAllocator.DEFAULT, 0x1234L << 32, data);
    try {
      long[] id = new long[1];
      assertThat(ByteBufUtil.getBytes(Envelope.openPlain(plain, id))).isEqualTo(data(20));
      assertThat(id[0]).isEqualTo(0x1234L << 32);
      plain.setIntLE(16, 24); // length field past the end
      assertRejected(() -> Envelope.openPlain(plain, id), Reason.LENGTH);
      plain.setIntLE(16, -4);
      assertRejected(() -> Envelope.openPlain(plain, id), Reason.LENGTH);
      plain.setLongLE(0, 5); // not auth_key_id 0
      assertRejected(() -> Envelope.openPlain(plain, id), Reason.MALFORMED_PACKET);
      assertRejected(() -> Envelope.openPlain(Unpooled.wrappedBuffer(new byte[19]), id), Reason.MALFORMED_PACKET);
    } finally {
      plain.release();
      data.release();
    }
  }
}
