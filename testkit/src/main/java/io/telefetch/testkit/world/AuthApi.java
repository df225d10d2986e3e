package io.telefetch.testkit.world;

import io.telefetch.mtproto.crypto.Srp;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.CallContext;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.InputCheckPasswordSRP;
import io.telefetch.tl.api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow;
import io.telefetch.tl.api.SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000;
import io.telefetch.tl.api.account.GetPassword;
import io.telefetch.tl.api.account.Password;
import io.telefetch.tl.api.auth.Authorization;
import io.telefetch.tl.api.auth.AuthorizationSignUpRequired;
import io.telefetch.tl.api.auth.CheckPassword;
import io.telefetch.tl.api.auth.ExportAuthorization;
import io.telefetch.tl.api.auth.ExportLoginToken;
import io.telefetch.tl.api.auth.ExportedAuthorization;
import io.telefetch.tl.api.auth.ImportAuthorization;
import io.telefetch.tl.api.auth.ImportBotAuthorization;
import io.telefetch.tl.api.auth.ImportLoginToken;
import io.telefetch.tl.api.auth.LogOut;
import io.telefetch.tl.api.auth.LoggedOut;
import io.telefetch.tl.api.auth.LoginToken;
import io.telefetch.tl.api.auth.LoginTokenMigrateTo;
import io.telefetch.tl.api.auth.LoginTokenSuccess;
import io.telefetch.tl.api.auth.SendCode;
import io.telefetch.tl.api.auth.SentCode;
import io.telefetch.tl.api.auth.SentCodeTypeApp;
import io.telefetch.tl.api.auth.SignIn;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Logins: bot tokens, phone codes with 2FA (SRP), QR tokens, and authorization transfer between
 * DCs. A login binds the user to the call's auth key ({@code KeyState.bindUser}).
 */
final class AuthApi {
  private final TestCluster cluster;
  private final World world;
  private final AuthState state;

  AuthApi(TestCluster cluster, World world) {
    this.cluster = cluster;
    this.world = world;
    this.state = world.auth;
  }

  /** The answer (a value or a future), or null if {@code method} is not an auth method. */
  Object handle(CallContext ctx, TlMethod<?> method) {
    if (method instanceof ImportBotAuthorization m) {
      return importBot(ctx, m);
    } else if (method instanceof SendCode m) {
      return sendCode(ctx, m);
    } else if (method instanceof SignIn m) {
      return signIn(ctx, m);
    } else if (method instanceof GetPassword) {
      return getPassword(ctx);
    } else if (method instanceof CheckPassword m) {
      return checkPassword(ctx, m);
    } else if (method instanceof ExportLoginToken m) {
      return exportLoginToken(ctx, m);
    } else if (method instanceof ImportLoginToken m) {
      return importLoginToken(ctx, m);
    } else if (method instanceof ExportAuthorization m) {
      return exportAuthorization(ctx, m);
    } else if (method instanceof ImportAuthorization m) {
      return importAuthorization(ctx, m);
    } else if (method instanceof LogOut) {
      Errors.requireUser(ctx, world);
      ctx.key().bindUser(0);
      return new LoggedOut(null);
    }
    return null;
  }

  private Authorization bind(CallContext ctx, WorldUser user) {
    state.clearPending(ctx.authKey().id());
    ctx.key().bindUser(user.id());
    return new Authorization(false, null, null, null, new TlViews(world, user.id()).user(user));
  }

  private void checkApi(int apiId, String apiHash) {
    if (!world.apiCredentialsValid(apiId, apiHash)) {
      throw Errors.badRequest("API_ID_INVALID");
    }
  }

  private Object importBot(CallContext ctx, ImportBotAuthorization m) {
    checkApi(m.apiId(), m.apiHash());
    WorldUser bot = world.botByToken(m.botAuthToken()).orElseThrow(() -> Errors.badRequest("ACCESS_TOKEN_INVALID"));
    if (bot.dc() != ctx.dc().id()) {
      throw Errors.migrate("USER", bot.dc());
    }
    return bind(ctx, bot);
  }

