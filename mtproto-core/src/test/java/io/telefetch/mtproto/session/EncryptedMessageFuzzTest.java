package io.telefetch.mtproto.session;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.crypto.MtprotoCrypto;
import io.telefetch.mtproto.crypto.MtprotoCrypto.Direction;
import io.telefetch.testing.GzipBombs;
import io.telefetch.tl.InflateBudget;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlObjects;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlRegistry;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of a whole received encrypted message after a real key: the receive
 * checks of {@link Envelope} (decrypt, msg_key, length, padding, session, msg_id) and then the
 * decoding the connection does with the production reader options (msg_container, rpc_result with
 * a possibly gzip_packed result, service objects; one inflate budget per packet).
 *
 * <p>Either the fuzz input is the ciphertext (msg_key and all: rejected unless it hits the key), or
 * it is the plaintext, each header field valid or fuzzed, the data raw or shaped as rpc_result,
 * gzip_packed or a container, then encrypted with the real msg_key so that the checks and the
 * decoder see it. Properties: only {@link MessageRejectedException} and {@link TlDecodeException}
 * escape; nothing leaks (every zero-copy slice released leaves the packet with its own reference
 * only); the thread allocates at most {@code 3 * budget + 16 * (n + inflated) + 8 MiB}.
 *
 * <p>The production receive path is {@link ClientSession#onPacket}; this drives the same pure
 * functions it is made of (Envelope, Wire's container reading, TlReader with an InflateBudget) in
 * the same order, without the session's bookkeeping, so that every rpc_result reaches a decoder
 * whatever request id the fuzzer picks (the session drops answers nobody waits for unread).
 */
class EncryptedMessageFuzzTest {
  private static final AuthKey KEY = key();
  private static final long SALT = 0x1122334455667788L;
  private static final long SESSION = 0x0102030405060708L;
  /** Server time of the fuzzing: 2024-02-08T20:45:00.250Z. */
  private static final long NOW_MILLIS = 1_707_425_100_250L;
  private static final int MSG_CONTAINER = 0x73f1f8dc;
  private static final int RPC_RESULT = 0xf35c6d01;
  /** The connection's options: production limits, zero-copy from 64 KiB (lowered to 64 bytes here to exercise slices). */
  private static final TlReader.Options OPTIONS = TlReader.Options.DEFAULT.withZeroCopyThreshold(64);
  private static final int BUDGET = OPTIONS.maxInflatedSize();
  private static final AtomicLong[] RUNS = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static AuthKey key() {
    byte[] k = new byte[AuthKey.SIZE];
    new Random(11).nextBytes(k);
    return AuthKey.of(k);
  }

  @FuzzTest(maxDuration = "8s")
  void wholeEncryptedMessage(FuzzedDataProvider data) {
    byte[] packet;
    if (data.consumeBoolean()) {
      RUNS[0].incrementAndGet();
      byte[] rest = data.consumeRemainingAsBytes();
      packet = ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN).putLong(KEY.id()).put(rest).array();
    } else {
      packet = encryptedPlaintext(data);
    }
    Result first = receive(packet);
    if (first.reachedDecoder) {
      RUNS[2].incrementAndGet();
    }
    long bound = 3L * BUDGET + 16L * (packet.length + first.inflated) + (8 << 20);
    if (first.allocated > bound && receive(packet).allocated > bound) { // warm: class loading is not the decoder's
      throw new AssertionError("receiving " + packet.length + " bytes allocated more than " + bound);
    }
  }

  /** A plaintext with each header field valid or fuzzed, encrypted with the real msg_key. */
  private static byte[] encryptedPlaintext(FuzzedDataProvider data) {
    RUNS[1].incrementAndGet();
    long salt = data.consumeBoolean() ? SALT : data.consumeLong();
    long session = data.consumeBoolean() ? SESSION : data.consumeLong();
    long msgId = data.consumeBoolean() ? serverMsgId(data.consumeInt(-299, 29)) : data.consumeLong();
    int seqNo = data.consumeInt();
    byte[] body = shapedData(data);
    int length = data.consumeBoolean() ? body.length : data.consumeInt();
    int padding = data.consumeBoolean() ? 12 + data.consumeInt(0, 63) : data.consumeInt(0, 1100);
    padding += (16 - (32 + body.length + padding) % 16) % 16;
    ByteBuffer plain = ByteBuffer.allocate(32 + body.length + padding).order(ByteOrder.LITTLE_ENDIAN);
    plain.putLong(salt).putLong(session).putLong(msgId).putInt(seqNo).putInt(length).put(body);
    return MtprotoCrypto.encrypt(KEY, Direction.SERVER_TO_CLIENT, plain.array());
  }

  /** The message data: fuzz bytes as they are, or shaped as a server would send them. */
  private static byte[] shapedData(FuzzedDataProvider data) {
    int shape = data.consumeInt(0, 4);
    int size = data.consumeInt(0, 4096);
    byte[] raw = data.consumeBytes(shape == 0 ? Integer.MAX_VALUE : size);
    return switch (shape) {
      case 0 -> pad4(raw);
      case 1 -> rpcResult(data.consumeLong(), pad4(raw));
      case 2 -> rpcResult(data.consumeLong(), GzipBombs.packed(raw));
      case 3 -> GzipBombs.packed(raw);
      default -> {
        int count = data.consumeInt(1, 4);
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          byte[] inner = data.consumeBytes(data.consumeInt(0, 1024));
          bodies.add(data.consumeBoolean() ? pad4(inner) : rpcResult(i, GzipBombs.packed(inner)));
        }
        yield container(bodies, data);
      }
    };
  }

  private record Result(boolean reachedDecoder, long inflated, long allocated) {}

  /** What the connection does with a received packet, up to handing objects over. */
  private static Result receive(byte[] bytes) {
    ByteBuf packet = Unpooled.wrappedBuffer(bytes);
    InflateBudget budget = InflateBudget.of(BUDGET);
    boolean reached = false;
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      Envelope.Plaintext p = Envelope.decrypt(KEY, Direction.SERVER_TO_CLIENT, packet);
      Envelope.checkFromServer(p, SESSION, NOW_MILLIS, new ReplayWindow(1024));
      reached = true;
      List<TlObject> decoded = new ArrayList<>();
      try {
        onMessage(p.body(), false, budget, decoded);
      } finally {
        for (TlObject o : decoded) {
          o.toString();
          TlObjects.releaseSlices(o);
        }
      }
    } catch (MessageRejectedException | TlDecodeException expected) {
      // the only failures allowed: the packet is dropped (and the connection closed) or the answer fails
    } finally {
      if (packet.refCnt() != 1) {
        throw new AssertionError("zero-copy slices left unreleased: refCnt " + packet.refCnt());
      }
      packet.release();
    }
    return new Result(reached, budget.used(), THREADS.getCurrentThreadAllocatedBytes() - before);
  }

  /** As ClientSession's onMessage: a container of messages, an rpc_result, or a service object. */
  private static void onMessage(ByteBuf body, boolean inContainer, InflateBudget budget, List<TlObject> out) {
    if (body.readableBytes() < 4) {
      throw new TlDecodeException("message shorter than a constructor id", 0, body.readerIndex());
    }
    int id = body.getIntLE(body.readerIndex());
    if (id == MSG_CONTAINER) {
      if (inContainer) {
        throw new TlDecodeException("nested msg_container", id, body.readerIndex());
      }
      Wire.readContainer(body, (innerId, innerSeq, inner) -> {
        Envelope.checkMsgId(innerId, NOW_MILLIS, new ReplayWindow(1024));
        onMessage(inner, true, budget, out);
      });
    } else if (id == RPC_RESULT) {
      body.skipBytes(4);
      if (body.readableBytes() < 12) {
        throw new TlDecodeException("truncated rpc_result", RPC_RESULT, body.readerIndex());
      }
      body.readLongLE();
      out.add(new TlReader(body, TlRegistry.standard(), OPTIONS, budget).readUnpacked(TlReader::readObject));
    } else {
      out.add(new TlReader(body, TlRegistry.standard(), OPTIONS, budget).readObject());
    }
  }

  // ---------------------------------------------------------------- building data

  /** A server msg_id {@code offsetSeconds} from now (odd: a response). */
  private static long serverMsgId(int offsetSeconds) {
    long millis = NOW_MILLIS + offsetSeconds * 1000L;
    long seconds = Math.floorDiv(millis, 1000);
    long fraction = (Math.floorMod(millis, 1000L) << 32) / 1000;
    return (seconds << 32 | fraction) & ~3L | 1;
  }

  private static byte[] pad4(byte[] b) {
    return b.length % 4 == 0 ? b : java.util.Arrays.copyOf(b, b.length + 4 - b.length % 4);
  }

  private static byte[] rpcResult(long reqMsgId, byte[] result) {
    return ByteBuffer.allocate(12 + result.length).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(RPC_RESULT).putLong(reqMsgId).put(result).array();
  }

  private static byte[] container(List<byte[]> bodies, FuzzedDataProvider data) {
    int size = 8;
    for (byte[] b : bodies) {
      size += 16 + b.length;
    }
    ByteBuffer c = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    c.putInt(MSG_CONTAINER).putInt(bodies.size());
    for (byte[] b : bodies) {
      long id = data.consumeBoolean() ? serverMsgId(data.consumeInt(-299, 29)) : data.consumeLong();
      c.putLong(id).putInt(data.consumeInt()).putInt(b.length).put(b);
    }
    return c.array();
  }

  @AfterAll
  static void report() {
    System.out.println("EncryptedMessageFuzzTest runs: ciphertext=" + RUNS[0].get() + " plaintext=" + RUNS[1].get()
        + " passed the receive checks=" + RUNS[2].get());
  }
}
