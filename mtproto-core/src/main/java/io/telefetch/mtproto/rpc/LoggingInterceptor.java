package io.telefetch.mtproto.rpc;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every call at DEBUG with its route, attempt, duration and outcome (SLF4J logger {@code
 * io.telefetch.rpc}). It returns the inner call's own future, so cancelling it cancels the call.
 */
public final class LoggingInterceptor implements Interceptor {
  private static final Logger LOG = LoggerFactory.getLogger("io.telefetch.rpc");

  @Override
  public <R> CompletableFuture<R> intercept(Chain<R> chain) {
    CompletableFuture<R> call = chain.proceed(chain.method());
    if (!LOG.isDebugEnabled()) {
      return call;
    }
    long start = System.nanoTime();
    String name = chain.method().tlName();
    call.whenComplete((r, e) -> {
      long micros = (System.nanoTime() - start) / 1000;
      if (e == null) {
        LOG.debug("{} on {} ok in {} us", name, chain.route(), micros);
      } else {
        LOG.debug("{} on {} failed in {} us: {}", name, chain.route(), micros, Retrying.unwrap(e).toString());
      }
    });
    return call;
  }
}