  private Object sendCode(CallContext ctx, SendCode m) {
    checkApi(m.apiId(), m.apiHash());
    String phone = m.phoneNumber().replaceAll("[^0-9]", "");
    if (phone.length() < 5) {
      throw Errors.badRequest("PHONE_NUMBER_INVALID");
    }
    WorldUser user = world.userByPhone(phone).orElse(null);
    if (user != null && user.dc() != ctx.dc().id()) {
      throw Errors.migrate("PHONE", user.dc());
    }
    String hash = state.sendCode(phone, ctx.dc().id());
    int length = user == null ? World.DEFAULT_LOGIN_CODE.length() : user.loginCode().length();
    return new SentCode(new SentCodeTypeApp(length), hash, null, null);
  }

  private Object signIn(CallContext ctx, SignIn m) {
    if (m.phoneCode() == null || m.phoneCode().isEmpty()) {
      throw Errors.badRequest("PHONE_CODE_EMPTY");
    }
    if (m.phoneCodeHash().isEmpty()) {
      throw Errors.badRequest("PHONE_CODE_HASH_EMPTY");
    }
    String phone = m.phoneNumber().replaceAll("[^0-9]", "");
    AuthState.PendingCode code = state.code(m.phoneCodeHash()).filter(c -> c.phone().equals(phone))
        .orElseThrow(() -> Errors.badRequest("PHONE_CODE_EXPIRED"));
    WorldUser user = world.userByPhone(phone).orElse(null);
    if (user == null) {
      return new AuthorizationSignUpRequired(null);
    }
    if (user.dc() != ctx.dc().id()) {
      throw Errors.migrate("USER", user.dc());
    }
    if (code.dc() != ctx.dc().id()) {
      throw Errors.badRequest("PHONE_CODE_EXPIRED");
    }
    if (!user.loginCode().equals(m.phoneCode())) {
      throw Errors.badRequest("PHONE_CODE_INVALID");
    }
    state.consumeCode(m.phoneCodeHash());
    return loginOrPassword(ctx, user);
  }

  /** Binds {@code user}, or marks the key as waiting for the 2FA password (SESSION_PASSWORD_NEEDED). */
  private Authorization loginOrPassword(CallContext ctx, WorldUser user) {
    if (user.password().isPresent()) {
      state.passwordPending(ctx.authKey().id(), user.id());
      throw Errors.unauthorized("SESSION_PASSWORD_NEEDED");
    }
    return bind(ctx, user);
  }

  private Object getPassword(CallContext ctx) {
    long keyId = ctx.authKey().id();
    long userId = ctx.key().userId() != 0 ? ctx.key().userId()
        : state.pendingPassword(keyId).orElseThrow(() -> Errors.unauthorized("AUTH_KEY_UNREGISTERED"));
    WorldUser user = world.user(userId).orElseThrow(() -> Errors.unauthorized("AUTH_KEY_UNREGISTERED"));
    SecureRandom random = state.secureRandom();
    byte[] newSalt1 = new byte[8];
    byte[] newSalt2 = new byte[16];
    byte[] secureSalt = new byte[8];
    byte[] secureRandom = new byte[32];
    random.nextBytes(newSalt1);
    random.nextBytes(newSalt2);
    random.nextBytes(secureSalt);
    random.nextBytes(secureRandom);
    var newAlgo = algo(newSalt1, newSalt2);
    var newSecureAlgo = new SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000(TlBytes.wrap(secureSalt));
    if (user.password().isEmpty()) {
      return new Password(false, false, false, null, null, null, null, null, newAlgo, newSecureAlgo,
          TlBytes.wrap(secureRandom), null, null);
    }
    return CompletableFuture.supplyAsync(() -> {
      Srp.Params params = AuthState.params(user);
      Srp.ServerChallenge srp = Srp.ServerChallenge.create(params, state.verifier(user), random);
      long srpId = state.newChallenge(keyId, user, srp);
      return new Password(false, false, true, algo(params.salt1(), params.salt2()), TlBytes.wrap(srp.srpB()), srpId,
          null, null, newAlgo, newSecureAlgo, TlBytes.wrap(secureRandom), null, null);
    });
  }

