package io.telefetch.tl;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.telefetch.tl.api.ApiSamples;
import io.telefetch.tl.api.ApiSchema;
import io.telefetch.tl.mtproto.MtprotoSamples;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * For every constructor and method of both schemas: a random instance encodes, decodes to an equal
 * value, and re-encodes to identical bytes.
 */
class RoundTripTest {
  private static final int SEEDS_PER_COMBINATOR = 4;

  @TestFactory
  Stream<DynamicTest> everyApiCombinatorRoundTrips() {
    return tests(ApiSamples.NAMES, ApiSamples::sample);
  }

  @TestFactory
  Stream<DynamicTest> everyMtprotoCombinatorRoundTrips() {
    return tests(MtprotoSamples.NAMES, MtprotoSamples::sample);
  }

  @Test
  void samplesCoverEveryRegisteredId() {
    // ids: registry holds each combinator with an id exactly once; samples list the same set.
    assertThat(TlRegistry.standard().size()).isEqualTo(ApiSamples.NAMES.size() + MtprotoSamples.NAMES.size());
    // api.tl declares 1623 constructors; boolFalse, boolTrue and true are handled by the runtime.
    assertThat(ApiSchema.CONSTRUCTORS).isEqualTo(1620);
    assertThat(ApiSchema.METHODS).isEqualTo(798);
    assertThat(ApiSchema.LAYER).isEqualTo(227);
  }

  private static Stream<DynamicTest> tests(List<String> names, BiFunction<Integer, RandomValues, TlObject> sample) {
    return IntStream.range(0, names.size()).mapToObj(i -> DynamicTest.dynamicTest(names.get(i), () -> {
      for (int seed = 0; seed < SEEDS_PER_COMBINATOR; seed++) {
        TlObject value = sample.apply(i, new RandomValues(i * 7919L + seed));
        roundTrip(value);
      }
    }));
  }

  static void roundTrip(TlObject value) {
    ByteBuf first = Unpooled.buffer();
    ByteBuf second = Unpooled.buffer();
    try {
      value.write(new TlWriter(first));
      byte[] encoded = ByteBufUtil.getBytes(first);
      TlReader reader = new TlReader(first);
      TlObject decoded = reader.readObject();
      assertThat(first.readableBytes()).as("bytes left after decoding %s", value.tlName()).isZero();
      assertThat(decoded).isEqualTo(value);
      assertThat(decoded.hashCode()).isEqualTo(value.hashCode());
      decoded.write(new TlWriter(second));
      assertThat(ByteBufUtil.getBytes(second)).isEqualTo(encoded);
      assertThat(decoded.toString()).startsWith("{\"_\":\"" + value.tlName() + "\"");
    } finally {
      first.release();
      second.release();
    }
  }
}
