package io.telefetch.mtproto.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.tl.TlObject;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.UpdatesTooLong;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** The bounded update queue, with an executor the test runs by hand. */
class UpdateQueueTest {
  /** Holds tasks until the test runs them. */
  private static final class ManualExecutor implements Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable command) {
      tasks.add(command);
    }

    void runAll() {
      while (!tasks.isEmpty()) {
        tasks.poll().run();
      }
    }
  }

  @Test
  void aSlowListenerGetsTheNewestUpdatesBehindOneUpdatesTooLong() {
    ManualExecutor executor = new ManualExecutor();
    List<TlObject> got = new ArrayList<>();
    UpdateQueue queue = new UpdateQueue("test", 3, Long.MAX_VALUE, executor, got::add);
    for (int i = 0; i < 10; i++) {
      queue.offer(new NearestDc("u" + i, i, i), 10);
    }
    assertThat(executor.tasks).as("one drain, however many offers").hasSize(1);
    assertThat(queue.size()).isEqualTo(3);
    assertThat(queue.dropped()).isEqualTo(8);
    executor.runAll();
    assertThat(got).hasSize(3);
    assertThat(got.get(0)).isInstanceOf(UpdatesTooLong.class);
    assertThat(((NearestDc) got.get(1)).country()).isEqualTo("u8");
    assertThat(((NearestDc) got.get(2)).country()).isEqualTo("u9");
    assertThat(queue.size()).isZero();
    assertThat(queue.highWater()).isEqualTo(3);
  }

  @Test
  void theByteBoundDropsTooButKeepsTheNewest() {
    ManualExecutor executor = new ManualExecutor();
    List<TlObject> got = new ArrayList<>();
    UpdateQueue queue = new UpdateQueue("test", 1000, 100, executor, got::add);
    for (int i = 0; i < 5; i++) {
      queue.offer(new NearestDc("u" + i, i, i), 40);
    }
    executor.runAll();
    assertThat(got.get(0)).isInstanceOf(UpdatesTooLong.class);
    assertThat(((NearestDc) got.get(got.size() - 1)).country()).isEqualTo("u4");
    assertThat(got.size() - 1).as("updates kept within 100 bytes").isLessThanOrEqualTo(2);
  }

  @Test
  void aFailingListenerDoesNotStopDelivery() {
    ManualExecutor executor = new ManualExecutor();
    List<TlObject> got = new ArrayList<>();
    UpdateQueue queue = new UpdateQueue("test", 10, Long.MAX_VALUE, executor, u -> {
      got.add(u);
      throw new IllegalStateException("listener bug");
    });
    queue.offer(new NearestDc("a", 1, 1), 10);
    queue.offer(new NearestDc("b", 1, 1), 10);
    executor.runAll();
    assertThat(got).hasSize(2);
    queue.offer(new NearestDc("c", 1, 1), 10);
    executor.runAll();
    assertThat(got).hasSize(3);
  }
}
