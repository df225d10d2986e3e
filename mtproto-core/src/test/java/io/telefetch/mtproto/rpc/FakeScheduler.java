package io.telefetch.mtproto.rpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A scheduler that records the requested sleeps and completes them at once (or on demand). */
final class FakeScheduler implements Scheduler {
  final List<Duration> sleeps = new ArrayList<>();
  final List<CompletableFuture<Void>> held = new ArrayList<>();
  boolean hold;

  @Override
  public synchronized CompletableFuture<Void> sleep(Duration delay) {
    sleeps.add(delay);
    if (hold) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      held.add(f);
      return f;
    }
    return CompletableFuture.completedFuture(null);
  }

  synchronized Duration total() {
    return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
  }
}
