package io.telefetch.examples.cli;

import io.telefetch.TelefetchException;
import io.telefetch.link.LinkParseException;
import io.telefetch.link.LinkPreviewException;
import io.telefetch.link.LinkResolveException;
import io.telefetch.media.DownloadException;
import io.telefetch.media.DownloadIOException;
import io.telefetch.media.HashMismatchException;
import io.telefetch.mtproto.client.ClientClosedException;
import io.telefetch.mtproto.client.LoggedOutException;
import io.telefetch.mtproto.client.LoginException;
import io.telefetch.mtproto.client.PasswordHashInvalidException;
import io.telefetch.mtproto.client.PhoneCodeInvalidException;
import io.telefetch.mtproto.client.SessionStoreException;
import io.telefetch.mtproto.client.SignUpRequiredException;
import io.telefetch.mtproto.rpc.FloodWaitException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.mtproto.rpc.ConnectionException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one place that turns an error into what a person reads: one line saying what happened and
 * one hint saying what to do, never a stack trace (unless {@code --debug}). Every typed exception
 * of the SDK that a person can meet is mapped here: login errors, rpc errors, connection errors,
 * session store errors, link and download errors.
 */
public final class CliErrors {
  private CliErrors() {}

  /**
   * What to tell a person.
   *
   * @param message what happened, one line
   * @param hint what to do, one line
   * @param status the exit status
   */
  public record Problem(String message, String hint, int status) {}

