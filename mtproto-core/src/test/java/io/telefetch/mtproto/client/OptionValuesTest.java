package io.telefetch.mtproto.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.mtproto.rpc.Backoff;
import io.telefetch.mtproto.rpc.CallOptions;
import io.telefetch.tl.api.ApiSchema;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The small values {@link ClientOptions} is made of: defaults, validation, round trips, masking. */
class OptionValuesTest {

  private static AppIdentity identity() {
    return AppIdentity.builder().apiId(42).apiHash("0123456789abcdef0123456789abcdef")
        .deviceInfo("dev", "sys", "app 1").langInfo("de", "android", "de").build();
  }

  @Test
  void appIdentityDefaultsValidatesRoundTripsAndMasksTheHash() {
    AppIdentity d = AppIdentity.builder().apiId(1).apiHash("h").build();
    assertThat(d.systemLangCode()).isEqualTo("en");
    assertThat(d.langPack()).isEmpty();
    assertThat(d.langCode()).isEqualTo("en");
    assertThat(d.layer()).isEqualTo(ApiSchema.LAYER);
    assertThat(d.appVersion()).startsWith("Telefetch");

    AppIdentity id = identity();
    assertThat(id.newBuilder().build()).isEqualTo(id).hasSameHashCodeAs(id);
    assertThat(id.newBuilder().langInfo("en", "", "en").build()).isNotEqualTo(id);
    assertThat(id.toString()).contains("apiId=42").doesNotContain("0123456789abcdef");

    assertThatThrownBy(() -> AppIdentity.builder().apiHash("h").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiId");
    assertThatThrownBy(() -> AppIdentity.builder().apiId(-3).apiHash("h").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiId");
    assertThatThrownBy(() -> AppIdentity.builder().apiId(1).apiHash(" ").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiHash");
    assertThatThrownBy(() -> AppIdentity.builder().apiId(1).apiHash("h").layer(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer");
  }

  @Test
  void connectionTemplateDefaultsValidatesRoundTripsAndMasksProxySecrets() {
    ConnectionTemplate d = ConnectionTemplate.builder().build();
    assertThat(d.transport()).isEqualTo(Transport.of(Transport.Framing.INTERMEDIATE));
    assertThat(d.transport().obfuscated()).isFalse();
    assertThat(d.proxy()).isNull();
    assertThat(d.preferIpv6()).isFalse();
    assertThat(d.callTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.pingInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.zeroCopyThreshold()).isEqualTo(64 << 10);

    ConnectionTemplate t = ConnectionTemplate.builder().transport(Transport.obfuscated(Transport.Framing.ABRIDGED))
        .proxy(Proxy.socks5("127.0.0.1", 1080, "alice", "s3cret-pw")).preferIpv6(true)
        .callTimeout(Duration.ZERO).connectTimeout(Duration.ofSeconds(3)).pingInterval(Duration.ZERO)
        .zeroCopyThreshold(1).build();
    assertThat(t.newBuilder().build()).isEqualTo(t).hasSameHashCodeAs(t);
    assertThat(t.newBuilder().preferIpv6(false).build()).isNotEqualTo(t);
    assertThat(t.toString()).contains("127.0.0.1:1080").doesNotContain("s3cret-pw");

    assertThatThrownBy(() -> ConnectionTemplate.builder().connectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> ConnectionTemplate.builder().callTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("callTimeout");
    assertThatThrownBy(() -> ConnectionTemplate.builder().pingInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pingInterval");
    assertThatThrownBy(() -> ConnectionTemplate.builder().zeroCopyThreshold(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zeroCopyThreshold");
  }

  @Test
  void transportValidatesAndMasksTheSecret() {
    String secret = "dd8a96ef6e42a18c21837580cd1c91c5a8";
    Transport t = Transport.withMtProxySecret(Transport.Framing.PADDED_INTERMEDIATE, secret);
    assertThat(t.obfuscated()).isTrue();
    assertThat(t.hasMtProxySecret()).isTrue();
    assertThat(t).isEqualTo(Transport.withMtProxySecret(Transport.Framing.PADDED_INTERMEDIATE, secret));
    assertThat(t).isNotEqualTo(Transport.obfuscated(Transport.Framing.PADDED_INTERMEDIATE));
    assertThat(t.toString()).doesNotContain("8a96ef6e42a18c21837580cd1c91c5a8");
    assertThat(Transport.obfuscated(Transport.Framing.ABRIDGED).obfuscated()).isTrue();
    assertThatThrownBy(() -> Transport.obfuscated(Transport.Framing.FULL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FULL");
    assertThatThrownBy(() -> Transport.withMtProxySecret(Transport.Framing.INTERMEDIATE, "not a secret!"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mtProxySecret");
    assertThatThrownBy(() -> Transport.withMtProxySecret(Transport.Framing.INTERMEDIATE, secret))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mtProxySecret");
  }

  @Test
  void retryPolicyDefaultsValidatesAndRoundTrips() {
    RetryPolicy d = RetryPolicy.defaults();
    assertThat(d.floodWaitThreshold()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.maxFloodWaits()).isEqualTo(3);
    assertThat(d.maxRetries()).isEqualTo(3);
    assertThat(d.backoff()).isEqualTo(Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(10)));

    RetryPolicy p = RetryPolicy.builder().floodWait(Duration.ofSeconds(5), 1).maxRetries(0)
        .backoff(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(2))).build();
    assertThat(p.newBuilder().build()).isEqualTo(p).hasSameHashCodeAs(p);
    assertThat(p).isNotEqualTo(d);

    assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRetries");
    assertThatThrownBy(() -> RetryPolicy.builder().floodWait(Duration.ofSeconds(-1), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("floodWaitThreshold");
    assertThatThrownBy(() -> RetryPolicy.builder().floodWait(Duration.ofDays(365), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("floodWaitThreshold");
    assertThatThrownBy(() -> RetryPolicy.builder().floodWait(Duration.ofSeconds(1), -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFloodWaits");
  }

  @Test
  void poolOptionsDefaultsValidatesAndRoundTrips() {
    PoolOptions d = PoolOptions.builder().build();
    assertThat(d.mainConnections()).isEqualTo(1);
    assertThat(d.downloadConnections()).isEqualTo(4);
    assertThat(d.idleTimeout()).isEqualTo(Duration.ofMinutes(5));

    PoolOptions p = PoolOptions.builder().mainConnections(2).downloadConnections(8).idleTimeout(Duration.ZERO).build();
    assertThat(p.newBuilder().build()).isEqualTo(p).hasSameHashCodeAs(p);
    assertThat(p).isNotEqualTo(d);

    assertThatThrownBy(() -> PoolOptions.builder().mainConnections(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mainConnections");
    assertThatThrownBy(() -> PoolOptions.builder().downloadConnections(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("downloadConnections");
    assertThatThrownBy(() -> PoolOptions.builder().idleTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout");
  }

  @Test
  void convenienceSettersFillTheValuesAndWholeValuesReplaceThem() {
    ClientOptions o = TelegramClient.builder().apiId(42).apiHash("0123456789abcdef0123456789abcdef")
        .deviceInfo("dev", "sys", "app 1").langInfo("de", "android", "de")
        .callTimeout(Duration.ofSeconds(7)).pingInterval(Duration.ZERO).preferIpv6(true)
        .floodWait(Duration.ofSeconds(5), 1).retries(-2, Duration.ofMillis(1), Duration.ofMillis(2))
        .mainConnections(2).downloadConnections(3).idleTimeout(Duration.ofSeconds(9))
        .proxy(Proxy.socks5("10.0.0.1", 9050, "bob", "hunter2-pw")).buildOptions();
    assertThat(o.identity()).isEqualTo(identity());
    assertThat(o.connection().callTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(o.connection().preferIpv6()).isTrue();
    assertThat(o.retryPolicy()).isEqualTo(RetryPolicy.builder().floodWait(Duration.ofSeconds(5), 1).maxRetries(0)
        .backoff(Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(2))).build());
    assertThat(o.pool()).isEqualTo(PoolOptions.builder().mainConnections(2).downloadConnections(3)
        .idleTimeout(Duration.ofSeconds(9)).build());
    assertThat(o.defaultCallOptions()).isEqualTo(CallOptions.builder().timeout(Duration.ofSeconds(7))
        .floodWait(Duration.ofSeconds(5), 1).maxRetries(0).build());
    assertThat(o.toString()).contains("apiId=42").doesNotContain("0123456789abcdef").doesNotContain("hunter2-pw");

    // one source of truth: a round trip keeps every value, a whole value replaces the old one
    ClientOptions again = o.newBuilder().buildOptions();
    assertThat(again.identity()).isEqualTo(o.identity());
    assertThat(again.connection()).isEqualTo(o.connection());
    assertThat(again.retryPolicy()).isEqualTo(o.retryPolicy());
    assertThat(again.pool()).isEqualTo(o.pool());
    ClientOptions replaced = o.newBuilder().pool(PoolOptions.builder().build())
        .connection(ConnectionTemplate.builder().build()).retryPolicy(RetryPolicy.defaults())
        .identity(AppIdentity.builder().apiId(7).apiHash("x").build()).buildOptions();
    assertThat(replaced.mainConnections()).isEqualTo(1);
    assertThat(replaced.proxy()).isNull();
    assertThat(replaced.retryPolicy()).isEqualTo(RetryPolicy.defaults());
    assertThat(replaced.apiId()).isEqualTo(7);
    assertThat(replaced.defaultCallOptions().timeout()).contains(Duration.ofSeconds(30));
  }
}
