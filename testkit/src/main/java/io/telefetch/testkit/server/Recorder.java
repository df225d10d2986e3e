package io.telefetch.testkit.server;

import io.telefetch.tl.TlMethod;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** Records every call a DC handled (MockWebServer-style {@link #takeRequest}) and counts them per method. */
public final class Recorder {
  private static final int MAX_QUEUED = 100_000;
  private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>(MAX_QUEUED);
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

  void record(RecordedRequest r) {
    counts.computeIfAbsent(r.method().tlName(), k -> new AtomicLong()).incrementAndGet();
    requests.offer(r); // the queue is bounded: beyond it only the counters keep counting
  }

  /** The next recorded call, waiting up to {@code timeout}; null if none came. */
  public @Nullable RecordedRequest takeRequest(Duration timeout) throws InterruptedException {
    return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** How many calls of the TL method {@code name} (e.g. {@code upload.getFile}) were handled. */
  public long count(String name) {
    AtomicLong c = counts.get(name);
    return c == null ? 0 : c.get();
  }

  /** How many calls of the class's method were handled. */
  public long count(Class<? extends TlMethod<?>> method) {
    try {
      return count((String) method.getField("NAME").get(null));
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(method + " is not a generated TL method", e);
    }
  }

  /** Forgets everything recorded so far. */
  public void clear() {
    requests.clear();
    counts.clear();
  }
}
