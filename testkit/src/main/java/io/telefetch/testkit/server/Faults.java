package io.telefetch.testkit.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection for one DC, scriptable per test; all switches are thread-safe and take effect on
 * the next message the DC handles.
 */
public final class Faults {
  final AtomicInteger badServerSalts = new AtomicInteger();
  final AtomicInteger sessionResets = new AtomicInteger();
  final AtomicInteger transportErrors = new AtomicInteger();
  volatile int transportErrorCode = -404;
  final AtomicLong closeAfterBytes = new AtomicLong(-1);
  volatile boolean down;
  volatile boolean forgetKeys;

  /** The next {@code n} encrypted messages get bad_server_salt (with a fresh salt). */
  public Faults badServerSalt(int n) {
    badServerSalts.addAndGet(n);
    return this;
  }

  /** The next message's session is forgotten: the server answers it in a new session (new_session_created). */
  public Faults resetSession() {
    sessionResets.incrementAndGet();
    return this;
  }

  /** The next {@code n} encrypted packets are answered with transport error {@code code} (e.g. -404, -429) and closed. */
  public Faults transportError(int code, int n) {
    transportErrorCode = code;
    transportErrors.addAndGet(n);
    return this;
  }

  /** Every connection is closed after it has sent this many bytes to its client; negative disables. */
  public Faults closeAfterBytes(long bytes) {
    closeAfterBytes.set(bytes);
    return this;
  }

  /** A down DC refuses connections (closes them at once). */
  public Faults down(boolean down) {
    this.down = down;
    return this;
  }

  /** Forget every auth key of the DC: clients then get -404 and must create a new key. */
  public Faults forgetKeys() {
    forgetKeys = true;
    return this;
  }
}
