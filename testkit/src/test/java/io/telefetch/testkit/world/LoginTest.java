package io.telefetch.testkit.world;

import static io.telefetch.testkit.world.Clients.call;
import static io.telefetch.testkit.world.Clients.error;
import static io.telefetch.testkit.world.Clients.errorMessage;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.mtproto.connection.MtprotoConnection;
import io.telefetch.mtproto.crypto.Srp;
import io.telefetch.mtproto.rpc.MigrateException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.testkit.TestCluster;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.CodeSettings;
import io.telefetch.tl.api.InputCheckPasswordSRP;
import io.telefetch.tl.api.InputUserSelf;
import io.telefetch.tl.api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow;
import io.telefetch.tl.api.User;
import io.telefetch.tl.api.UserType;
import io.telefetch.tl.api.account.GetPassword;
import io.telefetch.tl.api.account.Password;
import io.telefetch.tl.api.auth.Authorization;
import io.telefetch.tl.api.auth.AuthorizationSignUpRequired;
import io.telefetch.tl.api.auth.AuthorizationType;
import io.telefetch.tl.api.auth.CheckPassword;
import io.telefetch.tl.api.auth.ExportAuthorization;
import io.telefetch.tl.api.auth.ExportLoginToken;
import io.telefetch.tl.api.auth.ExportedAuthorization;
import io.telefetch.tl.api.auth.ImportAuthorization;
import io.telefetch.tl.api.auth.ImportBotAuthorization;
import io.telefetch.tl.api.auth.ImportLoginToken;
import io.telefetch.tl.api.auth.LoginToken;
import io.telefetch.tl.api.auth.LoginTokenMigrateTo;
import io.telefetch.tl.api.auth.LoginTokenSuccess;
import io.telefetch.tl.api.auth.LoginTokenType;
import io.telefetch.tl.api.auth.SendCode;
import io.telefetch.tl.api.auth.SentCode;
import io.telefetch.tl.api.auth.SignIn;
import io.telefetch.tl.api.users.GetUsers;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Logins bind a user to the auth key: bot tokens, phone codes, 2FA with SRP, QR tokens, DC transfer. */
class LoginTest {
  private static TestCluster cluster;
  private static Clients clients;
  private static World world;
  private static WorldUser bot;
  private static WorldUser bot2;
  private static WorldUser alice;
  private static WorldUser bob;
  private static WorldUser carol;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(2).build().start();
    clients = new Clients(cluster);
    world = cluster.world();
    bot = world.bot("login_bot").dc(1).create();
    bot2 = world.bot("other_bot").dc(2).create();
    alice = world.user("Alice").username("alice_tk").phone("+1 555 0100").dc(1).loginCode("24680").create();
    bob = world.user("Bob").phone("+1 555 0101").dc(1).password("hunter2").create();
    carol = world.user("Carol").phone("+1 555 0102").dc(2).create();
  }

  @AfterAll
  static void stop() {
    clients.close();
    cluster.close();
  }

  private static User self(MtprotoConnection c) {
    List<UserType> users = call(c, new GetUsers(List.of(new InputUserSelf())));
    return (User) users.get(0);
  }

  private static SentCode sendCode(MtprotoConnection c, WorldUser user) {
    return (SentCode) call(c, new SendCode(user.phone().orElseThrow(), 1, "hash", CodeSettings.builder().build()));
  }

  @Test
  void botLoginBindsTheKey() {
    MtprotoConnection c = clients.connect(cluster.dc(1));
    RpcException before = error(c, new GetUsers(List.of(new InputUserSelf())));
    assertThat(before.code()).isEqualTo(401);
    assertThat(before.errorMessage()).isEqualTo("AUTH_KEY_UNREGISTERED");
    assertThat(errorMessage(c, new ImportBotAuthorization(0, 1, "h", bot.id() + ":wrong")))
        .isEqualTo("ACCESS_TOKEN_INVALID");

    Authorization auth = (Authorization) call(c, new ImportBotAuthorization(0, 1, "h", bot.botToken().orElseThrow()));
    User user = (User) auth.user();
    assertThat(user.id()).isEqualTo(bot.id());
    assertThat(user.bot()).isTrue();
    assertThat(user.self()).isTrue();
    assertThat(user.username()).isEqualTo("login_bot");
    assertThat(cluster.dc(1).keys().get(c.authKey().id()).userId()).isEqualTo(bot.id());
    assertThat(self(c).id()).isEqualTo(bot.id());
    assertThat(self(c).accessHash()).isEqualTo(bot.accessHash());
  }

  @Test
  void aBotHomedElsewhereGetsUserMigrate() {
    MtprotoConnection c = clients.connect(cluster.dc(1));
    RpcException e = error(c, new ImportBotAuthorization(0, 1, "h", bot2.botToken().orElseThrow()));
    assertThat(e).isInstanceOf(MigrateException.class);
    assertThat(e.errorMessage()).isEqualTo("USER_MIGRATE_2");
    assertThat(((MigrateException) e).kind()).isEqualTo(MigrateException.Kind.USER);
    MtprotoConnection home = clients.connect(cluster.dc(2));
    call(home, new ImportBotAuthorization(0, 1, "h", bot2.botToken().orElseThrow()));
    assertThat(self(home).id()).isEqualTo(bot2.id());
  }

  @Test
  void userLogsInWithTheCode() {
    MtprotoConnection c = clients.connect(cluster.dc(1));
    SentCode sent = sendCode(c, alice);
    assertThat(sent.phoneCodeHash()).isNotEmpty();
    String phone = alice.phone().orElseThrow();
    assertThat(errorMessage(c, new SignIn(phone, sent.phoneCodeHash(), "00000", null)))
        .isEqualTo("PHONE_CODE_INVALID");
    assertThat(errorMessage(c, new SignIn(phone, "nope", "24680", null))).isEqualTo("PHONE_CODE_EXPIRED");
    AuthorizationType auth = call(c, new SignIn(phone, sent.phoneCodeHash(), "24680", null));
    assertThat(((User) ((Authorization) auth).user()).id()).isEqualTo(alice.id());
    User me = self(c);
    assertThat(me.phone()).isEqualTo("15550100");
    assertThat(me.username()).isEqualTo("alice_tk");
  }

  @Test
  void phoneHomedElsewhereGetsPhoneMigrateAndUnknownPhonesMustSignUp() {
    MtprotoConnection c = clients.connect(cluster.dc(1));
    RpcException e = error(c, new SendCode(carol.phone().orElseThrow(), 1, "h", CodeSettings.builder().build()));
    assertThat(e.code()).isEqualTo(303);
    assertThat(e.errorMessage()).isEqualTo("PHONE_MIGRATE_2");

    SentCode sent = (SentCode) call(c, new SendCode("+99 999", 1, "h", CodeSettings.builder().build()));
    assertThat(call(c, new SignIn("99999", sent.phoneCodeHash(), "12345", null)))
        .isInstanceOf(AuthorizationSignUpRequired.class);
  }

  @Test
  void twoFactorPasswordWithSrp() {
    MtprotoConnection c = clients.connect(cluster.dc(1));
    SentCode sent = sendCode(c, bob);
    RpcException needed = error(c, new SignIn(bob.phone().orElseThrow(), sent.phoneCodeHash(), "12345", null));
    assertThat(needed.code()).isEqualTo(401);
    assertThat(needed.errorMessage()).isEqualTo("SESSION_PASSWORD_NEEDED");
    assertThat(errorMessage(c, new GetUsers(List.of(new InputUserSelf())))).isEqualTo("AUTH_KEY_UNREGISTERED");

    Password wrongTry = (Password) call(c, new GetPassword());
    assertThat(errorMessage(c, new CheckPassword(check(wrongTry, "letmein")))).isEqualTo("PASSWORD_HASH_INVALID");

    Password password = (Password) call(c, new GetPassword());
    assertThat(password.hasPassword()).isTrue();
    Authorization auth = (Authorization) call(c, new CheckPassword(check(password, "hunter2")));
    assertThat(((User) auth.user()).id()).isEqualTo(bob.id());
    assertThat(self(c).id()).isEqualTo(bob.id());
    assertThat(errorMessage(c, new CheckPassword(check(password, "hunter2")))).isEqualTo("SRP_ID_INVALID");
  }

  private static InputCheckPasswordSRP check(Password p, String password) {
    var algo = (PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow) p.currentAlgo();
    Srp.Params params = Srp.Params.of(algo.salt1().toByteArray(), algo.salt2().toByteArray(), algo.g(),
        algo.p().toByteArray());
    Srp.PasswordCheck check = Srp.computeCheck(password.getBytes(StandardCharsets.UTF_8), params,
        p.srpB().toByteArray(), new SecureRandom());
    return new InputCheckPasswordSRP(p.srpId(), TlBytes.wrap(check.a()), TlBytes.wrap(check.m1()));
  }

  @Test
  void qrLoginOnTheSameDc() {
    MtprotoConnection c = clients.connect(cluster.dc(1));
    LoginToken token = (LoginToken) call(c, new ExportLoginToken(1, "h", List.of()));
    assertThat(token.expires()).isGreaterThan((int) (System.currentTimeMillis() / 1000));
    assertThat(call(c, new ExportLoginToken(1, "h", List.of()))).isInstanceOf(LoginToken.class);
    LoginToken current = (LoginToken) call(c, new ExportLoginToken(1, "h", List.of()));
    world.acceptLoginToken(current.token().toByteArray(), alice);
    LoginTokenType done = call(c, new ExportLoginToken(1, "h", List.of()));
    assertThat(done).isInstanceOf(LoginTokenSuccess.class);
    Authorization auth = (Authorization) ((LoginTokenSuccess) done).authorization();
    assertThat(((User) auth.user()).id()).isEqualTo(alice.id());
    assertThat(self(c).id()).isEqualTo(alice.id());
  }

  @Test
  void qrLoginMigratesToTheUsersDc() {
    MtprotoConnection c = clients.connect(cluster.dc(1));
    LoginToken token = (LoginToken) call(c, new ExportLoginToken(1, "h", List.of()));
    world.acceptLoginToken(token.token().toByteArray(), carol);
    LoginTokenMigrateTo migrate = (LoginTokenMigrateTo) call(c, new ExportLoginToken(1, "h", List.of()));
    assertThat(migrate.dcId()).isEqualTo(2);
    MtprotoConnection home = clients.connect(cluster.dc(2));
    LoginTokenSuccess ok = (LoginTokenSuccess) call(home, new ImportLoginToken(migrate.token()));
    assertThat(((User) ((Authorization) ok.authorization()).user()).id()).isEqualTo(carol.id());
    assertThat(self(home).id()).isEqualTo(carol.id());
    assertThat(errorMessage(home, new ImportLoginToken(TlBytes.wrap(new byte[32])))).isEqualTo("AUTH_TOKEN_INVALID");
  }

  @Test
  void exportAndImportAuthorizationAcrossDcs() {
    MtprotoConnection home = clients.loginBot(bot);
    assertThat(errorMessage(home, new ExportAuthorization(1))).isEqualTo("DC_ID_INVALID");
    assertThat(errorMessage(home, new ExportAuthorization(7))).isEqualTo("DC_ID_INVALID");
    ExportedAuthorization e = (ExportedAuthorization) call(home, new ExportAuthorization(2));
    assertThat(e.id()).isEqualTo(bot.id());

    MtprotoConnection other = clients.connect(cluster.dc(2));
    assertThat(errorMessage(other, new GetUsers(List.of(new InputUserSelf())))).isEqualTo("AUTH_KEY_UNREGISTERED");
    assertThat(errorMessage(other, new ImportAuthorization(e.id(), TlBytes.wrap(new byte[32]))))
        .isEqualTo("AUTH_BYTES_INVALID");
    assertThat(errorMessage(other, new ImportAuthorization(e.id() + 1, e.bytes()))).isEqualTo("AUTH_BYTES_INVALID");
    Authorization auth = (Authorization) call(other, new ImportAuthorization(e.id(), e.bytes()));
    assertThat(((User) auth.user()).id()).isEqualTo(bot.id());
    assertThat(cluster.dc(2).keys().get(other.authKey().id()).userId()).isEqualTo(bot.id());
    assertThat(self(other).id()).isEqualTo(bot.id());

    MtprotoConnection wrongDc = clients.connect(cluster.dc(1));
    assertThat(errorMessage(wrongDc, new ImportAuthorization(e.id(), e.bytes()))).isEqualTo("AUTH_BYTES_INVALID");
  }

  @Test
  void apiCredentialsAreCheckedOnceConfigured() {
    TestCluster strict = TestCluster.builder().dcs(1).build().start();
    try (Clients strictClients = new Clients(strict)) {
      strict.world().apiCredentials(4242, "cafe");
      WorldUser b = strict.world().bot("strict_bot").create();
      MtprotoConnection c = strictClients.connect(strict.dc(1));
      assertThat(errorMessage(c, new ImportBotAuthorization(0, 1, "h", b.botToken().orElseThrow())))
          .isEqualTo("API_ID_INVALID");
      call(c, new ImportBotAuthorization(0, 4242, "cafe", b.botToken().orElseThrow()));
      assertThat(self(c).id()).isEqualTo(b.id());
    } finally {
      strict.close();
    }
  }
}
