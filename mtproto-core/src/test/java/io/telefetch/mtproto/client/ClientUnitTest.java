package io.telefetch.mtproto.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.FloodWaitInterceptor;
import io.telefetch.mtproto.rpc.LoggingInterceptor;
import io.telefetch.mtproto.rpc.RetryInterceptor;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.mtproto.rpc.Interceptor;
import io.telefetch.mtproto.rpc.CallOptions;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.mtproto.transport.TransportException;
import io.telefetch.tl.api.UpdateLoginToken;
import io.telefetch.tl.api.UpdateShort;
import io.telefetch.tl.api.UpdatesTooLong;
import io.telefetch.tl.api.help.GetConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options, lifecycle and classification, without a server. */
class ClientUnitTest {
  @TempDir
  Path dir;

  @Test
  void apiCredentialsAreRequiredAndNeverPrinted() {
    assertThatThrownBy(() -> TelegramClient.builder().build()).hasMessageContaining("apiId and apiHash");
    ClientOptions o = TelegramClient.builder().apiId(5).apiHash("0123456789abcdef").buildOptions();
    assertThat(o.toString()).contains("apiId=5").doesNotContain("0123456789abcdef");
    assertThat(o.mainDc()).isEqualTo(2);
    assertThat(o.mainConnections()).isEqualTo(1);
    assertThat(o.downloadConnections()).isEqualTo(4);
    assertThat(o.newBuilder().buildOptions().toString()).isEqualTo(o.toString());
  }

  @Test
  void mainDcDefaultsToTheListedDcs() {
    ClientOptions o = TelegramClient.builder().apiId(1).apiHash("h")
        .dcOptions(DcOptions.of(DcOption.of(3, "127.0.0.1", 1), DcOption.of(5, "127.0.0.1", 2))).buildOptions();
    assertThat(o.mainDc()).isEqualTo(3);
    assertThat(TelegramClient.builder().apiId(1).apiHash("h").testServers().buildOptions().testMode()).isTrue();
  }

  @Test
  void interceptorChainIsAddedThenLoggingFloodWaitRetry() {
    Interceptor mine = new Interceptor() {
      @Override
      public <R> java.util.concurrent.CompletableFuture<R> intercept(Chain<R> chain) {
        return chain.proceed(chain.method());
      }
    };
    List<Interceptor> chain = TelegramClient.builder().apiId(1).apiHash("h").addInterceptor(mine).buildOptions()
        .interceptorChain();
    assertThat(chain).hasSize(4);
    assertThat(chain.get(0)).isSameAs(mine);
    assertThat(chain.get(1)).isInstanceOf(LoggingInterceptor.class);
    assertThat(chain.get(2)).isInstanceOf(FloodWaitInterceptor.class);
    assertThat(chain.get(3)).isInstanceOf(RetryInterceptor.class);
    // flood-wait sleeping and retries stay in the chain (a call's options may turn them on); off by default here
    ClientOptions off = TelegramClient.builder().apiId(1).apiHash("h").logging(false).floodWait(Duration.ZERO, 0)
        .retries(0, Duration.ZERO, Duration.ZERO).buildOptions();
    assertThat(off.interceptorChain()).hasSize(2);
    assertThat(off.defaultCallOptions().sleepsOnFloodWait()).isFalse();
    assertThat(off.defaultCallOptions().maxRetries()).hasValue(0);
  }

  @Test
  void defaultCallOptionsComeFromTheBuilder() {
    ClientOptions o = TelegramClient.builder().apiId(1).apiHash("h").callTimeout(Duration.ofSeconds(9))
        .floodWait(Duration.ofSeconds(20), 2).retries(4, Duration.ofMillis(1), Duration.ofMillis(2)).buildOptions();
    assertThat(o.defaultCallOptions()).isEqualTo(CallOptions.builder().timeout(Duration.ofSeconds(9))
        .floodWait(Duration.ofSeconds(20), 2).maxRetries(4).build());
    ClientOptions p = o.newBuilder().defaultCallOptions(CallOptions.builder().maxRetries(1).build()).buildOptions();
    assertThat(p.defaultCallOptions().maxRetries()).hasValue(1);
    assertThat(p.defaultCallOptions().timeout()).contains(Duration.ofSeconds(9));
    assertThat(o.eventListener()).isSameAs(EventListener.NONE);
    EventListener l = new EventListener() {};
    assertThat(o.newBuilder().eventListener(l).buildOptions().eventListener()).isSameAs(l);
  }

