package io.telefetch.media.engine;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, without holding a lock while they run: the owner
 * of a download's state (the engine and its source router). A task that submits another one (or a
 * callback that completes on the running thread) does not recurse: the new task runs after the
 * current one. A task that blocks delays the later ones but never blocks the threads that submit
 * them.
 *
 * <p>With the direct delegate ({@link #direct()}) the thread that finds the executor idle runs the
 * queue until it is empty (a trampoline): deterministic in tests, no thread hop on the I/O thread
 * that completed a part.
 */
public final class SerialExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
  private final Executor delegate;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  /** Tasks submitted and not yet run; the submitter that moves it from 0 starts the drain. */
  private final AtomicInteger pending = new AtomicInteger();

  private SerialExecutor(Executor delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** Drains on the submitting thread (a trampoline). */
  public static SerialExecutor direct() {
    return new SerialExecutor(Runnable::run);
  }

  /** Drains on {@code delegate} (one drain at a time). */
  public static SerialExecutor on(Executor delegate) {
    return new SerialExecutor(delegate);
  }

  @Override
  public void execute(Runnable task) {
    queue.add(Objects.requireNonNull(task, "task"));
    if (pending.getAndIncrement() == 0) {
      delegate.execute(this::drain);
    }
  }

  private void drain() {
    do {
      Runnable task = queue.poll();
      try {
        task.run();
      } catch (RuntimeException | AssertionError e) {
        LOG.error("a download task failed", e); // a bug: the other tasks still run
      }
    } while (pending.decrementAndGet() != 0);
  }
}
