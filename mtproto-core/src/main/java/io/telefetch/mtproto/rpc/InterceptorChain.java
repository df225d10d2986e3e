package io.telefetch.mtproto.rpc;

import io.telefetch.tl.TlMethod;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one call through a list of {@link Interceptor}s, the first outermost, ending in a terminal
 * interceptor that sends it (and does not proceed). The client builds one per call; tools and
 * tests use it to put interceptors in front of a single connection.
 */
public final class InterceptorChain {
  private InterceptorChain() {}

  /**
   * Calls {@code method} through {@code interceptors} and then {@code terminal}.
   *
   * @param terminal sends the method it is given ({@link Interceptor.Chain#method()}); its
   *     {@code proceed} fails, as nothing comes after it
   */
  public static <R> CompletableFuture<R> call(List<? extends Interceptor> interceptors, Interceptor terminal,
      TlMethod<R> method, CallRoute route, CallOptions options) {
    Objects.requireNonNull(method, "method");
    Link<R> first = new Link<>(List.copyOf(interceptors), Objects.requireNonNull(terminal, "terminal"), 0, method,
        Objects.requireNonNull(route, "route"), Objects.requireNonNull(options, "options"), new AtomicInteger());
    return first.run();
  }

  /**
   * How many times the call of {@code chain} reached the terminal so far (the number of the last
   * attempt sent); {@code fallback} for a chain this class did not make.
   */
  static int sent(Interceptor.Chain<?> chain, int fallback) {
    return chain instanceof Link<?> l ? l.sends.get() : fallback;
  }

  /** One position in the chain; {@code proceed} builds the next one. */
  private static final class Link<R> implements Interceptor.Chain<R> {
    private final List<? extends Interceptor> interceptors;
    private final Interceptor terminal;
    private final int index;
    private final TlMethod<R> method;
    private final CallRoute route;
    private final CallOptions options;
    private final int attempt;
    /** The call's sends so far, shared by all its links. */
    private final AtomicInteger sends;

    Link(List<? extends Interceptor> interceptors, Interceptor terminal, int index, TlMethod<R> method,
        CallRoute route, CallOptions options, AtomicInteger sends) {
      this.interceptors = interceptors;
      this.terminal = terminal;
      this.index = index;
      this.method = method;
      this.route = route;
      this.options = options;
      this.sends = sends;
      this.attempt = sends.get() + 1;
    }

    CompletableFuture<R> run() {
      Interceptor here = index < interceptors.size() ? interceptors.get(index) : terminal;
      if (here == terminal) {
        sends.incrementAndGet();
      }
      CompletableFuture<R> f;
      try {
        f = here.intercept(this);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
      return f != null ? f : CompletableFuture.failedFuture(
          new NullPointerException(here.getClass().getName() + " returned no future for " + method.tlName()));
    }

    @Override
    public TlMethod<R> method() {
      return method;
    }

    @Override
    public CallRoute route() {
      return route;
    }

    @Override
    public int attempt() {
      return attempt;
    }

    @Override
    public CallOptions options() {
      return options;
    }

    @Override
    public CompletableFuture<R> proceed(TlMethod<R> next) {
      Objects.requireNonNull(next, "method");
      if (index >= interceptors.size()) {
        return CompletableFuture.failedFuture(new IllegalStateException("the terminal interceptor cannot proceed"));
      }
      return new Link<>(interceptors, terminal, index + 1, next, route, options, sends).run();
    }
  }
}
