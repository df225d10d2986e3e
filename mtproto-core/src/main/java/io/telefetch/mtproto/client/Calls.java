package io.telefetch.mtproto.client;

import io.telefetch.tl.TlMethod;
import java.util.concurrent.CompletableFuture;

/** Sends a call along a {@link Route} through the client's interceptor chain. */
@FunctionalInterface
interface Calls {
  <R> CompletableFuture<R> call(Route route, TlMethod<R> method);
}
