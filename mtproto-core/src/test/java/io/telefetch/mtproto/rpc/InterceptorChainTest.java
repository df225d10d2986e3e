package io.telefetch.mtproto.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.tl.TlMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InterceptorChainTest {

  @Test
  void firstInterceptorIsOutermost() {
    List<String> order = new ArrayList<>();
    RpcInterceptor a = new RpcInterceptor() {
      @Override
      public <R> CompletableFuture<R> intercept(TlMethod<R> method, RpcCaller next) {
        order.add("a>");
        return next.call(method).whenComplete((r, e) -> order.add("<a"));
      }
    };
    RpcInterceptor b = new RpcInterceptor() {
      @Override
      public <R> CompletableFuture<R> intercept(TlMethod<R> method, RpcCaller next) {
        order.add("b>");
        return next.call(method).whenComplete((r, e) -> order.add("<b"));
      }
    };
    ScriptedCaller terminal = new ScriptedCaller().answer("x");
    RpcCaller c = RpcCaller.intercepted(terminal, List.of(a, b));
    assertThat(c.call(TestMethod.INSTANCE).join()).isEqualTo("x");
    assertThat(order).containsExactly("a>", "b>", "<b", "<a");
    assertThat(RpcCaller.intercepted(terminal, List.of())).isSameAs(terminal);
  }

  @Test
  void loggingInterceptorHandsBackTheCallItself() {
    ScriptedCaller terminal = new ScriptedCaller();
    terminal.hang = true;
    CompletableFuture<String> f = RpcCaller.intercepted(terminal, List.of(new LoggingInterceptor())).call(TestMethod.INSTANCE);
    f.cancel(false);
    assertThat(terminal.calls.get(0)).isCancelled();
  }
}
