package io.telefetch.testkit.e2e.client;

import static io.telefetch.testkit.e2e.client.TestClients.await;
import static io.telefetch.testkit.e2e.client.TestClients.count;
import static io.telefetch.testkit.e2e.client.TestClients.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.PasswordHashInvalidException;
import io.telefetch.mtproto.client.PhoneCodeInvalidException;
import io.telefetch.mtproto.client.SignUpRequiredException;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.api.User;
import io.telefetch.tl.api.auth.SentCodeTypeApp;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bot, phone code, 2FA and QR logins against a three-DC cluster; the client's home DC starts at 1. */
class ClientLoginTest {
  private static TestCluster cluster;
  private static final AtomicInteger PHONES = new AtomicInteger(1000);

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(3).build().start();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static TelegramClient client() {
    return TestClients.builder(cluster).build();
  }

  private static WorldUser user(int dc, String password) {
    return cluster.world().user("User" + PHONES.get()).phone("+1555" + PHONES.incrementAndGet()).dc(dc)
        .password(password).create();
  }

  /** Answers with the given codes and passwords in turn and records what was asked. */
  private static final class Scripted implements Login.UserAuthenticator {
    final List<Object> asked = new CopyOnWriteArrayList<>();
    private final String[] codes;
    private final String[] passwords;

    Scripted(String[] codes, String... passwords) {
      this.codes = codes;
      this.passwords = passwords;
    }

    @Override
    public CompletionStage<String> code(Login.CodeRequest request) {
      asked.add(request);
      return CompletableFuture.completedFuture(codes[Math.min(request.attempt(), codes.length) - 1]);
    }

    @Override
    public CompletionStage<String> password(Login.PasswordRequest request) {
      asked.add(request);
      return CompletableFuture.supplyAsync(() -> passwords[Math.min(request.attempt(), passwords.length) - 1]);
    }
  }

  @Test
  void botLoginOnTheHomeDc() {
    WorldUser bot = cluster.world().bot("home_bot").dc(1).create();
    try (TelegramClient client = client()) {
      User me = await(client.login(Login.botToken(bot.botToken().orElseThrow())));
      assertThat(me.id()).isEqualTo(bot.id());
      assertThat(me.bot()).isTrue();
      assertThat(client.isLoggedIn()).isTrue();
      assertThat(await(client.self()).id()).isEqualTo(bot.id());
      assertThat(client.mainDc()).isEqualTo(1);
      assertThat(client.session().userId()).isEqualTo(bot.id());
      assertThat(client.session().bot()).isTrue();
    }
  }

  @Test
  void userMigrateOnLoginMovesTheHomeDc() {
    WorldUser bot = cluster.world().bot("far_bot").dc(3).create();
    long before = count(cluster, 3, "auth.importBotAuthorization");
    try (TelegramClient client = client()) {
      User me = await(client.login(Login.botToken(bot.botToken().orElseThrow())));
      assertThat(me.id()).isEqualTo(bot.id());
      assertThat(client.mainDc()).isEqualTo(3);
      assertThat(client.session().mainDc()).isEqualTo(3);
      assertThat(count(cluster, 3, "auth.importBotAuthorization")).isEqualTo(before + 1);
      assertThat(cluster.dc(3).keys().values().stream().anyMatch(k -> k.userId() == bot.id())).isTrue();
      assertThat(await(client.self()).id()).isEqualTo(bot.id());
    }
  }

  @Test
  void userLoginWithCodeAskedAgainAfterAWrongOne() {
    WorldUser alice = user(2, null); // homed on DC 2: sendCode answers PHONE_MIGRATE_2
    Scripted auth = new Scripted(new String[] {"00000", alice.loginCode()});
    try (TelegramClient client = client()) {
      User me = await(client.login(Login.user(alice.phone().orElseThrow(), auth)));
      assertThat(me.id()).isEqualTo(alice.id());
      assertThat(client.mainDc()).isEqualTo(2);
      assertThat(auth.asked).hasSize(2);
      Login.CodeRequest first = (Login.CodeRequest) auth.asked.get(0);
      assertThat(first.attempt()).isEqualTo(1);
      assertThat(first.type()).isInstanceOf(SentCodeTypeApp.class);
      assertThat(((Login.CodeRequest) auth.asked.get(1)).attempt()).isEqualTo(2);
    }
  }

