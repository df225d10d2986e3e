package io.telefetch.mtproto.client;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a {@link TelegramClient} keeps what must survive a restart (SPI): per DC the auth key,
 * server salt and clock offset, plus the home DC, the DC list and the logged-in user, all in one
 * {@link SessionData}. A client restarted on the same store reuses its keys and its login.
 *
 * <p>Implementations must be thread-safe; {@link #save} replaces the whole state and should be
 * atomic (a crash leaves either the old or the new state). The client calls it when something
 * worth keeping changes (a key created, a login, a migration) and when it closes.
 */
public interface SessionStore {

  /**
   * The stored state, or empty when nothing was stored yet.
   *
   * @throws SessionStoreException when the stored data cannot be used
   */
  Optional<SessionData> load();

  /**
   * Replaces the stored state.
   *
   * @throws SessionStoreException when it cannot be written
   */
  void save(SessionData data);

  /** A store that keeps the state in memory only (the default). */
  static SessionStore inMemory() {
    return new InMemorySessionStore(null);
  }

  /**
   * An in-memory store starting from a portable session string ({@link
   * SessionData#toSessionString()}), to move a login between machines.
   *
   * @throws SessionStoreException when the string is not a session string this version reads
   */
  static SessionStore ofString(String sessionString) {
    return new InMemorySessionStore(SessionData.fromSessionString(sessionString));
  }

  /**
   * A store in a file, written atomically (temporary file, fsync, rename) with permissions 600
   * where the file system has POSIX permissions. The file carries a format version and a checksum;
   * a damaged or foreign file is reported as a {@link SessionStoreException}, never silently
   * replaced.
   */
  static SessionStore file(Path path) {
    return new FileSessionStore(path);
  }
}
