package io.telefetch.mtproto.client;

import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.CodeSettings;
import io.telefetch.tl.api.UpdateLoginToken;
import io.telefetch.tl.api.UpdateShort;
import io.telefetch.tl.api.Updates;
import io.telefetch.tl.api.UpdatesType;
import io.telefetch.tl.api.User;
import io.telefetch.tl.api.account.GetPassword;
import io.telefetch.tl.api.account.Password;
import io.telefetch.tl.api.auth.Authorization;
import io.telefetch.tl.api.auth.AuthorizationSignUpRequired;
import io.telefetch.tl.api.auth.AuthorizationType;
import io.telefetch.tl.api.auth.CheckPassword;
import io.telefetch.tl.api.auth.ExportLoginToken;
import io.telefetch.tl.api.auth.ImportBotAuthorization;
import io.telefetch.tl.api.auth.ImportLoginToken;
import io.telefetch.tl.api.auth.LoginToken;
import io.telefetch.tl.api.auth.LoginTokenMigrateTo;
import io.telefetch.tl.api.auth.LoginTokenSuccess;
import io.telefetch.tl.api.auth.LoginTokenType;
import io.telefetch.tl.api.auth.SendCode;
import io.telefetch.tl.api.auth.SentCode;
import io.telefetch.tl.api.auth.SentCodeSuccess;
import io.telefetch.tl.api.auth.SignIn;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/** Runs a {@link Login}: bot token, phone code with 2FA, or QR code. */
final class LoginFlow {
  private final ClientOptions options;
  private final Calls calls;
  private final Account account;
  private final Router router;
  private final UpdateDispatcher updates;
  private final Supplier<CompletableFuture<User>> self;

  LoginFlow(ClientOptions options, Calls calls, Account account, Router router, UpdateDispatcher updates,
      Supplier<CompletableFuture<User>> self) {
    this.options = options;
    this.calls = calls;
    this.account = account;
    this.router = router;
    this.updates = updates;
    this.self = self;
  }

  /** Logs in, or, when the session is still logged in, returns the current user without a login call. */
  CompletableFuture<User> login(Login login) {
    if (!account.loggedIn()) {
      return run(login);
    }
    return self.get().handle((u, e) -> {
      if (e == null) {
        return CompletableFuture.completedFuture(u);
      }
      return Failures.unwrap(e) instanceof LoggedOutException ? run(login) : CompletableFuture.<User>failedFuture(Failures.unwrap(e));
    }).thenCompose(f -> f);
  }

  private CompletableFuture<User> run(Login login) {
    return switch (login.kind) {
      case BOT -> call(new ImportBotAuthorization(0, options.identity.apiId(), options.identity.apiHash(), login.botToken))
          .thenCompose(a -> authorized(a, null));
      case USER -> user(login);
      case QR -> qr(login);
    };
  }

  private <R> CompletableFuture<R> call(TlMethod<R> method) {
    return calls.call(Route.HOME, method);
  }

  private CompletableFuture<User> authorized(AuthorizationType a, String phone) {
    if (a instanceof AuthorizationSignUpRequired) {
      return CompletableFuture.failedFuture(new SignUpRequiredException(phone));
    }
    if (!(a instanceof Authorization auth) || !(auth.user() instanceof User user)) {
      return CompletableFuture.failedFuture(new io.telefetch.mtproto.rpc.ProtocolViolationException("unexpected login answer " + (a == null ? "null" : a.tlName())));
    }
    account.loggedIn(user);
    options.events.loggedIn(user.id(), user.bot());
    return CompletableFuture.completedFuture(user);
  }

  // ------------------------------------------------------------------ phone code + 2FA

  private CompletableFuture<User> user(Login login) {
    SendCode send = new SendCode(login.phoneNumber, options.identity.apiId(), options.identity.apiHash(), CodeSettings.builder().build());
    return call(send).thenCompose(sent -> {
      if (sent instanceof SentCodeSuccess s) {
        return authorized(s.authorization(), login.phoneNumber);
      }
      if (!(sent instanceof SentCode code)) {
        return CompletableFuture.failedFuture(new LoginException("cannot log in: the server answered " + sent.tlName()));
      }
      return askCode(login, code, 1);
    });
  }

  private CompletableFuture<User> askCode(Login login, SentCode sent, int attempt) {
    Login.CodeRequest request = new Login.CodeRequest(login.phoneNumber, sent.type(), attempt);
    return ask(() -> login.authenticator.code(request))
        .thenCompose(code -> call(new SignIn(login.phoneNumber, sent.phoneCodeHash(), code.trim(), null)))
        .handle((auth, e) -> {
          if (e == null) {
            return authorized(auth, login.phoneNumber);
          }
          Throwable cause = Failures.unwrap(e);
          if (Failures.rpcError(cause, "PHONE_CODE_INVALID")) {
            return attempt < Login.MAX_ATTEMPTS ? askCode(login, sent, attempt + 1)
                : CompletableFuture.<User>failedFuture(new PhoneCodeInvalidException((RpcException) cause));
          }
          if (Failures.rpcError(cause, "SESSION_PASSWORD_NEEDED")) {
            return password(login.authenticator::password, 1);
          }
          return CompletableFuture.<User>failedFuture(cause);
        }).thenCompose(f -> f);
  }