  @Test
  void wrongCodeThreeTimesIsATypedError() {
    WorldUser bob = user(1, null);
    Scripted auth = new Scripted(new String[] {"1", "2", "3"});
    try (TelegramClient client = client()) {
      Throwable e = failure(client.login(Login.user(bob.phone().orElseThrow(), auth)));
      assertThat(e).isInstanceOf(PhoneCodeInvalidException.class);
      assertThat(((PhoneCodeInvalidException) e).errorMessage()).isEqualTo("PHONE_CODE_INVALID");
      assertThat(auth.asked).hasSize(3);
      assertThat(client.isLoggedIn()).isFalse();
    }
  }

  @Test
  void userLoginWithTwoFactorPassword() {
    WorldUser carol = user(1, "correct horse");
    Scripted auth = new Scripted(new String[] {carol.loginCode()}, "correct horse");
    try (TelegramClient client = client()) {
      User me = await(client.login(Login.user(carol.phone().orElseThrow(), auth)));
      assertThat(me.id()).isEqualTo(carol.id());
      assertThat(auth.asked).hasSize(2).last().isInstanceOf(Login.PasswordRequest.class);
      assertThat(count(cluster, 1, "auth.checkPassword")).isPositive();
      assertThat(await(client.self()).id()).isEqualTo(carol.id());
    }
  }

  @Test
  void wrongPasswordIsAskedAgainThenATypedError() {
    WorldUser dave = user(1, "right");
    Scripted auth = new Scripted(new String[] {dave.loginCode()}, "wrong1", "wrong2", "wrong3");
    try (TelegramClient client = client()) {
      Throwable e = failure(client.login(Login.user(dave.phone().orElseThrow(), auth)));
      assertThat(e).isInstanceOf(PasswordHashInvalidException.class);
      assertThat(auth.asked.stream().filter(a -> a instanceof Login.PasswordRequest).map(
          a -> ((Login.PasswordRequest) a).attempt())).containsExactly(1, 2, 3);
      assertThat(client.isLoggedIn()).isFalse();
    }
  }

  @Test
  void unknownPhoneNeedsSignUp() {
    Scripted auth = new Scripted(new String[] {"12345"});
    try (TelegramClient client = client()) {
      assertThat(failure(client.login(Login.user("+1999" + PHONES.incrementAndGet(), auth))))
          .isInstanceOf(SignUpRequiredException.class);
    }
  }

  @Test
  void qrLogin() throws Exception {
    WorldUser erin = user(1, null);
    BlockingQueue<Login.QrToken> shown = new LinkedBlockingQueue<>();
    try (TelegramClient client = client()) {
      CompletableFuture<User> login = client.login(Login.qr(shown::add, Duration.ofMillis(100)));
      Login.QrToken token = shown.poll(20, TimeUnit.SECONDS);
      assertThat(token).isNotNull();
      assertThat(token.url()).startsWith("tg://login?token=");
      assertThat(token.expires()).isAfter(java.time.Instant.now());
      cluster.world().acceptLoginToken(decode(token), erin);
      assertThat(await(login).id()).isEqualTo(erin.id());
      assertThat(client.mainDc()).isEqualTo(1);
      assertThat(shown).isEmpty(); // the same token is not shown again
    }
  }

  @Test
  void qrLoginOfAUserOnAnotherDcWithTwoFactorPassword() throws Exception {
    WorldUser frank = user(3, "qr pass");
    BlockingQueue<Login.QrToken> shown = new LinkedBlockingQueue<>();
    AtomicInteger asked = new AtomicInteger();
    Login.QrCallback callback = new Login.QrCallback() {
      @Override
      public void onToken(Login.QrToken token) {
        shown.add(token);
      }

      @Override
      public CompletionStage<String> password(Login.PasswordRequest request) {
        asked.incrementAndGet();
        return CompletableFuture.completedFuture("qr pass");
      }
    };
    try (TelegramClient client = client()) {
      CompletableFuture<User> login = client.login(Login.qr(callback, Duration.ofMillis(100)));
      cluster.world().acceptLoginToken(decode(shown.poll(20, TimeUnit.SECONDS)), frank);
      assertThat(await(login).id()).isEqualTo(frank.id());
      assertThat(client.mainDc()).isEqualTo(3);
      assertThat(asked.get()).isEqualTo(1);
      assertThat(count(cluster, 3, "auth.importLoginToken")).isPositive();
    }
  }

  private static byte[] decode(Login.QrToken token) {
    return Base64.getUrlDecoder().decode(token.url().substring("tg://login?token=".length()));
  }
}
