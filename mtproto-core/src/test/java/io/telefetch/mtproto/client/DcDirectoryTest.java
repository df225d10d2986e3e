package io.telefetch.mtproto.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.testing.TestClock;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.CdnConfig;
import io.telefetch.tl.api.CdnPublicKey;
import io.telefetch.tl.api.Config;
import io.telefetch.tl.api.help.GetCdnConfig;
import io.telefetch.tl.api.help.GetConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** DC options: bootstrap list, help.getConfig fetched once and again when it expires, CDN keys. */
class DcDirectoryTest {
  private final TestClock clock = TestClock.stopped();

  private final List<String> calls = new ArrayList<>();
  private final SessionKeeper session = new SessionKeeper(SessionStore.inMemory());
  private final List<Integer> askedDcs = new ArrayList<>();
  private CompletableFuture<Object> pendingConfig;
  private int homeDc = 2;

  private DcDirectory directory() {
    return directory(Duration.ofSeconds(30));
  }

  private DcDirectory directory(Duration resolveTimeout) {
    ClientOptions options = TelegramClient.builder().apiId(1).apiHash("h").clock(clock).resolveTimeout(resolveTimeout)
        .dcOptions(DcOptions.of(DcOption.of(1, "10.0.0.1", 443), DcOption.of(2, "10.0.0.2", 443))).buildOptions();
    DcDirectory d = new DcDirectory(options, session);
    d.invoker(() -> homeDc, this::home);
    return d;
  }

  private CompletableFuture<?> home(int dc, TlMethod<?> m) {
    askedDcs.add(dc);
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
    int seconds = (int) (clock.millis() / 1000);
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

    clock.advance(3_599_000);
    d.resolve(1, Purpose.MAIN, false).join();
    assertThat(calls).hasSize(1);
    clock.advance(2_000);
    d.resolve(1, Purpose.MAIN, false).join();
    assertThat(calls).containsExactly("help.getConfig", "help.getConfig");
  }

  @Test
  void unknownDcFetchesTheConfigFirstAndStoredOptionsAreReused() {
    DcDirectory d = directory();
    assertThat(d.resolve(4, Purpose.MAIN, false).join().host()).isEqualTo("10.1.0.4");
    assertThatThrownBy(() -> d.resolve(9, Purpose.MAIN, false).join()).cause().isInstanceOf(UnknownDcException.class)
        .hasMessageContaining("DC 9 is not in the DC list");
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
    assertThatThrownBy(() -> d.cdnKeys(205).join()).cause().isInstanceOf(UnknownDcException.class)
        .hasMessageContaining("no key for CDN DC 205");
  }

  @Test
  void theConfigIsAskedOfAKnownDcNeverOfTheUnknownOne() {
    DcDirectory d = directory();
    homeDc = 9; // e.g. a stored or migrated home that has no address
    assertThat(d.knows(9, false)).isFalse();
    assertThat(d.ensureKnown(9, false, "USER_MIGRATE_9", null)).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(UnknownDcException.class)
        .withMessageContaining("USER_MIGRATE_9");
    assertThat(askedDcs).containsExactly(2); // the configured home, which is listed
    assertThat(d.ensureKnown(4, false, "USER_MIGRATE_4", null)).succeedsWithin(Duration.ofSeconds(5));
    assertThat(d.knows(4, false)).isTrue();
    assertThat(d.knows(203, false)).isFalse(); // a CDN DC is never a home
    assertThat(d.knows(203, true)).isTrue();
    assertThat(d.ensureKnown(-1, false, "USER_MIGRATE_-1", null)).isCompletedExceptionally();
    assertThat(d.knownDc(9)).isEqualTo(2);
    assertThat(d.knownDc(1)).isEqualTo(1);
  }

  @Test
  void aConfigThatNeverComesIsBoundedByTheResolveTimeout() {
    DcDirectory d = directory(Duration.ofMillis(200));
    pendingConfig = new CompletableFuture<>();
    CompletableFuture<DcOption> unknown = d.resolve(9, Purpose.MAIN, false);
    assertThat(unknown).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(UnknownDcException.class);
    assertThat(pendingConfig).isCancelled(); // the call that never answered is dropped
    // a known DC still resolves from the list it has
    assertThat(d.resolve(2, Purpose.DOWNLOAD, false).join().host()).isEqualTo("10.0.0.2");
  }
}
