package io.telefetch.tl;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Coverage-guided fuzzing of the decoder: arbitrary bytes either decode or raise {@link
 * TlDecodeException}; any other exception, a hang or a leak is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ=1} this replays the seed corpus in {@code
 * src/test/resources/io/telefetch/tl/TlDecoderFuzzTestInputs}; the build sets it so that {@code mvn
 * verify} fuzzes for the bounded time below.
 */
class TlDecoderFuzzTest {
  private static final TlReader.Options OPTIONS = new TlReader.Options(64, 1 << 20, 32);

  @FuzzTest(maxDuration = "30s")
  void decodeArbitraryBytes(byte[] data) {
    ByteBuf buf = Unpooled.wrappedBuffer(data);
    try {
      TlReader reader = new TlReader(buf, TlRegistry.standard(), OPTIONS);
      while (reader.remaining() >= 4) {
        TlObject o = reader.readObject();
        ByteBuf out = Unpooled.buffer();
        try {
          o.write(new TlWriter(out));
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
          // values decoded from garbage may be unwritable (e.g. an oversized int128): fine
        } finally {
          out.release();
        }
        o.toString();
        releaseSlices(o);
      }
    } catch (TlDecodeException expected) {
      // the only failure the decoder may raise
    } finally {
      buf.release();
    }
  }

  /** Zero-copy slices (threshold 64 here) hold a reference: release them via the JSON walk. */
  private static void releaseSlices(TlObject o) {
    TlObjects.releaseSlices(o);
  }
}
