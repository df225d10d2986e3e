package io.telefetch.mtproto.rpc;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The loop shared by the interceptors that repeat a call: call, and on failure either give up or
 * sleep and call again. Cancelling the returned future cancels the attempt or the sleep under way
 * (so a cancelled call still reaches the connection, which drops the request).
 */
final class Retrying {
  private Retrying() {}

  /** Decides whether a failed attempt is repeated. */
  @FunctionalInterface
  interface Policy {
    /**
     * The delay before the next attempt, or null to give up and fail with {@code cause}.
     *
     * @param cause the failure, unwrapped from {@link CompletionException}
     * @param attempt how many attempts were repeated so far (0 after the first failure)
     */
    Duration retryDelay(Throwable cause, int attempt);
  }

  static <R> CompletableFuture<R> run(Interceptor.Chain<R> chain, Scheduler scheduler, Policy policy) {
    CompletableFuture<R> result = new CompletableFuture<>();
    AtomicReference<CompletableFuture<?>> current = new AtomicReference<>();
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        CompletableFuture<?> c = current.get();
        if (c != null) {
          c.cancel(false);
        }
      }
    });
    attempt(chain, scheduler, policy, 0, result, current);
    return result;
  }

  private static <R> void attempt(Interceptor.Chain<R> chain, Scheduler scheduler, Policy policy, int attempt,
      CompletableFuture<R> result, AtomicReference<CompletableFuture<?>> current) {
    CompletableFuture<R> call;
    try {
      call = chain.proceed(chain.method());
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    current.set(call);
    if (result.isCancelled()) {
      call.cancel(false);
      return;
    }
    call.whenComplete((r, e) -> {
      if (e == null) {
        result.complete(r);
        return;
      }
      Throwable cause = unwrap(e);
      Duration delay;
      CompletableFuture<Void> sleep;
      try {
        delay = result.isDone() || cause instanceof CancellationException ? null : policy.retryDelay(cause, attempt);
        if (delay == null) {
          result.completeExceptionally(cause);
          return;
        }
        sleep = scheduler.sleep(delay);
      } catch (RuntimeException policyFailure) {
        policyFailure.addSuppressed(cause);
        result.completeExceptionally(policyFailure); // never leave the caller waiting
        return;
      }
      current.set(sleep);
      if (result.isCancelled()) {
        sleep.cancel(false);
        return;
      }
      sleep.whenComplete((v, sleepError) -> {
        if (sleepError != null) {
          result.completeExceptionally(unwrap(sleepError));
        } else if (!result.isDone()) {
          attempt(chain, scheduler, policy, attempt + 1, result, current);
        }
      });
    });
  }

  /** Strips {@link CompletionException} and {@link ExecutionException} wrappers. */
  static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
