package io.telefetch.mtproto.rpc;

import io.telefetch.tl.TlMethod;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every call at DEBUG with its duration and outcome (SLF4J logger {@code io.telefetch.rpc}).
 * It returns the inner call's own future, so cancelling it cancels the call.
 */
public final class LoggingInterceptor implements RpcInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger("io.telefetch.rpc");

  @Override
  public <R> CompletableFuture<R> intercept(TlMethod<R> method, RpcCaller next) {
    CompletableFuture<R> call = next.call(method);
    if (!LOG.isDebugEnabled()) {
      return call;
    }
    long start = System.nanoTime();
    call.whenComplete((r, e) -> {
      long micros = (System.nanoTime() - start) / 1000;
      if (e == null) {
        LOG.debug("{} ok in {} us", method.tlName(), micros);
      } else {
        LOG.debug("{} failed in {} us: {}", method.tlName(), micros, Retrying.unwrap(e).toString());
      }
    });
    return call;
  }
}