  /** Waits for {@code f}, unwrapping its failure; a timeout cancels it. */
  public static <T> T await(CompletableFuture<T> f, Duration timeout) throws Exception {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = unwrap(e);
      throw c instanceof Exception x ? x : new ExecutionException(c);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new TimeoutException("no answer within " + timeout.toSeconds() + " s");
    }
  }

  /** The cause under {@link CompletionException} and {@link ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable e) {
    Throwable c = e;
    for (int i = 0; i < 16 && (c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null; i++) {
      c = c.getCause();
    }
    return c;
  }

  /**
   * Prints {@code telefetch CMD: message} and {@code   hint: ...} (and with {@code debug} the
   * stack trace) to {@code err}; returns the exit status.
   */
  public static int report(PrintStream err, String command, Throwable error, boolean debug) {
    Problem p = describe(error);
    err.println("telefetch " + command + ": " + p.message());
    err.println("  hint: " + p.hint());
    if (debug) {
      unwrap(error).printStackTrace(err);
    }
    err.flush();
    return p.status();
  }

  /** The message and hint for {@code error}. */
  public static Problem describe(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof CliException c) {
      return new Problem(oneLine(c.getMessage()), c.hint(), c.status());
    }
    if (e instanceof PhoneCodeInvalidException) {
      return failed("the login code is wrong (PHONE_CODE_INVALID)",
          "use the latest code Telegram sent (in the app or by SMS) and run telefetch login again");
    }
    if (e instanceof PasswordHashInvalidException) {
      return failed("the two-step verification password is wrong (PASSWORD_HASH_INVALID)",
          "check the password (Settings > Privacy and Security > Two-Step Verification) and run telefetch login again");
    }
    if (e instanceof SignUpRequiredException) {
      return failed("no Telegram account has this phone number", "sign up in a Telegram app first, then log in here");
    }
    if (e instanceof LoginException l) {
      if (String.valueOf(l.getMessage()).contains("2FA")) {
        return passwordNeeded();
      }
      return failed("login failed: " + oneLine(l.getMessage()), "run telefetch login again, or with --debug");
    }
    if (e instanceof FloodWaitException f) {
      return failed("Telegram asks to wait " + f.seconds() + " s before this request (FLOOD_WAIT)",
          "wait that long and try again, or download fewer files at once (-l)");
    }
    if (e instanceof LoggedOutException) {
      return failed("the session is no longer logged in (revoked, or logged out elsewhere)",
          "log in again: telefetch login");
    }
    if (e instanceof RpcException r) {
      return rpc(r);
    }
    if (e instanceof SessionStoreException s) {
      return failed("the session file cannot be used (" + s.kind().name().toLowerCase(java.util.Locale.ROOT) + "): "
              + oneLine(s.getMessage()),
          "delete the file named above and log in again: telefetch login");
    }
    if (e instanceof ConnectionException || e instanceof ConnectException || e instanceof UnknownHostException
        || e instanceof TimeoutException) {
      return failed("cannot reach Telegram: " + oneLine(e.getMessage()),
          "check the network connection (a firewall may block Telegram's ports) and try again");
    }
    if (e instanceof ClientClosedException) {
      return new Problem("interrupted", "run the same command again to go on", 130);
    }
    if (e instanceof LinkParseException p) {
      return failed("not a Telegram link: " + oneLine(p.getMessage()),
          "links look like https://t.me/channel/123, https://t.me/c/1234567890/5 or tg://resolve?domain=...");
    }
    if (e instanceof LinkResolveException r) {
      return failed(oneLine(r.getMessage()), linkHint(r.reason()));
    }
    if (e instanceof LinkPreviewException p) {
      return failed("no public preview: " + oneLine(p.getMessage()), "the link may need an account: telefetch login");
    }
    if (e instanceof HashMismatchException) {
      return failed("the downloaded bytes failed Telegram's hash check: " + oneLine(e.getMessage()),
          "run the same command again; the damaged parts are fetched again");
    }
    if (e instanceof DownloadIOException || e instanceof AccessDeniedException) {
      return failed("cannot write the file: " + oneLine(e.getMessage()),
          "check the output directory (-o): free space, permissions, no symbolic links");
    }
    if (e instanceof DownloadException d) {
      return failed("download failed: " + oneLine(d.getMessage()), "run the same command again to resume");
    }
    if (e instanceof CancellationException) {
      return new Problem("cancelled", "run the same command again to go on", 130);
    }
    if (e instanceof IOException) {
      return failed(oneLine(e.getMessage()), "check the file or directory named above");
    }
    if (e instanceof io.telefetch.examples.ffmpeg.FfmpegException f) {
      return failed(oneLine(f.getMessage()), io.telefetch.examples.ffmpeg.RemuxOptions.HINT);
    }
    if (e instanceof TelefetchException) {
      return failed(oneLine(e.getMessage()), "run again with --debug for the details");
    }
    return failed(e.getClass().getSimpleName() + ": " + oneLine(e.getMessage()),
        "this looks like a bug: run again with --debug and report the stack trace");
  }

  private static Problem rpc(RpcException r) {
    String m = r.errorMessage();
    return switch (m) {
      case "PHONE_CODE_EXPIRED" -> failed("the login code expired (PHONE_CODE_EXPIRED)",
          "run telefetch login again to get a new code, and type it within a few minutes");
      case "PHONE_CODE_INVALID", "PHONE_CODE_EMPTY" -> failed("the login code is wrong (" + m + ")",
          "use the latest code Telegram sent and run telefetch login again");
      case "SESSION_PASSWORD_NEEDED" -> passwordNeeded();
      case "API_ID_INVALID", "API_ID_PUBLISHED_FLOOD" -> failed("Telegram rejects the api_id/api_hash (" + m + ")",
          "copy both from https://my.telegram.org/apps (--api-id, --api-hash, $" + AccountOptions.ENV_API_ID
              + ", $" + AccountOptions.ENV_API_HASH + " or config.properties)");
      case "ACCESS_TOKEN_INVALID", "ACCESS_TOKEN_EXPIRED" -> failed("the bot token is not valid (" + m + ")",
          "copy the token from @BotFather (/mybots > API Token)");
      case "PHONE_NUMBER_INVALID", "PHONE_NUMBER_BANNED", "PHONE_NUMBER_FLOOD" -> failed(
          "Telegram refuses this phone number (" + m + ")", "give the number in international format, e.g. +44 20 7946 0958");
      case "AUTH_KEY_UNREGISTERED", "SESSION_REVOKED", "SESSION_EXPIRED", "USER_DEACTIVATED", "AUTH_KEY_INVALID" ->
          failed("the session is no longer logged in (" + m + ")", "log in again: telefetch login");
      default -> failed("Telegram answered " + r.code() + " " + m, "run again with --debug for the details");
    };
  }

  private static Problem passwordNeeded() {
    return failed("this account has two-step verification: its password is needed (SESSION_PASSWORD_NEEDED)",
        "run telefetch login in a terminal, or give the password on the line after the code");
  }

  private static String linkHint(LinkResolveException.Reason reason) {
    return switch (reason) {
      case USERNAME_NOT_FOUND -> "check the spelling; the channel may have been renamed or deleted";
      case PHONE_NOT_FOUND -> "the number may be hidden by its owner's privacy settings";
      case MESSAGE_NOT_FOUND -> "the post was deleted, or the number in the link is wrong";
      case NO_MEDIA -> "the post holds no file; telefetch info LINK shows what it holds";
      case NOT_A_MEMBER -> "join the channel with this account first (or use its invite link)";
      case PRIVATE -> "the channel is private to this account: join it, or use an account that is a member";
      case INVITE_INVALID -> "ask for a new invite link";
      case STORY_NOT_FOUND -> "stories expire after a day unless pinned";
      case NO_DISCUSSION -> "the post has no comments, or the comment was deleted";
      case USER_ACCOUNT_REQUIRED -> "log in with a user account (telefetch login --phone), not a bot";
      case UNSUPPORTED -> "this kind of link carries no file to download";
      case RPC_ERROR -> "run again with --debug for the details";
    };
  }

  private static Problem failed(String message, String hint) {
    return new Problem(message, hint, CliException.FAILED);
  }

  /** The first line of {@code s} (a message may hold a server's multi-line text). */
  static String oneLine(String s) {
    if (s == null || s.isBlank()) {
      return "(no details)";
    }
    return s.strip().lines().findFirst().orElse("").strip();
  }
}
