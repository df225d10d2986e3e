package io.telefetch.media.engine;

import io.telefetch.tl.TlBytes;
import io.telefetch.testing.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A part source behind a simulated link on a {@link TestClock}: each request reaches the server one
 * round trip after it is sent, answers leave through the bottleneck of their connection in the order
 * they are ready, each taking {@code transferMillis} (a per-connection cap, as testkit's shaping
 * does). A request goes to the connection with the fewest requests in flight (ties to the one given
 * the fewest), as the client's pool does. {@link #advance} moves the clock to the next answer and
 * delivers every answer due. No thread, no sleep: the same run every time. Parts are zero-copy
 * slices of pooled buffers, as in {@link FakeSource}.
 */
final class LinkSource implements PartSource {
  private final byte[] file;
  private final TestClock clock;
  private final long rttMillis;
  private final long transferMillis;
  private final List<Answer> pending = new ArrayList<>();
  private final long[] linkFreeAt;
  private final int[] inFlight;
  private final long[] given;
  int requests;
  int maxOutstanding;

  private record Answer(long due, int connection, long offset, int limit, CompletableFuture<TlBytes> future) {}

  LinkSource(byte[] file, TestClock clock, long rttMillis, long transferMillis) {
    this(file, clock, rttMillis, transferMillis, 1);
  }

  LinkSource(byte[] file, TestClock clock, long rttMillis, long transferMillis, int connections) {
    this.file = file;
    this.clock = clock;
    this.rttMillis = rttMillis;
    this.transferMillis = transferMillis;
    this.linkFreeAt = new long[connections];
    this.inFlight = new int[connections];
    this.given = new long[connections];
  }

  /** Parts in flight needed to keep every connection busy: a round trip plus one transfer, in transfers. */
  long bandwidthDelayParts() {
    return linkFreeAt.length * ((rttMillis + transferMillis + transferMillis - 1) / transferMillis);
  }

  /** The shortest possible download of {@code parts}: one round trip, then every connection busy. */
  long idealMillis(int parts) {
    return rttMillis + (parts + linkFreeAt.length - 1) / linkFreeAt.length * transferMillis;
  }

  @Override
  public CompletableFuture<TlBytes> fetch(long offset, int limit) {
    requests++;
    int c = 0;
    for (int i = 1; i < inFlight.length; i++) {
      if (inFlight[i] < inFlight[c] || (inFlight[i] == inFlight[c] && given[i] < given[c])) {
        c = i;
      }
    }
    inFlight[c]++;
    given[c]++;
    long start = Math.max(clock.millis() + rttMillis, linkFreeAt[c]);
    linkFreeAt[c] = start + transferMillis;
    CompletableFuture<TlBytes> f = new CompletableFuture<>();
    pending.add(new Answer(linkFreeAt[c], c, offset, limit, f));
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
      inFlight[a.connection()]--;
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