  private static PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow algo(byte[] salt1, byte[] salt2) {
    return new PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(TlBytes.wrap(salt1),
        TlBytes.wrap(salt2), AuthState.SRP_G, TlBytes.wrap(AuthState.SRP_P));
  }

  private Object checkPassword(CallContext ctx, CheckPassword m) {
    if (!(m.password() instanceof InputCheckPasswordSRP srp)) {
      throw Errors.badRequest("PASSWORD_HASH_INVALID");
    }
    AuthState.Challenge challenge = state.challenge(srp.srpId())
        .filter(c -> c.authKeyId() == ctx.authKey().id())
        .orElseThrow(() -> Errors.badRequest("SRP_ID_INVALID"));
    state.endChallenge(srp.srpId());
    WorldUser user = world.user(challenge.userId()).orElseThrow(() -> Errors.badRequest("SRP_ID_INVALID"));
    return CompletableFuture.supplyAsync(() -> {
      if (!challenge.srp().verify(srp.A().toByteArray(), srp.M1().toByteArray())) {
        throw Errors.badRequest("PASSWORD_HASH_INVALID");
      }
      return bind(ctx, user);
    });
  }

  private Object exportLoginToken(CallContext ctx, ExportLoginToken m) {
    checkApi(m.apiId(), m.apiHash());
    long keyId = ctx.authKey().id();
    AuthState.LoginToken previous = state.loginTokenOf(keyId).orElse(null);
    if (previous != null && previous.acceptedUserId != 0) {
      return redeem(ctx, previous);
    }
    AuthState.LoginToken t = state.exportLoginToken(keyId);
    return new LoginToken((int) (t.expiresMillis / 1000), TlBytes.wrap(t.token));
  }

  private Object importLoginToken(CallContext ctx, ImportLoginToken m) {
    AuthState.LoginToken t = state.loginToken(m.token().toByteArray())
        .orElseThrow(() -> Errors.badRequest("AUTH_TOKEN_INVALID"));
    if (t.acceptedUserId == 0) {
      if (state.expired(t)) {
        throw Errors.badRequest("AUTH_TOKEN_EXPIRED");
      }
      return new LoginToken((int) (t.expiresMillis / 1000), TlBytes.wrap(t.token));
    }
    return redeem(ctx, t);
  }

  /** An accepted QR token: migrate to the user's DC, or log in (possibly after the password). */
  private Object redeem(CallContext ctx, AuthState.LoginToken t) {
    WorldUser user = world.user(t.acceptedUserId).orElseThrow(() -> Errors.badRequest("AUTH_TOKEN_INVALID"));
    if (user.dc() != ctx.dc().id()) {
      return new LoginTokenMigrateTo(user.dc(), TlBytes.wrap(t.token));
    }
    state.finishLoginToken(t);
    return new LoginTokenSuccess(loginOrPassword(ctx, user));
  }

  private Object exportAuthorization(CallContext ctx, ExportAuthorization m) {
    WorldUser user = Errors.requireUser(ctx, world);
    boolean known = cluster.dcs().stream().anyMatch(d -> d.id() == m.dcId() && !d.cdn());
    if (m.dcId() == ctx.dc().id() || !known) {
      throw Errors.badRequest("DC_ID_INVALID");
    }
    return new ExportedAuthorization(user.id(), TlBytes.wrap(state.export(user.id(), m.dcId())));
  }

  private Object importAuthorization(CallContext ctx, ImportAuthorization m) {
    DcServer dc = ctx.dc();
    AuthState.Exported e = state.exported(m.bytes().toByteArray())
        .filter(x -> x.dcId() == dc.id() && x.userId() == m.id())
        .orElseThrow(() -> Errors.badRequest("AUTH_BYTES_INVALID"));
    WorldUser user = world.user(e.userId()).orElseThrow(() -> Errors.badRequest("AUTH_BYTES_INVALID"));
    return bind(ctx, user);
  }
}