  private CompletableFuture<User> password(Function<Login.PasswordRequest, CompletionStage<String>> source, int attempt) {
    return call(new GetPassword()).thenCompose(p -> {
      Password password = (Password) p;
      return ask(() -> source.apply(new Login.PasswordRequest(password.hint(), attempt)))
          .thenApplyAsync(text -> Passwords.check(password, text, options.random), options.callbackExecutor);
    }).thenCompose(check -> call(new CheckPassword(check))).handle((auth, e) -> {
      if (e == null) {
        return authorized(auth, null);
      }
      Throwable cause = Failures.unwrap(e);
      if (Failures.rpcError(cause, "PASSWORD_HASH_INVALID")) {
        return attempt < Login.MAX_ATTEMPTS ? password(source, attempt + 1)
            : CompletableFuture.<User>failedFuture(new PasswordHashInvalidException((RpcException) cause));
      }
      return CompletableFuture.<User>failedFuture(cause);
    }).thenCompose(f -> f);
  }

  /** Calls a user callback on the callback executor; a callback that throws fails the login. */
  private CompletableFuture<String> ask(Supplier<CompletionStage<String>> callback) {
    return CompletableFuture.supplyAsync(callback, options.callbackExecutor)
        .thenCompose(stage -> stage == null ? CompletableFuture.failedFuture(new NullPointerException("callback returned null"))
            : stage.toCompletableFuture())
        .thenApply(s -> {
          if (s == null) {
            throw new NullPointerException("callback supplied null");
          }
          return s;
        });
  }

  // ------------------------------------------------------------------ QR

  private CompletableFuture<User> qr(Login login) {
    CompletableFuture<User> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<Void>> signal = new AtomicReference<>(new CompletableFuture<>());
    Runnable unwatch = updates.watch(u -> {
      if (carriesLoginToken(u)) {
        signal.get().complete(null);
      }
    });
    result.whenComplete((u, e) -> unwatch.run());
    qrExport(login, signal, null, result);
    return result;
  }

  private void qrExport(Login login, AtomicReference<CompletableFuture<Void>> signal, byte[] shown,
      CompletableFuture<User> result) {
    if (result.isDone()) {
      return; // cancelled by the caller
    }
    qrAnswer(login, call(new ExportLoginToken(options.identity.apiId(), options.identity.apiHash(), List.of())))
        .whenComplete((token, e) -> {
          if (e != null) {
            result.completeExceptionally(Failures.unwrap(e));
          } else if (token.user != null) {
            result.complete(token.user);
          } else {
            waitForAcceptance(login, signal, shown, token.token, result);
          }
        });
  }

  /** What an export or import answered: a user (done) or a token to show. */
  private record QrStep(User user, LoginToken token) {}

  private CompletableFuture<QrStep> qrAnswer(Login login, CompletableFuture<LoginTokenType> call) {
    return call.handle((t, e) -> {
      if (e != null) {
        Throwable cause = Failures.unwrap(e);
        if (Failures.rpcError(cause, "SESSION_PASSWORD_NEEDED")) {
          return password(login.qrCallback::password, 1).thenApply(u -> new QrStep(u, null));
        }
        return CompletableFuture.<QrStep>failedFuture(cause);
      }
      if (t instanceof LoginTokenSuccess s) {
        return authorized(s.authorization(), null).thenApply(u -> new QrStep(u, null));
      }
      if (t instanceof LoginTokenMigrateTo m) {
        return router.switchHome(m.dcId(), "auth.loginTokenMigrateTo", null).thenCompose(v -> qrAnswer(login, call(new ImportLoginToken(m.token()))));
      }
      return CompletableFuture.completedFuture(new QrStep(null, (LoginToken) t));
    }).thenCompose(f -> f);
  }

  private void waitForAcceptance(Login login, AtomicReference<CompletableFuture<Void>> signal, byte[] shown,
      LoginToken token, CompletableFuture<User> result) {
    byte[] bytes = token.token().toByteArray();
    CompletableFuture<Void> accepted = new CompletableFuture<>();
    signal.set(accepted);
    if (!Arrays.equals(bytes, shown)) {
      String url = "tg://login?token=" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      try {
        login.qrCallback.onToken(new Login.QrToken(url, Instant.ofEpochSecond(token.expires())));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        return;
      }
    }
    long untilExpiry = Math.max(0, token.expires() * 1000L - options.clock.millis());
    Duration wait = Duration.ofMillis(untilExpiry);
    if (login.qrPollInterval != null && login.qrPollInterval.compareTo(wait) < 0) {
      wait = login.qrPollInterval;
    }
    CompletableFuture.anyOf(accepted, options.scheduler.sleep(wait))
        .whenComplete((x, e) -> qrExport(login, signal, bytes, result));
  }

  private static boolean carriesLoginToken(UpdatesType u) {
    if (u instanceof UpdateShort s) {
      return s.update() instanceof UpdateLoginToken;
    }
    return u instanceof Updates all && all.updates().stream().anyMatch(x -> x instanceof UpdateLoginToken);
  }
}
