package io.telefetch.mtproto.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.Config;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DcOptionsTest {
  private static final DcOptions OPTIONS = DcOptions.of(
      DcOption.of(2, "10.0.0.2", 443),
      DcOption.builder(2, "10.0.0.22", 443).mediaOnly(true).build(),
      DcOption.builder(2, "fd00::2", 443).ipv6(true).build(),
      DcOption.builder(2, "fd00::22", 443).ipv6(true).mediaOnly(true).build(),
      DcOption.builder(3, "10.0.0.3", 443).tcpoOnly(true).build(),
      DcOption.builder(3, "10.0.0.33", 80).isStatic(true).build(),
      DcOption.builder(4, "10.0.0.4", 443).isStatic(true).build(),
      DcOption.builder(4, "10.0.0.44", 443).build(),
      DcOption.builder(203, "10.0.0.203", 443).cdn(true).build());

  private static String host(Optional<DcOption> o) {
    return o.map(DcOption::host).orElse(null);
  }

  @Test
  void callsAvoidMediaOnlyAndCdnAndPreferTheAskedFamily() {
    assertThat(host(OPTIONS.forCalls(2, false, false))).isEqualTo("10.0.0.2");
    assertThat(host(OPTIONS.forCalls(2, true, false))).isEqualTo("fd00::2");
    assertThat(OPTIONS.forCalls(203, false, false)).isEmpty();
    assertThat(OPTIONS.forCalls(9, false, false)).isEmpty();
  }

  @Test
  void filesPreferMediaOnlyOptions() {
    assertThat(host(OPTIONS.forFiles(2, false, false))).isEqualTo("10.0.0.22");
    assertThat(host(OPTIONS.forFiles(2, true, false))).isEqualTo("fd00::22");
    assertThat(host(OPTIONS.forFiles(4, false, false))).isEqualTo("10.0.0.44");
  }

  @Test
  void tcpoOnlyNeedsObfuscationAndConfigBeatsStatic() {
    assertThat(host(OPTIONS.forCalls(3, false, false))).isEqualTo("10.0.0.33");
    assertThat(host(OPTIONS.forCalls(3, false, true))).isEqualTo("10.0.0.3");
    assertThat(host(OPTIONS.forCalls(4, false, false))).isEqualTo("10.0.0.44");
  }

  @Test
  void cdnDcsAreOnlyReachableAsCdn() {
    assertThat(host(OPTIONS.forCdn(203, false, false))).isEqualTo("10.0.0.203");
    assertThat(OPTIONS.forCdn(2, false, false)).isEmpty();
    assertThat(OPTIONS.isCdn(203)).isTrue();
    assertThat(OPTIONS.isCdn(2)).isFalse();
    assertThat(OPTIONS.dcIds()).containsExactly(2, 3, 4, 203);
  }

  @Test
  void fromConfigKeepsEveryFlagAndMergeReplacesWholeDcs() {
    Config config = Config.builder().date(1).expires(2).testMode(false).thisDc(2)
        .dcOptions(List.of(
            io.telefetch.tl.api.DcOption.builder().id(2).ipAddress("1.1.1.1").port(443).mediaOnly(true).build(),
            io.telefetch.tl.api.DcOption.builder().id(2).ipAddress("1.1.1.2").port(443).ipv6(true).tcpoOnly(true)
                .static_(true).thisPortOnly(true).secret(TlBytes.wrap(new byte[] {9})).build(),
            io.telefetch.tl.api.DcOption.builder().id(207).ipAddress("1.1.1.7").port(443).cdn(true).build()))
        .dcTxtDomainName("x").chatSizeMax(1).megagroupSizeMax(1).forwardedCountMax(1).onlineUpdatePeriodMs(1)
        .offlineBlurTimeoutMs(1).offlineIdleTimeoutMs(1).onlineCloudTimeoutMs(1).notifyCloudDelayMs(1)
        .notifyDefaultDelayMs(1).pushChatPeriodMs(1).pushChatLimit(1).editTimeLimit(1).revokeTimeLimit(1)
        .revokePmTimeLimit(1).ratingEDecay(1).stickersRecentLimit(1).channelsReadMediaPeriod(1)
        .callReceiveTimeoutMs(1).callRingTimeoutMs(1).callConnectTimeoutMs(1).callPacketTimeoutMs(1)
        .meUrlPrefix("x").captionLengthMax(1).messageLengthMax(1).webfileDcId(2).build();
    DcOptions fresh = DcOptions.fromConfig(config);
    DcOption second = fresh.all().get(1);
    assertThat(fresh.all().get(0).mediaOnly()).isTrue();
    assertThat(second.ipv6() && second.tcpoOnly() && second.isStatic() && second.thisPortOnly()).isTrue();
    assertThat(second.secret()).containsExactly(9);
    assertThat(fresh.all().get(2).cdn()).isTrue();

    DcOptions merged = OPTIONS.mergedWith(fresh);
    assertThat(merged.all().stream().filter(o -> o.id() == 2).map(DcOption::host)).containsExactly("1.1.1.1", "1.1.1.2");
    assertThat(merged.contains(3)).isTrue();
    assertThat(merged.contains(207)).isTrue();
    assertThat(merged.forCalls(2, false, false)).isEmpty(); // only media-only and tcpo_only left for DC 2
    assertThat(host(merged.forFiles(2, false, false))).isEqualTo("1.1.1.1");
  }

  @Test
  void builtInListsAndValueSemantics() {
    assertThat(DcOptions.production().dcIds()).containsExactly(1, 2, 3, 4, 5);
    assertThat(DcOptions.test().dcIds()).containsExactly(1, 2, 3);
    assertThat(DcOption.of(1, "h", 1)).isEqualTo(DcOption.of(1, "h", 1)).hasSameHashCodeAs(DcOption.of(1, "h", 1));
    assertThat(DcOption.of(1, "h", 1).newBuilder().cdn(true).build().toString()).contains("cdn");
  }
}
