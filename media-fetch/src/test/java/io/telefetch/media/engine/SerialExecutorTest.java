package io.telefetch.media.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  @Test
  void aTaskSubmittedFromATaskRunsAfterItNotInsideIt() {
    SerialExecutor owner = SerialExecutor.direct();
    List<String> order = new ArrayList<>();
    owner.execute(() -> {
      order.add("a-start");
      owner.execute(() -> order.add("b"));
      order.add("a-end");
    });
    assertThat(order).containsExactly("a-start", "a-end", "b");
  }

  @Test
  void aBlockedTaskDoesNotBlockSubmittersAndTheirTasksRunAfterIt() throws Exception {
    SerialExecutor owner = SerialExecutor.direct();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch submitted = new CountDownLatch(1);
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread runner = new Thread(() -> owner.execute(() -> {
      order.add("blocked");
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      order.add("unblocked");
    }));
    runner.start();
    while (order.isEmpty()) {
      Thread.onSpinWait();
    }
    Thread submitter = new Thread(() -> {
      owner.execute(() -> order.add("second"));
      submitted.countDown();
    });
    submitter.start();
    assertThat(submitted.await(10, TimeUnit.SECONDS)).as("execute returned at once").isTrue();
    assertThat(order).containsExactly("blocked");
    release.countDown();
    runner.join(10_000);
    assertThat(order).containsExactly("blocked", "unblocked", "second");
  }

  @Test
  void aFailingTaskDoesNotStopTheOthers() {
    SerialExecutor owner = SerialExecutor.direct();
    List<String> order = new ArrayList<>();
    owner.execute(() -> {
      owner.execute(() -> {
        throw new IllegalStateException("a bug");
      });
      owner.execute(() -> order.add("after"));
    });
    assertThat(order).containsExactly("after");
  }
}
