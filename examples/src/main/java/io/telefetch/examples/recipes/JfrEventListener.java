package io.telefetch.examples.recipes;

import io.telefetch.mtproto.rpc.CallRoute;
import io.telefetch.mtproto.rpc.EventListener;
import java.time.Duration;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * The client's events as JDK Flight Recorder events (category "Telefetch"): a metrics binding in a
 * few lines, with no dependency. Register it and record as usual ({@code -XX:StartFlightRecording}
 * or {@code jdk.jfr.Recording}); JDK Mission Control or {@code jfr print --events
 * io.telefetch.Retry recording.jfr} shows them.
 *
 * <pre>{@code
 * TelegramClient client = TelegramClient.builder()
 *     .apiId(id).apiHash(hash)
 *     .eventListener(new JfrEventListener())
 *     .build();
 * }</pre>
 *
 * <p>Each event is committed only when its type is enabled in the recording ({@code
 * shouldCommit()}), so an unrecorded listener costs an allocation and a flag check.
 */
public final class JfrEventListener implements EventListener {

  @Override
  public void connected(CallRoute route) {
    ConnectEvent e = new ConnectEvent();
    if (e.shouldCommit()) {
      e.dc = route.dcId();
      e.kind = route.kind().name();
      e.commit();
    }
  }

  @Override
  public void keyCreated(int dcId, boolean cdn) {
    KeyCreatedEvent e = new KeyCreatedEvent();
    if (e.shouldCommit()) {
      e.dc = dcId;
      e.cdn = cdn;
      e.commit();
    }
  }

  @Override
  public void loggedIn(long userId, boolean bot) {
    LoginEvent e = new LoginEvent();
    if (e.shouldCommit()) {
      e.bot = bot; // the user id is personal data: not recorded
      e.commit();
    }
  }

  @Override
  public void migrated(int fromDc, int toDc, String reason) {
    MigrateEvent e = new MigrateEvent();
    if (e.shouldCommit()) {
      e.fromDc = fromDc;
      e.toDc = toDc;
      e.reason = reason;
      e.commit();
    }
  }

  @Override
  public void floodWait(CallRoute route, String method, Duration wait) {
    FloodWaitEvent e = new FloodWaitEvent();
    if (e.shouldCommit()) {
      e.dc = route.dcId();
      e.method = method;
      e.waitMillis = wait.toMillis();
      e.commit();
    }
  }

  @Override
  public void retry(String method, int attempt, Duration delay, Throwable cause) {
    RetryEvent e = new RetryEvent();
    if (e.shouldCommit()) {
      e.method = method;
      e.attempt = attempt;
      e.delayMillis = delay.toMillis();
      e.cause = cause.getClass().getSimpleName();
      e.commit();
    }
  }

  @Override
  public void callEnd(CallRoute route, String method, Duration elapsed, Throwable failure) {
    CallEvent e = new CallEvent();
    if (e.shouldCommit()) {
      e.dc = route.dcId();
      e.method = method;
      e.elapsedNanos = elapsed.toNanos();
      e.failure = failure == null ? null : failure.getClass().getSimpleName();
      e.commit();
    }
  }

  @Override
  public void partFetched(int dcId, long offset, int length) {
    PartFetchedEvent e = new PartFetchedEvent();
    if (e.shouldCommit()) {
      e.dc = dcId;
      e.offset = offset;
      e.bytes = length;
      e.commit();
    }
  }

  @Override
  public void hashMismatch(long offset, int length) {
    HashMismatchEvent e = new HashMismatchEvent();
    if (e.shouldCommit()) {
      e.offset = offset;
      e.bytes = length;
      e.commit();
    }
  }

  @Override
  public void downloadFinished(long bytes, Duration elapsed, Throwable failure) {
    DownloadFinishedEvent e = new DownloadFinishedEvent();
    if (e.shouldCommit()) {
      e.bytes = bytes;
      e.elapsedNanos = elapsed.toNanos();
      e.failure = failure == null ? null : failure.getClass().getSimpleName();
      e.commit();
    }
  }

  @Name("io.telefetch.Connect")
  @Label("Connection opened")
  @Category("Telefetch")
  static final class ConnectEvent extends Event {
    @Label("DC") int dc;
    @Label("Kind") String kind;
  }

  @Name("io.telefetch.KeyCreated")
  @Label("Auth key created")
  @Category("Telefetch")
  static final class KeyCreatedEvent extends Event {
    @Label("DC") int dc;
    @Label("CDN") boolean cdn;
  }

  @Name("io.telefetch.Login")
  @Label("Logged in")
  @Category("Telefetch")
  static final class LoginEvent extends Event {
    @Label("Bot") boolean bot;
  }

  @Name("io.telefetch.Migrate")
  @Label("Migrated")
  @Category("Telefetch")
  static final class MigrateEvent extends Event {
    @Label("From DC") int fromDc;
    @Label("To DC") int toDc;
    @Label("Reason") String reason;
  }

  @Name("io.telefetch.FloodWait")
  @Label("Flood wait")
  @Category("Telefetch")
  static final class FloodWaitEvent extends Event {
    @Label("DC") int dc;
    @Label("Method") String method;
    @Label("Wait") @Timespan(Timespan.MILLISECONDS) long waitMillis;
  }

  @Name("io.telefetch.Retry")
  @Label("Retry")
  @Category("Telefetch")
  static final class RetryEvent extends Event {
    @Label("Method") String method;
    @Label("Failed attempt") int attempt;
    @Label("Delay") @Timespan(Timespan.MILLISECONDS) long delayMillis;
    @Label("Cause") String cause;
  }

  @Name("io.telefetch.Call")
  @Label("Call attempt")
  @Category("Telefetch")
  static final class CallEvent extends Event {
    @Label("DC") int dc;
    @Label("Method") String method;
    @Label("Elapsed") @Timespan(Timespan.NANOSECONDS) long elapsedNanos;
    @Label("Failure") String failure;
  }

  @Name("io.telefetch.PartFetched")
  @Label("Part fetched")
  @Category("Telefetch")
  static final class PartFetchedEvent extends Event {
    @Label("DC") int dc;
    @Label("Offset") @DataAmount long offset;
    @Label("Bytes") @DataAmount int bytes;
  }

  @Name("io.telefetch.HashMismatch")
  @Label("Hash mismatch")
  @Category("Telefetch")
  static final class HashMismatchEvent extends Event {
    @Label("Offset") @DataAmount long offset;
    @Label("Bytes") @DataAmount int bytes;
  }

  @Name("io.telefetch.DownloadFinished")
  @Label("Download finished")
  @Category("Telefetch")
  static final class DownloadFinishedEvent extends Event {
    @Label("Bytes") @DataAmount long bytes;
    @Label("Elapsed") @Timespan(Timespan.NANOSECONDS) long elapsedNanos;
    @Label("Failure") String failure;
  }
}
