package io.telefetch.mtproto.client;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** {@link SessionStore#inMemory()}. */
final class InMemorySessionStore implements SessionStore {
  private final AtomicReference<SessionData> data;

  InMemorySessionStore(SessionData initial) {
    this.data = new AtomicReference<>(initial);
  }

  @Override
  public Optional<SessionData> load() {
    return Optional.ofNullable(data.get());
  }

  @Override
  public void save(SessionData data) {
    this.data.set(java.util.Objects.requireNonNull(data, "data"));
  }

  @Override
  public String toString() {
    return "SessionStore[memory]";
  }
}
