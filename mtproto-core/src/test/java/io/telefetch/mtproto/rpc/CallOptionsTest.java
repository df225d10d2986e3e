package io.telefetch.mtproto.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CallOptionsTest {

  @Test
  void unsetSettingsComeFromTheDefaults() {
    CallOptions defaults = CallOptions.builder().timeout(Duration.ofSeconds(30)).floodWait(Duration.ofSeconds(60), 3)
        .maxRetries(3).build();
    CallOptions mine = CallOptions.builder().maxRetries(0).build().withDefaults(defaults);
    assertThat(mine.maxRetries()).hasValue(0);
    assertThat(mine.timeout()).contains(Duration.ofSeconds(30));
    assertThat(mine.floodWaitThreshold()).contains(Duration.ofSeconds(60));
    assertThat(mine.sleepsOnFloodWait()).isTrue();
    CallOptions single = CallOptions.SINGLE_ATTEMPT.withDefaults(defaults);
    assertThat(single.sleepsOnFloodWait()).isFalse();
    assertThat(single.maxRetries()).hasValue(0);
    assertThat(single.timeout()).contains(Duration.ofSeconds(30));
    assertThat(CallOptions.DEFAULT.withDefaults(defaults)).isEqualTo(defaults);
    assertThat(mine.newBuilder().build()).isEqualTo(mine).hasSameHashCodeAs(mine);
    assertThat(CallOptions.DEFAULT.timeout()).isEmpty();
    assertThat(CallOptions.DEFAULT.toString()).contains("timeout=default");
  }

  @Test
  void badValuesAreRefused() {
    assertThatThrownBy(() -> CallOptions.builder().timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CallOptions.builder().maxRetries(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CallOptions.builder().floodWait(Duration.ofDays(2), 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CallOptions.builder().floodWait(Duration.ofSeconds(-1), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void backoffIsExponentialWithFullJitterAndACap() {
    Backoff b = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1));
    assertThat(b.cap(0)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.cap(3)).isEqualTo(Duration.ofMillis(800));
    assertThat(b.cap(4)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.cap(Integer.MAX_VALUE)).as("no overflow").isEqualTo(Duration.ofSeconds(1));
    Random r = new Random(7);
    for (int retry = 0; retry < 40; retry++) {
      assertThat(b.delay(retry, r)).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(b.cap(retry));
    }
    // the same seed gives the same delays
    assertThat(b.delay(2, new Random(3))).isEqualTo(b.delay(2, new Random(3)));
    // a random source at its top end stays below the cap
    assertThat(b.delay(0, () -> Long.MAX_VALUE)).isLessThan(Duration.ofMillis(100));
    assertThat(Backoff.exponential(Duration.ZERO, Duration.ZERO).delay(5, r)).isZero();
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofMillis(-1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
