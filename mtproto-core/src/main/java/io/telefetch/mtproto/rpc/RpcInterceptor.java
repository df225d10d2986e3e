package io.telefetch.mtproto.rpc;

import io.telefetch.tl.TlMethod;
import java.util.concurrent.CompletableFuture;

/**
 * Cross-cutting behaviour around every call (OkHttp-style): observe, retry, delay or rewrite a
 * call by invoking {@code next} zero or more times.
 */
@FunctionalInterface
public interface RpcInterceptor {
  <R> CompletableFuture<R> intercept(TlMethod<R> method, RpcCaller next);
}
