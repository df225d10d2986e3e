package io.telefetch.testkit.server;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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
  /** The server-side connection id {@link #transportErrors} applies to; 0 for any connection. */
  volatile long transportErrorConnection;
  final AtomicLong closeAfterBytes = new AtomicLong(-1);
  volatile boolean down;
  volatile boolean forgetKeys;
  private final Map<String, RateRule> rateRules = new ConcurrentHashMap<>();
  private final Map<String, ConcurrencyRule> concurrencyRules = new ConcurrentHashMap<>();
  private final Map<String, ArrayDeque<Long>> callTimes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<String, ErrorRule> rpcErrors = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> blackholes = new ConcurrentHashMap<>();
  private final AtomicLong swallowed = new AtomicLong();

  private record RateRule(int calls, long windowMillis, boolean premium) {}

  private record ConcurrencyRule(int maxInFlight, int waitSeconds, boolean premium) {}

  private record ErrorRule(int code, String message, AtomicInteger remaining) {}

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
    return transportError(code, n, 0);
  }

  /**
   * Like {@link #transportError(int, int)}, but only packets of the server-side connection {@code
   * connectionId} (as in {@link RecordedRequest#connectionId()}; 0 for any) count, so that other
   * clients' acks and pings cannot take the fault.
   */
  public Faults transportError(int code, int n, long connectionId) {
    transportErrorCode = code;
    transportErrorConnection = connectionId;
    transportErrors.addAndGet(n);
    return this;
  }

  /** Cancels the transport errors of {@link #transportError} not yet sent. */
  public Faults clearTransportErrors() {
    transportErrors.set(0);
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

  /**
   * Answers {@code 420 FLOOD_WAIT_X} to calls of the TL method {@code method} (e.g. {@code
   * upload.getFile}) beyond {@code calls} per auth key within any window of {@code per} (of the
   * DC's clock); X is the seconds until the oldest counted call leaves the window (at least 1).
   * Refused calls are not counted.
   */
  public Faults floodWait(String method, int calls, Duration per) {
    return rateLimit(method, calls, per, false);
  }

  /** Like {@link #floodWait} but answering {@code FLOOD_PREMIUM_WAIT_X}, as downloads of non-premium users get. */
  public Faults floodPremiumWait(String method, int calls, Duration per) {
    return rateLimit(method, calls, per, true);
  }

  private Faults rateLimit(String method, int calls, Duration per, boolean premium) {
    Objects.requireNonNull(method, "method");
    if (calls < 1 || per.isNegative() || per.isZero()) {
      throw new IllegalArgumentException("calls and period must be positive");
    }
    rateRules.put(method, new RateRule(calls, per.toMillis(), premium));
    return this;
  }

  /**
   * Answers {@code FLOOD_WAIT_X} (or {@code FLOOD_PREMIUM_WAIT_X}) with X = {@code waitSeconds}
   * to a call of {@code method} when the same auth key already has {@code maxInFlight} calls of it
   * being handled (received and not yet answered, added latency included).
   */
  public Faults floodConcurrency(String method, int maxInFlight, int waitSeconds, boolean premium) {
    Objects.requireNonNull(method, "method");
    if (maxInFlight < 1 || waitSeconds < 0) {
      throw new IllegalArgumentException("maxInFlight must be positive");
    }
    concurrencyRules.put(method, new ConcurrencyRule(maxInFlight, waitSeconds, premium));
    return this;
  }

  /**
   * Answers the next {@code n} calls of the TL method {@code method} (e.g. {@code help.getConfig}
   * or {@code users.getUsers}) on this DC with {@code rpc_error(code, message)} instead of handling
   * them, whatever the key or connection: for example {@code rpcError("users.getUsers", 303,
   * "USER_MIGRATE_9", 1)}. {@link Integer#MAX_VALUE} answers every call until {@link
   * #clearRpcErrors()}. A new rule for a method replaces the previous one.
   */
  public Faults rpcError(String method, int code, String message, int n) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(message, "message");
    if (n < 1) {
      throw new IllegalArgumentException("n must be positive");
    }
    rpcErrors.put(method, new ErrorRule(code, message, new AtomicInteger(n)));
    return this;
  }

  /** Removes every rule of {@link #rpcError}. */
  public Faults clearRpcErrors() {
    rpcErrors.clear();
    return this;
  }

  /** The scripted error for this call of {@code method}, or null (counts the call against its rule). */
  RpcError takeRpcError(String method) {
    if (rpcErrors.isEmpty()) {
      return null;
    }
    ErrorRule rule = rpcErrors.get(method);
    if (rule == null) {
      return null;
    }
    int left = rule.remaining().getAndUpdate(v -> v == Integer.MAX_VALUE || v <= 0 ? v : v - 1);
    if (left <= 0) {
      rpcErrors.remove(method, rule);
      return null;
    }
    return new RpcError(rule.code(), rule.message());
  }

  /**
   * The next {@code connections} connections that receive a call of {@code method} (e.g. {@code
   * upload.getFile}) silently stop answering that method for the rest of their life: the calls are
   * recorded and never answered, no error, no close; pings and other methods are still answered.
   * A stalled download as users see it.
   */
  public Faults blackhole(String method, int connections) {
    Objects.requireNonNull(method, "method");
    if (connections < 0) {
      throw new IllegalArgumentException("negative connection count");
    }
    blackholes.computeIfAbsent(method, k -> new AtomicInteger()).addAndGet(connections);
    return this;
  }

  /** Connections not yet black-holed stay healthy (those already black-holed stay so). */
  public Faults clearBlackholes() {
    blackholes.clear();
    return this;
  }

  /** Calls swallowed by {@link #blackhole} so far. */
  public long swallowedCalls() {
    return swallowed.get();
  }

  /** Whether the connection that just received {@code method} should start swallowing it (takes one). */
  boolean takeBlackhole(String method) {
    AtomicInteger n = blackholes.get(method);
    return n != null && n.getAndUpdate(v -> v > 0 ? v - 1 : 0) > 0;
  }

  void swallowed() {
    swallowed.incrementAndGet();
  }

  /** Removes every flood limit. */
  public Faults clearFloodLimits() {
    rateRules.clear();
    concurrencyRules.clear();
    callTimes.clear();
    inFlight.clear();
    return this;
  }

  /**
   * Admits a call of {@code method} on key {@code authKeyId} at {@code nowMillis}, or returns the
   * flood error to answer instead. An admitted call must be {@link #release}d once answered.
   */
  RpcError admit(long authKeyId, String method, long nowMillis) {
    if (rateRules.isEmpty() && concurrencyRules.isEmpty()) {
      return null;
    }
    String key = authKeyId + "/" + method;
    RateRule rate = rateRules.get(method);
    if (rate != null) {
      ArrayDeque<Long> times = callTimes.computeIfAbsent(key, k -> new ArrayDeque<>());
      synchronized (times) {
        while (!times.isEmpty() && times.peekFirst() <= nowMillis - rate.windowMillis()) {
          times.pollFirst();
        }
        if (times.size() >= rate.calls()) {
          long waitMillis = times.peekFirst() + rate.windowMillis() - nowMillis;
          return flood(rate.premium(), (int) Math.max(1, (waitMillis + 999) / 1000));
        }
        times.addLast(nowMillis);
      }
    }
    ConcurrencyRule concurrency = concurrencyRules.get(method);
    if (concurrency != null) {
      AtomicInteger n = inFlight.computeIfAbsent(key, k -> new AtomicInteger());
      if (n.incrementAndGet() > concurrency.maxInFlight()) {
        n.decrementAndGet();
        return flood(concurrency.premium(), concurrency.waitSeconds());
      }
    }
    return null;
  }

  /** Ends an admitted call. */
  void release(long authKeyId, String method) {
    if (inFlight.isEmpty()) {
      return;
    }
    AtomicInteger n = inFlight.get(authKeyId + "/" + method);
    if (n != null) {
      n.updateAndGet(v -> Math.max(0, v - 1));
    }
  }

  private static RpcError flood(boolean premium, int seconds) {
    return new RpcError(420, (premium ? "FLOOD_PREMIUM_WAIT_" : "FLOOD_WAIT_") + seconds);
  }
}