  @Test
  void closesItsOwnResourcesButNeverSharedOnes() throws Exception {
    try (ClientResources shared = ClientResources.builder().ioThreads(1).build()) {
      TelegramClient given = TelegramClient.builder().apiId(1).apiHash("h").resources(shared).build();
      assertThat(given.resources()).isSameAs(shared);
      assertThat(given.options().resources()).containsSame(shared);
      given.close();
      assertThat(shared.isClosed()).isFalse();
      TelegramClient second = TelegramClient.builder().apiId(1).apiHash("h").resources(shared).build();
      second.close();
      assertThat(shared.isClosed()).isFalse();

      TelegramClient own = TelegramClient.builder().apiId(1).apiHash("h").build();
      ClientResources owned = own.resources();
      assertThat(owned).isNotSameAs(shared);
      assertThat(own.options().resources()).isEmpty();
      own.closeAsync().get(5, TimeUnit.SECONDS);
      assertThat(own.closeAsync()).isDone();
      assertThat(owned.isClosed()).isTrue();
      assertThat(owned.closeAsync()).isDone();
      assertThatThrownBy(() -> own.invoke(new GetConfig()).join()).cause()
          .isInstanceOf(ClientClosedException.class).hasMessage(ClientClosedException.MESSAGE);
      assertThat(own.toString()).contains("closed");
    }
  }

