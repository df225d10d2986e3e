package io.telefetch.mtproto.rpc;

import io.telefetch.tl.TlMethod;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** A terminal caller that answers from a script, records every call and keeps the futures it returned. */
final class ScriptedCaller implements RpcCaller {
  final Deque<Supplier<Object>> script = new ArrayDeque<>();
  final List<CompletableFuture<?>> calls = new ArrayList<>();
  /** When set, calls return futures that never complete by themselves. */
  boolean hang;

  ScriptedCaller fail(RpcException e) {
    script.add(() -> {
      throw e;
    });
    return this;
  }

  ScriptedCaller answer(Object value) {
    script.add(() -> value);
    return this;
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized <R> CompletableFuture<R> call(TlMethod<R> method) {
    CompletableFuture<R> f = new CompletableFuture<>();
    calls.add(f);
    if (hang) {
      return f;
    }
    Supplier<Object> next = script.poll();
    if (next == null) {
      f.completeExceptionally(new AssertionError("unexpected call " + calls.size()));
      return f;
    }
    try {
      f.complete((R) next.get());
    } catch (RuntimeException e) {
      f.completeExceptionally(e);
    }
    return f;
  }
}
