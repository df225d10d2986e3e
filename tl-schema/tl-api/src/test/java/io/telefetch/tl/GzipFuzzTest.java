package io.telefetch.tl;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.telefetch.testing.GzipBombs;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of the gzip_packed paths with the production limits ({@link
 * TlReader.Options#DEFAULT}: 32 MiB per message, depth 64), not reduced ones. The fuzz input is
 * decoded as is, wrapped in one or two gzip_packed levels, given as the raw compressed stream of a
 * gzip or zlib value, or split into sibling gzip_packed messages of a msg_container, possibly next
 * to prebuilt bombs of up to 33 MiB.
 *
 * <p>Properties: only {@link TlDecodeException} escapes; a gzip_packed inside another always
 * fails; siblings whose inflated sizes add up past the budget always fail; the budget is never
 * overspent; and the decoding thread allocates at most {@code 3 * budget + 16 * (n + inflated) + 8
 * MiB} for an input of {@code n} bytes (without one budget per message a nested bomb allocates
 * dozens of budgets).
 *
 * <p>Without {@code JAZZER_FUZZ=1} this replays the seed corpus (if any); the build's {@code fuzz}
 * surefire execution sets it, with one JVM per fuzz class, so that {@code mvn verify} fuzzes for
 * the bounded time below.
 */
class GzipFuzzTest {
  private static final TlReader.Options OPTIONS = TlReader.Options.DEFAULT;
  private static final int BUDGET = OPTIONS.maxInflatedSize();
  private static final int[] BOMB_SIZES = {1 << 20, 12 << 20, 20 << 20, 33 << 20};
  private static final byte[][] BOMBS = new byte[BOMB_SIZES.length][];
  private static final byte[] PONG = {(byte) 0xc5, 0x73, 0x77, 0x34, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0};
  private static final AtomicLong[] RUNS = new AtomicLong[7];
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  static {
    for (int i = 0; i < BOMB_SIZES.length; i++) {
      BOMBS[i] = GzipBombs.bomb(PONG, BOMB_SIZES[i] - PONG.length); // inflates to exactly BOMB_SIZES[i]
    }
    for (int i = 0; i < RUNS.length; i++) {
      RUNS[i] = new AtomicLong();
    }
  }

  @FuzzTest(maxDuration = "8s")
  void gzipPathsWithProductionCaps(FuzzedDataProvider data) {
    int shape = data.consumeInt(0, RUNS.length - 1);
    boolean unpackedRead = data.consumeBoolean(); // through readUnpacked, as rpc_result bodies are
    RUNS[shape].incrementAndGet();
    boolean mustFail = false;
    long claimed = 0; // bytes the prebuilt bombs inflate to
    byte[] input;
    switch (shape) {
      case 0 -> input = data.consumeRemainingAsBytes();
      case 1 -> input = GzipBombs.packed(data.consumeRemainingAsBytes());
      case 2 -> { // the fuzzer writes the deflate stream (and trailer) of a gzip member
        byte[] tail = data.consumeRemainingAsBytes();
        input = GzipBombs.packedRaw(concat(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}, tail));
      }
      case 3 -> { // ... or of a zlib stream
        byte[] tail = data.consumeRemainingAsBytes();
        input = GzipBombs.packedRaw(concat(new byte[] {0x78, (byte) 0x9c}, tail));
      }
      case 4 -> {
        input = GzipBombs.packed(GzipBombs.packed(data.consumeRemainingAsBytes()));
        mustFail = true;
      }
      default -> { // siblings in a msg_container: fuzz bodies (packed or not) and prebuilt bombs
        int count = data.consumeInt(1, 6);
        int bombs = 0;
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          // at most two prebuilt bombs (enough to cross the budget), so that bombs do not eat the time
          int kind = data.consumeInt(0, shape == 5 || bombs == 2 ? 2 : 3);
          bombs += kind == 3 ? 1 : 0;
          if (kind == 3) {
            int bomb = data.consumeInt(0, BOMBS.length - 1);
            bodies.add(BOMBS[bomb]);
            claimed += BOMB_SIZES[bomb];
          } else {
            byte[] body = data.consumeBytes(data.consumeInt(0, 512));
            bodies.add(kind == 0 ? body : kind == 1 ? GzipBombs.packed(body) : GzipBombs.packed(GzipBombs.packed(body)));
          }
        }
        input = container(bodies);
        mustFail = claimed > BUDGET;
      }
    }
    decodeAndCheck(input, unpackedRead, mustFail);
  }

  private static void decodeAndCheck(byte[] input, boolean unpackedRead, boolean mustFail) {
    Decoded d = decode(input, unpackedRead);
    long bound = 3L * BUDGET + 16L * (input.length + d.budget.used()) + (8 << 20);
    if (d.allocated > bound) {
      // the first decode of a constructor loads (and instruments) its class on this thread: measure
      // again, warm; decoding is deterministic
      d = decode(input, unpackedRead);
      if (d.allocated > bound) {
        throw new AssertionError("decoding " + input.length + " bytes (" + d.budget + ") allocated "
            + d.allocated + " bytes, more than " + bound);
      }
    }
    if (d.budget.used() > BUDGET) {
      throw new AssertionError("budget overspent: " + d.budget);
    }
    if (mustFail && !d.failed) {
      throw new AssertionError("decoded what must fail: " + d.objects);
    }
    for (TlObject o : d.objects) {
      o.toString();
    }
  }

  private record Decoded(List<TlObject> objects, boolean failed, InflateBudget budget, long allocated) {}

  private static Decoded decode(byte[] input, boolean unpackedRead) {
    InflateBudget budget = InflateBudget.of(BUDGET);
    List<TlObject> objects = new ArrayList<>();
    boolean failed = false;
    ByteBuf buf = Unpooled.wrappedBuffer(input);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      TlReader reader = new TlReader(buf, TlRegistry.standard(), OPTIONS, budget);
      while (reader.remaining() >= 4) {
        objects.add(unpackedRead ? reader.readUnpacked(TlReader::readObject) : reader.readObject());
      }
    } catch (TlDecodeException expected) {
      failed = true; // the only failure the decoder may raise
    } finally {
      buf.release();
    }
    return new Decoded(objects, failed, budget, THREADS.getCurrentThreadAllocatedBytes() - before);
  }

  /** A msg_container of {@code bodies} (msg ids and seqnos are irrelevant to the decoder). */
  private static byte[] container(List<byte[]> bodies) {
    int size = 8;
    for (byte[] b : bodies) {
      size += 16 + b.length;
    }
    ByteBuffer c = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    c.putInt(0x73f1f8dc).putInt(bodies.size());
    long id = 1;
    for (byte[] b : bodies) {
      c.putLong(id += 4).putInt(1).putInt(b.length).put(b);
    }
    return c.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @AfterAll
  static void report() {
    StringBuilder s = new StringBuilder("GzipFuzzTest runs per shape (raw, packed, gzip stream, zlib stream, nested, container, container with bombs):");
    for (AtomicLong r : RUNS) {
      s.append(' ').append(r.get());
    }
    System.out.println(s);
  }
}
