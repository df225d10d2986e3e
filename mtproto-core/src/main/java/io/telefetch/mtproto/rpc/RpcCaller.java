package io.telefetch.mtproto.rpc;

import io.telefetch.tl.TlMethod;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Something that sends a method and completes with its typed result or an error. */
@FunctionalInterface
public interface RpcCaller {
  <R> CompletableFuture<R> call(TlMethod<R> method);

  /** {@code terminal} wrapped by {@code interceptors}, the first one outermost. */
  static RpcCaller intercepted(RpcCaller terminal, List<RpcInterceptor> interceptors) {
    RpcCaller caller = terminal;
    for (int i = interceptors.size() - 1; i >= 0; i--) {
      RpcInterceptor interceptor = interceptors.get(i);
      RpcCaller next = caller;
      caller = new RpcCaller() {
        @Override
        public <R> CompletableFuture<R> call(TlMethod<R> method) {
          return interceptor.intercept(method, next);
        }
      };
    }
    return caller;
  }
}
