package io.telefetch.mtproto.rpc;

import io.telefetch.tl.TlMethod;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Something that sends a method and completes with its typed result or an error. */
@FunctionalInterface
public interface RpcCaller {
  <R> CompletableFuture<R> call(TlMethod<R> method);

  /**
   * {@code terminal} behind {@code interceptors}, the first one outermost, with {@link
   * CallRoute#UNKNOWN} and {@link CallOptions#DEFAULT} (so each interceptor uses its own defaults).
   */
  static RpcCaller intercepted(RpcCaller terminal, List<? extends Interceptor> interceptors) {
    if (interceptors.isEmpty()) {
      return terminal;
    }
    List<Interceptor> list = List.copyOf(interceptors);
    Interceptor end = new Interceptor() {
      @Override
      public <R> CompletableFuture<R> intercept(Chain<R> chain) {
        return terminal.call(chain.method());
      }
    };
    return new RpcCaller() {
      @Override
      public <R> CompletableFuture<R> call(TlMethod<R> method) {
        return InterceptorChain.call(list, end, method, CallRoute.UNKNOWN, CallOptions.DEFAULT);
      }
    };
  }
}