  @Test
  void sharedResourcesClosedFirstFailCallsTypedAndRefuseNewClients() throws Exception {
    ClientResources shared = ClientResources.builder().ioThreads(1).build();
    TelegramClient client = TelegramClient.builder().apiId(1).apiHash("h").resources(shared).build();
    shared.closeAsync().get(5, TimeUnit.SECONDS);
    assertThatThrownBy(() -> client.invoke(new GetConfig()).join()).cause()
        .isInstanceOf(ConnectionClosedException.class)
        .satisfies(e -> assertThat(((ConnectionClosedException) e).requestSent()).isFalse());
    client.close();
    assertThatThrownBy(() -> TelegramClient.builder().apiId(1).apiHash("h").resources(shared).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("closed");
  }

  @Test
  void delaysUseTheResourcesSchedulerUnlessTheClientSetsItsOwn() {
    io.telefetch.mtproto.rpc.Scheduler shared = d -> new java.util.concurrent.CompletableFuture<>();
    io.telefetch.mtproto.rpc.Scheduler mine = d -> java.util.concurrent.CompletableFuture.completedFuture(null);
    try (ClientResources resources = ClientResources.builder().ioThreads(1).scheduler(shared).build()) {
      ClientOptions viaResources = TelegramClient.builder().apiId(1).apiHash("h").resources(resources).buildOptions();
      assertThat(viaResources.scheduler).isSameAs(shared);
      ClientOptions own = viaResources.newBuilder().scheduler(mine).buildOptions();
      assertThat(own.scheduler).isSameAs(mine);
      assertThat(own.newBuilder().buildOptions().scheduler).isSameAs(mine);
      assertThat(viaResources.newBuilder().resources(null).buildOptions().scheduler)
          .as("without resources or a scheduler: real time").isNotSameAs(shared).isNotNull();
    }
  }

  @Test
  void resourcesValidateTheirOptions() {
    assertThatThrownBy(() -> ClientResources.builder().ioThreads(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientResources.builder().threadNamePrefix(" "))
        .isInstanceOf(IllegalArgumentException.class);
    try (ClientResources r = ClientResources.builder().ioThreads(3).build()) {
      assertThat(r.ioThreads()).isEqualTo(3);
      assertThat(r.toString()).contains("3 I/O threads").doesNotContain("closed");
    }
  }

  @Test
  void refusesToStartOnAnUnusableSessionFile() throws Exception {
    Path file = dir.resolve("bad.session");
    Files.writeString(file, "not a session");
    assertThatThrownBy(() -> TelegramClient.builder().apiId(1).apiHash("h").sessionStore(SessionStore.file(file)).build())
        .isInstanceOf(SessionStoreException.class).hasMessageContaining("bad.session");
    assertThat(Files.readString(file)).isEqualTo("not a session");
  }

  @Test
  void notLoggedInIsTyped() {
    try (TelegramClient c = TelegramClient.builder().apiId(1).apiHash("h").build()) {
      assertThat(c.isLoggedIn()).isFalse();
      assertThatThrownBy(() -> c.self().join()).hasCauseInstanceOf(LoggedOutException.class);
      assertThat(c.mainDc()).isEqualTo(2);
      assertThat(c.session().mainDc()).isEqualTo(2);
      assertThat(c.dc(4).dcId()).isEqualTo(4);
      assertThat(c.dc(4).cdn(203).toString()).contains("CDN DC 203");
      assertThatThrownBy(() -> c.dc(0)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void updatesFromCdnDcsAreDropped() {
    List<String> seen = new ArrayList<>();
    List<String> watched = new ArrayList<>();
    UpdateDispatcher d = new UpdateDispatcher((dc, u) -> seen.add(dc + ":" + u.tlName()));
    Runnable unwatch = d.watch(u -> watched.add(u.tlName()));
    d.dispatch(2, false, new UpdatesTooLong());
    d.dispatch(203, true, new UpdatesTooLong());
    d.dispatch(2, false, new UpdateShort(new UpdateLoginToken(), 1));
    unwatch.run();
    d.dispatch(2, false, new UpdatesTooLong());
    assertThat(seen).containsExactly("2:updatesTooLong", "2:updateShort", "2:updatesTooLong");
    assertThat(watched).containsExactly("updatesTooLong", "updateShort");
  }

  @Test
  void failureClassification() {
    ConnectionClosedException lost = new ConnectionClosedException("closed", TransportException.peerError(-404));
    assertThat(Failures.keyNotFound(new CompletionException(lost))).isTrue();
    assertThat(Failures.keyNotFound(new ConnectionClosedException("closed", TransportException.peerError(-429)))).isFalse();
    assertThat(Failures.keyNotFound(new ConnectionClosedException("closed", null))).isFalse();
    assertThat(Failures.unregistered(RpcException.of(401, "AUTH_KEY_UNREGISTERED"))).isTrue();
    assertThat(Failures.unregistered(RpcException.of(401, "SESSION_PASSWORD_NEEDED"))).isFalse();
    assertThat(Failures.rpcError(new CompletionException(RpcException.of(400, "PHONE_CODE_INVALID")), "PHONE_CODE_INVALID"))
        .isTrue();
  }

  @Test
  void secretsStayOutOfToString() {
    assertThat(Login.botToken("123:SECRET").toString()).doesNotContain("SECRET");
    assertThat(Proxy.socks5("h", 1080, "user", "pa55").toString()).contains("user").doesNotContain("pa55");
    Proxy mt = Proxy.mtProxy("h", 443, "dd8a96ef6e42a18c21837580cd1c91c5a8");
    assertThat(mt.toString()).doesNotContain("8a96ef");
    assertThat(mt.secret().paddingRequired()).isTrue();
    assertThatThrownBy(() -> Proxy.socks5("h", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Proxy.mtProxy("h", 443, "zz")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret");
  }

  @Test
  void personalDataIsMaskedInEveryLoginText() {
    Login.UserAuthenticator never = new Login.UserAuthenticator() {
      @Override
      public java.util.concurrent.CompletionStage<String> code(Login.CodeRequest request) {
        throw new AssertionError();
      }

      @Override
      public java.util.concurrent.CompletionStage<String> password(Login.PasswordRequest request) {
        throw new AssertionError();
      }
    };
    String phone = "+447700900123";
    assertThat(Login.user(phone, never).toString()).isEqualTo("Login[user +44********23]").doesNotContain("7700900");
    assertThat(Login.user("447700900123", never).toString()).doesNotContain("7700900");
    assertThat(Login.user("+1 (555) 010-9988", never).toString()).doesNotContain("5550109").doesNotContain("010");
    assertThat(Login.user("12345", never).toString()).doesNotContain("123").doesNotContain("45");
    assertThat(Login.botToken("123456:AAE-secret_token").toString()).doesNotContain("123456").doesNotContain("secret");
    assertThat(new Login.CodeRequest(phone, new io.telefetch.tl.api.auth.SentCodeTypeApp(5), 2).toString())
        .doesNotContain("7700900").contains("+44").contains("attempt 2");
    assertThat(new Login.PasswordRequest("my dog's name", 1).toString()).doesNotContain("dog");
    assertThat(new Login.QrToken("tg://login?token=c2VjcmV0LXRva2Vu", java.time.Instant.EPOCH).toString())
        .doesNotContain("c2VjcmV0");
    assertThat(new SignUpRequiredException(phone).getMessage()).doesNotContain("7700900").contains("+44");
  }
}
