package io.telefetch.mtproto.rpc;

import io.telefetch.tl.TlMethod;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Cross-cutting behaviour around every call, in OkHttp's shape: observe, retry, delay or rewrite a
 * call by calling {@link Chain#proceed} zero or more times. The client runs the interceptors added
 * on its builder outermost, then its own (logging, flood-wait sleeping, retries), then sends the
 * call.
 *
 * <pre>{@code
 * Interceptor timing = new Interceptor() {
 *   public <R> CompletableFuture<R> intercept(Chain<R> chain) {
 *     long t0 = System.nanoTime();
 *     return chain.proceed(chain.method()).whenComplete((r, e) -> record(chain.route(), System.nanoTime() - t0));
 *   }
 * };
 * TelegramClient.builder().addInterceptor(timing)...
 * }</pre>
 *
 * <p>An interceptor returns a future that completes once; cancelling it should cancel the attempt
 * or the wait under way (return {@code proceed}'s future itself, or forward the cancellation).
 */
@FunctionalInterface
public interface Interceptor {

  /** Handles one call; {@code chain} gives its method, route, attempt, timeout and options. */
  <R> CompletableFuture<R> intercept(Chain<R> chain);

  /**
   * One call at one interceptor: what it is and how to pass it on.
   *
   * @param <R> the method's result type
   */
  interface Chain<R> {
    /** The method as this interceptor received it. */
    TlMethod<R> method();

    /** Where the call goes. */
    CallRoute route();

    /**
     * The 1-based number of the attempt this chain leads to: 1 for the first send of the call, and
     * for a repeat (a retry or a flood-wait repeat, by any interceptor) one more than the sends
     * made so far.
     */
    int attempt();

    /** How long each attempt may take ({@link CallOptions#timeout()}), when set. */
    default Optional<Duration> timeout() {
      return options().timeout();
    }

    /** The call's options, the client's defaults filled in. */
    CallOptions options();

    /**
     * Passes {@code method} (the same or a rewritten one) to the next interceptor, or sends it;
     * may be called again after a failure to repeat the call.
     */
    CompletableFuture<R> proceed(TlMethod<R> method);
  }
}
