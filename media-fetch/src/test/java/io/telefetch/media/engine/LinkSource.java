package io.telefetch.media.engine;

import io.telefetch.tl.TlBytes;
import io.telefetch.testing.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A part source behind a simulated link on a {@link TestClock}: each request reaches the server one
 * round trip after it is sent, answers leave through one bottleneck in the order they are ready,
 * each taking {@code transferMillis}. {@link #advance} moves the clock to the next answer and
 * delivers every answer due. No thread, no sleep: the same run every time. Parts are zero-copy
 * slices of pooled buffers, as in {@link FakeSource}.
 */
final class LinkSource implements PartSource {
  private final byte[] file;
  private final TestClock clock;
  private final long rttMillis;
  private final long transferMillis;
  private final List<Answer> pending = new ArrayList<>();
  private long linkFreeAt;
  int requests;
  int maxOutstanding;

  private record Answer(long due, long offset, int limit, CompletableFuture<TlBytes> future) {}

  LinkSource(byte[] file, TestClock clock, long rttMillis, long transferMillis) {
    this.file = file;
    this.clock = clock;
    this.rttMillis = rttMillis;
    this.transferMillis = transferMillis;
  }

  /** Parts in flight needed to keep the link busy: a round trip plus one transfer, in transfers. */
  long bandwidthDelayParts() {
    return (rttMillis + transferMillis + transferMillis - 1) / transferMillis;
  }

  @Override
  public CompletableFuture<TlBytes> fetch(long offset, int limit) {
    requests++;
    long start = Math.max(clock.millis() + rttMillis, linkFreeAt);
    linkFreeAt = start + transferMillis;
    CompletableFuture<TlBytes> f = new CompletableFuture<>();
    pending.add(new Answer(linkFreeAt, offset, limit, f));
    maxOutstanding = Math.max(maxOutstanding, pending.size());
    return f;
  }

  /** Moves the clock to the earliest answer and delivers every answer then due; false if none waits. */
  boolean advance() {
    if (pending.isEmpty()) {
      return false;
    }
    long next = Long.MAX_VALUE;
    for (Answer a : pending) {
      next = Math.min(next, a.due());
    }
    clock.advance(Math.max(0, next - clock.millis()));
    List<Answer> due = new ArrayList<>();
    for (Answer a : new ArrayList<>(pending)) {
      if (a.due() <= clock.millis()) {
        pending.remove(a);
        due.add(a);
      }
    }
    for (Answer a : due) {
      int len = (int) Math.max(0, Math.min(a.limit(), file.length - a.offset()));
      TlBytes slice = FakeSource.slice(file, (int) Math.min(a.offset(), file.length), len);
      if (!a.future().complete(slice)) {
        slice.release();
      }
    }
    return true;
  }
}
