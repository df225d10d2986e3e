package io.telefetch.mtproto.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The keeper saves outside its lock: a slow store (an fsync) never blocks other callers. */
class SessionKeeperTest {
  /** A store whose first save blocks until released (a disk stuck in fsync). */
  private static final class SlowStore implements SessionStore {
    final List<Integer> saved = new CopyOnWriteArrayList<>();
    final CountDownLatch inSave = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public Optional<SessionData> load() {
      return Optional.empty();
    }

    @Override
    public void save(SessionData data) {
      if (saved.isEmpty()) {
        inSave.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      saved.add(data.mainDc());
    }
  }

  @Test
  void aSlowSaveBlocksNoOtherCallerAndTheNewestDataIsSavedLast() throws Exception {
    SlowStore store = new SlowStore();
    SessionKeeper keeper = new SessionKeeper(store);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<SessionData> first = CompletableFuture.supplyAsync(() -> keeper.update(s -> s.withMainDc(2)), pool);
      assertThat(store.inSave.await(10, TimeUnit.SECONDS)).as("the first save is stuck").isTrue();
      // another caller changes the session and reads it while the first save is stuck on disk
      CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> {
        keeper.update(s -> s.withMainDc(3));
        keeper.update(s -> s.withMainDc(4));
        return keeper.current().mainDc();
      }, pool);
      assertThat(second.get(10, TimeUnit.SECONDS)).as("not blocked behind the fsync").isEqualTo(4);
      assertThat(first).isNotDone();
      store.release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS).mainDc()).isEqualTo(2);
      // the stuck caller saved the newest data before it returned; the changes in between coalesced
      assertThat(store.saved).containsExactly(2, 4);
    } finally {
      store.release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void anUnchangedSessionIsNotSavedAgain() {
    SlowStore store = new SlowStore();
    store.release.countDown();
    SessionKeeper keeper = new SessionKeeper(store);
    keeper.update(s -> s.withMainDc(5));
    keeper.update(s -> s.withMainDc(5));
    assertThat(store.saved).containsExactly(5);
  }
}
