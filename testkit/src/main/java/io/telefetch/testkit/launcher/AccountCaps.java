package io.telefetch.testkit.launcher;

import io.telefetch.testkit.server.ApiHandler;
import io.telefetch.testkit.server.CallContext;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.GetFile;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * A per-account download bandwidth cap ({@link DemoCluster.Builder#accountRateBytesPerSecond}):
 * each user's upload.getFile answers leave at most {@code rate} bytes per second, over all its
 * connections, keys and DCs, as Telegram throttles one account. Each answer is held until its bytes
 * fit the user's schedule ({@code next = max(now, next) + bytes / rate}); other calls, and calls of
 * keys bound to no user, pass unchanged. Holding is by delay only: no queue grows with the calls
 * (each held answer is one scheduled task, and a client has a bounded number of calls in flight).
 */
final class AccountCaps implements ApiHandler {
  private final ApiHandler delegate;
  private final long rate;
  /** Per user id: the nanoTime at which the user's next byte may leave. */
  private final Map<Long, AtomicLong> next = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;
  private final LongFunction<Executor> after;

  AccountCaps(ApiHandler delegate, long bytesPerSecond) {
    this(delegate, bytesPerSecond, System::nanoTime,
        nanos -> CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS));
  }

  /**
   * @param nanoTime the clock (nanoseconds, as {@link System#nanoTime})
   * @param after an executor that runs its task after the given nanoseconds
   */
  AccountCaps(ApiHandler delegate, long bytesPerSecond, LongSupplier nanoTime, LongFunction<Executor> after) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.after = Objects.requireNonNull(after, "after");
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("the rate must be positive");
    }
    this.rate = bytesPerSecond;
  }

  @Override
  public CompletableFuture<Object> handle(CallContext ctx, TlMethod<?> method) {
    long user = ctx.key().userId();
    if (!(method instanceof GetFile) || user == 0) {
      return delegate.handle(ctx, method);
    }
    return delegate.handle(ctx, method).thenCompose(answer -> {
      if (!(answer instanceof File f)) {
        return CompletableFuture.completedFuture(answer);
      }
      long cost = f.bytes().length() * 1_000_000_000L / rate;
      long now = nanoTime.getAsLong();
      long due = next.computeIfAbsent(user, k -> new AtomicLong(now))
          .accumulateAndGet(now, (prev, t) -> Math.max(prev, t) + cost);
      long wait = due - now;
      if (wait <= 0) {
        return CompletableFuture.completedFuture(answer);
      }
      return CompletableFuture.supplyAsync(() -> answer, after.apply(wait));
    });
  }
}
