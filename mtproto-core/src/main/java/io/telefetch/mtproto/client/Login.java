package io.telefetch.mtproto.client;

import io.telefetch.tl.api.auth.SentCodeTypeType;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * How to log in, passed to {@link TelegramClient#login(Login)}: a bot token, a phone number with a
 * callback that supplies the code and the 2FA password, or a QR code shown to a logged-in device.
 *
 * <p>The callbacks return a {@link CompletionStage}, so a command-line app can answer at once
 * ({@code CompletableFuture.completedFuture(console.readLine())}) and a GUI app when the user has
 * typed; they are called on the client's callback executor, one at a time.
 */
public final class Login {
  enum Kind { BOT, USER, QR }

  /** How many times a wrong code or password is asked again before the login fails. */
  static final int MAX_ATTEMPTS = 3;

  final Kind kind;
  final String botToken;
  final String phoneNumber;
  final UserAuthenticator authenticator;
  final QrCallback qrCallback;
  final Duration qrPollInterval;

  private Login(Kind kind, String botToken, String phoneNumber, UserAuthenticator authenticator, QrCallback qr,
      Duration qrPollInterval) {
    this.kind = kind;
    this.botToken = botToken;
    this.phoneNumber = phoneNumber;
    this.authenticator = authenticator;
    this.qrCallback = qr;
    this.qrPollInterval = qrPollInterval;
  }

  /** A bot login with the token from @BotFather ({@code auth.importBotAuthorization}). */
  public static Login botToken(String token) {
    return new Login(Kind.BOT, Objects.requireNonNull(token, "token"), null, null, null, null);
  }

  /**
   * A user login: {@code auth.sendCode} to {@code phoneNumber}, the code from {@code
   * authenticator}, {@code auth.signIn}, and when the account has a password, the SRP check with
   * the password from {@code authenticator}. A wrong code or password is asked again up to three
   * times before the login fails with {@link PhoneCodeInvalidException} or {@link
   * PasswordHashInvalidException}.
   */
  public static Login user(String phoneNumber, UserAuthenticator authenticator) {
    return new Login(Kind.USER, null, Objects.requireNonNull(phoneNumber, "phoneNumber"),
        Objects.requireNonNull(authenticator, "authenticator"), null, null);
  }

  /**
   * A QR login: the callback receives {@code tg://login?token=...} URLs to show (a new one when
   * the previous expires) until a logged-in device accepts one. The client re-checks the token when
   * the server pushes {@code updateLoginToken} and when the token expires.
   */
  public static Login qr(QrCallback callback) {
    return qr(callback, null);
  }

  /** Like {@link #qr(QrCallback)}, and also re-checks every {@code pollInterval} (null: never). */
  public static Login qr(QrCallback callback, @Nullable Duration pollInterval) {
    return new Login(Kind.QR, null, null, null, Objects.requireNonNull(callback, "callback"), pollInterval);
  }

  /** Never shows the token; the phone number only masked ({@code +44******89}). */
  @Override
  public String toString() {
    return switch (kind) {
      case BOT -> "Login[bot token]";
      case USER -> "Login[user " + Masks.phone(phoneNumber) + "]";
      case QR -> "Login[QR]";
    };
  }

  /** Supplies the login code and the 2FA password of a user login. */
  public interface UserAuthenticator {
    /** The code Telegram sent (by app, SMS...). */
    CompletionStage<String> code(CodeRequest request);

    /** The account's 2FA password. */
    CompletionStage<String> password(PasswordRequest request);
  }

  /** Shows QR login tokens, and supplies the 2FA password when the account has one. */
  public interface QrCallback {
    /** A token to show as a QR code; replaces any earlier one. */
    void onToken(QrToken token);

    /** The account's 2FA password; by default the login fails with SESSION_PASSWORD_NEEDED. */
    default CompletionStage<String> password(PasswordRequest request) {
      return CompletableFuture.failedFuture(new LoginException(
          "the account has a 2FA password and the QR callback supplies none"));
    }
  }

  /**
   * A request for the login code.
   *
   * @param phoneNumber where the code went
   * @param type how it was sent ({@code auth.sentCodeTypeApp}, {@code auth.sentCodeTypeSms}...)
   * @param attempt 1 for the first ask, more after a wrong code
   */
  public record CodeRequest(String phoneNumber, SentCodeTypeType type, int attempt) {
    /** The phone number masked. */
    @Override
    public String toString() {
      return "CodeRequest[" + Masks.phone(phoneNumber) + ", " + (type == null ? null : type.tlName()) + ", attempt "
          + attempt + "]";
    }
  }

  /**
   * A request for the 2FA password.
   *
   * @param hint the account's password hint, or null
   * @param attempt 1 for the first ask, more after a wrong password
   */
  public record PasswordRequest(@Nullable String hint, int attempt) {
    /** Never shows the hint (it may give the password away). */
    @Override
    public String toString() {
      return "PasswordRequest[" + (hint == null || hint.isEmpty() ? "no hint" : "hint ***") + ", attempt " + attempt + "]";
    }
  }

  /**
   * A QR login token.
   *
   * @param url {@code tg://login?token=<base64url>}: what the QR code encodes
   * @param expires when the server stops accepting it
   */
  public record QrToken(String url, Instant expires) {
    /** Never shows the token (whoever has it can take over the login). */
    @Override
    public String toString() {
      return "QrToken[tg://login?token=***, expires " + expires + "]";
    }
  }
}
