package io.telefetch.testkit.server;

import io.telefetch.tl.TlMethod;
import io.telefetch.tl.TlObject;
import java.util.concurrent.CompletableFuture;

/**
 * Answers API calls for one DC server; the call is already unwrapped from invokeWithLayer,
 * initConnection and the other wrappers. Throw (or complete with) {@link RpcError} for an
 * rpc_error. Results may be any TL value, including a {@code List} for Vector results and Boolean
 * for Bool.
 */
@FunctionalInterface
public interface ApiHandler {
  CompletableFuture<Object> handle(CallContext context, TlMethod<?> method);
}
