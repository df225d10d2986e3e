package io.telefetch.mtproto.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.telefetch.mtproto.rpc.Scheduler;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The threads a {@link TelegramClient} runs on: the I/O threads of its connections and the {@link
 * Scheduler} of its delays (flood waits, retry backoff, QR polling). Expensive to create, cheap to
 * share: many clients may use one instance.
 *
 * <p>Whoever creates an instance closes it. A client built without {@link
 * ClientOptions.Builder#resources(ClientResources)} creates its own and closes it when the client
 * closes; a client given an instance never closes it, so the caller closes it after the last client
 * that uses it:
 *
 * <pre>{@code
 * try (ClientResources shared = ClientResources.builder().ioThreads(4).build()) {
 *   try (TelegramClient a = TelegramClient.builder().apiId(id).apiHash(hash).resources(shared).build();
 *        TelegramClient b = TelegramClient.builder().apiId(id).apiHash(hash).resources(shared).build()) {
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safe. A client whose resources are closed fails its calls as if its connections had
 * closed.
 */
public final class ClientResources implements AutoCloseable {
  /** I/O threads of {@link #create()}. */
  public static final int DEFAULT_IO_THREADS = 2;

  private final int ioThreads;
  private final Scheduler scheduler;
  private final EventLoopGroup group;
  private final AtomicReference<CompletableFuture<Void>> closing = new AtomicReference<>();

  private ClientResources(Builder b) {
    this.ioThreads = b.ioThreads;
    this.scheduler = b.scheduler;
    this.group = new NioEventLoopGroup(ioThreads, new DefaultThreadFactory(b.threadNamePrefix, true));
  }

  /** Resources with {@value #DEFAULT_IO_THREADS} daemon I/O threads and a real-time scheduler. */
  public static ClientResources create() {
    return builder().build();
  }

  /** A builder of resources. */
  public static Builder builder() {
    return new Builder();
  }

  /** How many I/O threads the connections share. */
  public int ioThreads() {
    return ioThreads;
  }

  /** The scheduler of the delays of clients that do not set their own. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** Whether {@link #close()} or {@link #closeAsync()} was called. */
  public boolean isClosed() {
    return closing.get() != null;
  }

  /**
   * Stops the I/O threads; connections still open on them close. Completes (on a thread of the
   * common pool, never on an I/O thread) when the threads have stopped, within a few seconds.
   * Idempotent: later calls return the same future.
   */
  public CompletableFuture<Void> closeAsync() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!closing.compareAndSet(null, done)) {
      return closing.get();
    }
    Executor off = ForkJoinPool.commonPool();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(f -> off.execute(() -> done.complete(null)));
    return done;
  }

  /** {@link #closeAsync()} and waits for it. */
  @Override
  public void close() {
    closeAsync().join();
  }

  /** The event loop group of the connections (inside the client package only: Netty stays internal). */
  EventLoopGroup eventLoopGroup() {
    return group;
  }

  @Override
  public String toString() {
    return "ClientResources[" + ioThreads + " I/O threads" + (isClosed() ? ", closed" : "") + "]";
  }

  /** Builds {@link ClientResources}; every setting has a default. */
  public static final class Builder {
    private int ioThreads = DEFAULT_IO_THREADS;
    private Scheduler scheduler = Scheduler.system();
    private String threadNamePrefix = "telefetch-io";

    private Builder() {}

    /** Number of I/O threads (default {@value ClientResources#DEFAULT_IO_THREADS}). */
    public Builder ioThreads(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("ioThreads must be positive: " + n);
      }
      this.ioThreads = n;
      return this;
    }

    /** The scheduler of delays (default {@link Scheduler#system()}); tests inject one that does not wait. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The name prefix of the I/O threads (default {@code telefetch-io}). */
    public Builder threadNamePrefix(String prefix) {
      if (Objects.requireNonNull(prefix, "prefix").isBlank()) {
        throw new IllegalArgumentException("blank thread name prefix");
      }
      this.threadNamePrefix = prefix;
      return this;
    }

    /** New resources; their threads start on first use. The caller closes them. */
    public ClientResources build() {
      return new ClientResources(this);
    }
  }
}
