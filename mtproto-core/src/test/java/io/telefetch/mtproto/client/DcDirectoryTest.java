package io.telefetch.mtproto.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.CdnConfig;
import io.telefetch.tl.api.CdnPublicKey;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.help.GetCdnConfig;
import io.telefetch.tl.api.help.GetConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** DC options: bootstrap list, help.getConfig fetched once and again when it expires, CDN keys. */
class DcDirectoryTest {
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final Clock clock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now.get());
    }
  };
  private final List<String> calls = new ArrayList<>();
  private final SessionKeeper session = new SessionKeeper(SessionStore.inMemory());
  private CompletableFuture<Object> pendingConfig;

  private DcDirectory directory() {
    ClientOptions options = TelegramClient.builder().apiId(1).apiHash("h").clock(clock)
        .dcOptions(DcOptions.of(DcOption.of(1, "10.0.0.1", 443), DcOption.of(2, "10.0.0.2", 443))).buildOptions();
    DcDirectory d = new DcDirectory(options, session);
    d.homeInvoker(this::home);
    return d;
  }

  private CompletableFuture<?> home(TlMethod<?> m) {
    calls.add(m.tlName());
    if (m instanceof GetConfig) {
      return pendingConfig != null ? pendingConfig : CompletableFuture.completedFuture(config());
    }
    if (m instanceof GetCdnConfig) {
      return CompletableFuture.completedFuture(new CdnConfig(List.of(
          new CdnPublicKey(203, RsaKeys.TEST_KEY.toPem()), new CdnPublicKey(204, RsaKeys.PRODUCTION_KEY.toPem()))));
    }
    return CompletableFuture.failedFuture(new IllegalStateException("unexpected " + m.tlName()));
  }

  private Config config() {
    int seconds = (int) (now.get() / 1000);
    return Config.builder().date(seconds).expires(seconds + 3600).testMode(false).thisDc(1)
        .dcOptions(List.of(
            io.telefetch.tl.api.DcOption.builder().id(1).ipAddress("10.1.0.1").port(443).build(),
            io.telefetch.tl.api.DcOption.builder().id(2).ipAddress("10.1.0.2").port(443).build(),
            io.telefetch.tl.api.DcOption.builder().id(2).ipAddress("10.1.0.22").port(443).mediaOnly(true).build(),
            io.telefetch.tl.api.DcOption.builder().id(4).ipAddress("10.1.0.4").port(443).build(),
            io.telefetch.tl.api.DcOption.builder().id(203).ipAddress("10.1.2.3").port(443).cdn(true).build()))
        .dcTxtDomainName("x").chatSizeMax(1).megagroupSizeMax(1).forwardedCountMax(1).onlineUpdatePeriodMs(1)
        .offlineBlurTimeoutMs(1).offlineIdleTimeoutMs(1).onlineCloudTimeoutMs(1).notifyCloudDelayMs(1)
        .notifyDefaultDelayMs(1).pushChatPeriodMs(1).pushChatLimit(1).editTimeLimit(1).revokeTimeLimit(1)
        .revokePmTimeLimit(1).ratingEDecay(1).stickersRecentLimit(1).channelsReadMediaPeriod(1)
        .callReceiveTimeoutMs(1).callRingTimeoutMs(1).callConnectTimeoutMs(1).callPacketTimeoutMs(1)
        .meUrlPrefix("x").captionLengthMax(1).messageLengthMax(1).webfileDcId(1).build();
  }

  @Test
  void bootstrapFirstThenTheConfigAndAgainWhenItExpires() {
    DcDirectory d = directory();
    pendingConfig = new CompletableFuture<>();
    // a known DC resolves at once from the bootstrap list, and starts the first fetch
    assertThat(d.resolve(1, Purpose.MAIN, false).join().host()).isEqualTo("10.0.0.1");
    assertThat(d.resolve(2, Purpose.MAIN, false).join().host()).isEqualTo("10.0.0.2");
    assertThat(calls).containsExactly("help.getConfig"); // single flight
    // file transfer waits for the config, which may list a media-only option
    CompletableFuture<DcOption> download = d.resolve(2, Purpose.DOWNLOAD, false);
    assertThat(download).isNotDone();
    pendingConfig.complete(config());
    pendingConfig = null;
    assertThat(download.join().host()).isEqualTo("10.1.0.22");
    assertThat(d.resolve(2, Purpose.MAIN, false).join().host()).isEqualTo("10.1.0.2");
    assertThat(d.resolve(4, Purpose.MAIN, false).join().host()).isEqualTo("10.1.0.4");
    assertThat(session.current().dcOptions().all()).hasSize(5);
    assertThat(calls).containsExactly("help.getConfig");

    now.addAndGet(3_599_000);
    d.resolve(1, Purpose.MAIN, false).join();
    assertThat(calls).hasSize(1);
    now.addAndGet(2_000);
    d.resolve(1, Purpose.MAIN, false).join();
    assertThat(calls).containsExactly("help.getConfig", "help.getConfig");
  }

  @Test
  void unknownDcFetchesTheConfigFirstAndStoredOptionsAreReused() {
    DcDirectory d = directory();
    assertThat(d.resolve(4, Purpose.MAIN, false).join().host()).isEqualTo("10.1.0.4");
    assertThatThrownBy(() -> d.resolve(9, Purpose.MAIN, false).join()).hasMessageContaining("no address for DC 9");
    int fetches = calls.size();
    DcDirectory restarted = directory(); // same session: the stored list, not yet expired
    assertThat(restarted.resolve(2, Purpose.DOWNLOAD, false).join().host()).isEqualTo("10.1.0.22");
    assertThat(calls).hasSize(fetches);
  }

  @Test
  void cdnDcsUseOnlyTheirOwnKeysFromGetCdnConfig() {
    DcDirectory d = directory();
    assertThat(d.resolve(203, Purpose.DOWNLOAD, true).join().host()).isEqualTo("10.1.2.3");
    RsaKeys keys = d.cdnKeys(203).join();
    assertThat(keys.keys()).containsExactly(RsaKeys.TEST_KEY);
    assertThat(d.cdnKeys(204).join().keys()).containsExactly(RsaKeys.PRODUCTION_KEY);
    assertThat(calls.stream().filter(c -> c.equals("help.getCdnConfig"))).hasSize(1);
    assertThatThrownBy(() -> d.cdnKeys(205).join()).hasMessageContaining("no key for CDN DC 205");
  }
}
