package io.telefetch.tl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RandomValuesTest {

  @Test
  void sameSeedAndProfileGiveTheSameValues() {
    assertThat(draw(new RandomValues(42))).isEqualTo(draw(new RandomValues(42)));
    assertThat(draw(new RandomValues(42, RandomValues.Profile.MTCUTE)))
        .isEqualTo(draw(new RandomValues(42, RandomValues.Profile.MTCUTE)));
    assertThat(draw(new RandomValues(42))).isNotEqualTo(draw(new RandomValues(43)));
  }

  @Test
  void defaultProfileUsesAllSixtyFourBits() {
    RandomValues r = new RandomValues(7);
    boolean beyondSafe = false;
    for (int i = 0; i < 1000 && !beyondSafe; i++) {
      beyondSafe = Math.abs(r.nextLong()) > RandomValues.MAX_SAFE_INTEGER;
    }
    assertThat(beyondSafe).isTrue();
  }

  @Test
  void mtcuteProfileKeepsLongsWithinSafeIntegers() {
    RandomValues r = new RandomValues(7, RandomValues.Profile.MTCUTE);
    boolean negative = false;
    boolean highWord = false;
    for (int i = 0; i < 10_000; i++) {
      long v = r.nextLong();
      assertThat(v).isBetween(-RandomValues.MAX_SAFE_INTEGER, RandomValues.MAX_SAFE_INTEGER);
      negative |= v < 0;
      highWord |= Math.abs(v) > 0xFFFF_FFFFL;
    }
    // still exercises both halves of the 8 bytes and the sign
    assertThat(negative).isTrue();
    assertThat(highWord).isTrue();
  }

  @Test
  void optionalVectorsAreNeverEmptyUnderMtcuteProfile() {
    RandomValues strict = new RandomValues(3, RandomValues.Profile.MTCUTE);
    RandomValues loose = new RandomValues(3);
    boolean looseEmpty = false;
    for (int i = 0; i < 200; i++) {
      assertThat(strict.optionalList(0, () -> 1)).isNotEmpty().hasSizeLessThanOrEqualTo(2);
      looseEmpty |= loose.optionalList(0, () -> 1).isEmpty();
    }
    assertThat(looseEmpty).isTrue();
    // plain vectors stay as they are in both profiles: empty once deep enough
    assertThat(strict.list(RandomValues.MAX_DEPTH, () -> 1)).isEmpty();
  }

  @Test
  void stringsReachTheLongLengthPrefix() {
    RandomValues r = new RandomValues(11);
    boolean longOne = false;
    for (int i = 0; i < 200; i++) {
      longOne |= r.string().getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= 254;
    }
    assertThat(longOne).isTrue();
  }

  private static List<Object> draw(RandomValues r) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      out.add(r.nextInt());
      out.add(r.nextLong());
      out.add(r.nextDouble());
      out.add(r.string());
      out.add(r.bytes());
      out.add(r.optionalList(0, r::nextInt));
    }
    return out;
  }
}
