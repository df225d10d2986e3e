package io.telefetch.mtproto.rpc;

import java.time.Duration;

/**
 * What happens inside a client and its downloads, for metrics and tracing (OkHttp's {@code
 * EventListener}): every method has an empty default, so an implementation overrides only what it
 * counts. Register one with {@code TelegramClient.builder().eventListener(...)}; the downloader
 * reports through the client it downloads with.
 *
 * <p>Methods are called synchronously on the thread where the event happens (an I/O thread, the
 * callback executor or a download's thread): they must be fast and must not block. An exception
 * thrown by a listener is logged and otherwise ignored; it never fails a call. Nothing secret is
 * passed (no keys, tokens or file contents).
 *
 * <pre>{@code
 * LongAdder retries = new LongAdder();
 * TelegramClient client = TelegramClient.builder()
 *     .eventListener(new EventListener() {
 *       public void retry(String method, int attempt, Duration delay, Throwable cause) { retries.increment(); }
 *     })
 *     ...
 * }</pre>
 */
public interface EventListener {
  /** A listener that ignores everything. */
  EventListener NONE = new EventListener() {};

  /**
   * {@code listener} behind a guard that logs (SLF4J {@code io.telefetch.events}, WARN) and
   * swallows whatever it throws; the client guards the listener it is given this way.
   */
  static EventListener guarded(EventListener listener) {
    return listener instanceof GuardedEventListener || listener == NONE ? listener : new GuardedEventListener(listener);
  }

  /** A connection to {@code route}'s DC opened (its key exchange, if any, done). */
  default void connected(CallRoute route) {}

  /** A connection to {@code route}'s DC could not be opened. */
  default void connectFailed(CallRoute route, Throwable cause) {}

  /** A new auth key was created with DC {@code dcId} (a CDN DC when {@code cdn}). */
  default void keyCreated(int dcId, boolean cdn) {}

  /** The account logged in ({@code bot}: as a bot). */
  default void loggedIn(long userId, boolean bot) {}

  /**
   * A server moved work to another DC: {@code reason} is the error that said so
   * (USER_MIGRATE_X, PHONE_MIGRATE_X, NETWORK_MIGRATE_X move the home DC; FILE_MIGRATE_X a file).
   */
  default void migrated(int fromDc, int toDc, String reason) {}

  /**
   * A call was answered FLOOD_WAIT: reported for every such answer, whether the client then
   * sleeps through it or the caller (the downloader) handles it.
   */
  default void floodWait(CallRoute route, String method, Duration wait) {}

  /**
   * A call (or, from the downloader, a file part) is about to be sent again after {@code delay}.
   *
   * @param method the TL name of the method repeated (the downloader reports parts as {@code
   *     upload.getFile} or {@code upload.getCdnFile})
   * @param attempt the 1-based number of the attempt that failed
   * @param cause the failure that led to the retry
   */
  default void retry(String method, int attempt, Duration delay, Throwable cause) {}

  /**
   * One attempt of a call ended, after {@code elapsed}: {@code failure} is null on success.
   */
  default void callEnd(CallRoute route, String method, Duration elapsed, Throwable failure) {}

  /** The downloader received (and verified, when it verifies) {@code length} bytes at {@code offset} from DC {@code dcId}. */
  default void partFetched(int dcId, long offset, int length) {}

  /** A part's bytes did not match the file's hashes at {@code [offset, offset + length)}; it is fetched again or the download fails. */
  default void hashMismatch(long offset, int length) {}

  /** A download ended: {@code bytes} delivered, {@code failure} null when it completed. */
  default void downloadFinished(long bytes, Duration elapsed, Throwable failure) {}
}
