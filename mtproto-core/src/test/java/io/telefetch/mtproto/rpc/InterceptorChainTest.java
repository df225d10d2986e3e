package io.telefetch.mtproto.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InterceptorChainTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final ScriptedCaller terminal = new ScriptedCaller();

  /** The end of the chain: sends to the scripted terminal and records what each attempt saw. */
  private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
  private final Interceptor end = new Interceptor() {
    @Override
    public <R> CompletableFuture<R> intercept(Chain<R> chain) {
      seen.add("attempt " + chain.attempt() + " on " + chain.route() + " timeout " + chain.timeout().orElse(null));
      return terminal.call(chain.method());
    }
  };

  private static Interceptor tag(String name, List<String> order) {
    return new Interceptor() {
      @Override
      public <R> CompletableFuture<R> intercept(Chain<R> chain) {
        order.add(name + ">");
        return chain.proceed(chain.method()).whenComplete((r, e) -> order.add("<" + name));
      }
    };
  }

  @Test
  void firstInterceptorIsOutermost() {
    List<String> order = new ArrayList<>();
    terminal.answer("x");
    RpcCaller c = RpcCaller.intercepted(terminal, List.of(tag("a", order), tag("b", order)));
    assertThat(c.call(TestMethod.INSTANCE).join()).isEqualTo("x");
    assertThat(order).containsExactly("a>", "b>", "<b", "<a");
    assertThat(RpcCaller.intercepted(terminal, List.of())).isSameAs(terminal);
  }

  @Test
  void loggingInterceptorHandsBackTheCallItself() {
    terminal.hang = true;
    CompletableFuture<String> f = RpcCaller.intercepted(terminal, List.of(new LoggingInterceptor())).call(TestMethod.INSTANCE);
    f.cancel(false);
    assertThat(terminal.calls.get(0)).isCancelled();
  }

  @Test
  void theChainCarriesRouteOptionsAndTheAttemptNumber() {
    terminal.fail(RpcException.of(500, "A")).fail(RpcException.of(420, "FLOOD_WAIT_3")).fail(RpcException.of(502, "B"))
        .answer("ok");
    CallRoute route = new CallRoute(4, CallRoute.Kind.DOWNLOAD);
    CallOptions options = CallOptions.builder().timeout(Duration.ofSeconds(7)).build();
    List<Interceptor> list = List.of(new FloodWaitInterceptor(Duration.ofSeconds(60), 3, scheduler),
        new RetryInterceptor(3, Duration.ofMillis(100), Duration.ofSeconds(1), new Random(1), scheduler));
    assertThat(InterceptorChain.call(list, end, TestMethod.INSTANCE, route, options).join()).isEqualTo("ok");
    // retry (attempt 2), then the flood wait repeats the whole inner chain (attempt 3), then retry again (4)
    assertThat(seen).containsExactly("attempt 1 on DC 4 (download) timeout PT7S", "attempt 2 on DC 4 (download) timeout PT7S",
        "attempt 3 on DC 4 (download) timeout PT7S", "attempt 4 on DC 4 (download) timeout PT7S");
  }

  @Test
  void callOptionsTurnTheClientsRetriesAndFloodSleepingOff() {
    terminal.fail(RpcException.of(420, "FLOOD_WAIT_3"));
    List<Interceptor> list = List.of(new FloodWaitInterceptor(Duration.ofSeconds(60), 3, scheduler),
        new RetryInterceptor(3, Duration.ofMillis(100), Duration.ofSeconds(1), new Random(1), scheduler));
    CompletableFuture<String> f = InterceptorChain.call(list, end, TestMethod.INSTANCE, CallRoute.UNKNOWN,
        CallOptions.SINGLE_ATTEMPT);
    assertThatThrownBy(f::join).cause().isInstanceOf(FloodWaitException.class);
    terminal.fail(RpcException.of(500, "INTERNAL"));
    CompletableFuture<String> g = InterceptorChain.call(list, end, TestMethod.INSTANCE, CallRoute.UNKNOWN,
        CallOptions.SINGLE_ATTEMPT);
    assertThatThrownBy(g::join).cause().isInstanceOf(RpcException.class).hasMessage("500 INTERNAL");
    assertThat(terminal.calls).as("one request each, no repeat").hasSize(2);
    assertThat(scheduler.sleeps).isEmpty();
  }

  @Test
  void theCallsRetryBudgetOverridesTheInterceptorsDefault() {
    for (int i = 0; i < 10; i++) {
      terminal.fail(RpcException.of(500, "E" + i));
    }
    List<Interceptor> list = List.of(new RetryInterceptor(1, Duration.ofMillis(100), Duration.ofSeconds(1),
        new Random(1), scheduler));
    CompletableFuture<String> f = InterceptorChain.call(list, end, TestMethod.INSTANCE, CallRoute.UNKNOWN,
        CallOptions.builder().maxRetries(5).build());
    assertThatThrownBy(f::join).cause().hasMessage("500 E5");
    assertThat(terminal.calls).hasSize(6);
  }

  @Test
  void retriesAndFloodWaitRepeatsReachTheListener() {
    List<String> events = new ArrayList<>();
    EventListener listener = new EventListener() {
      @Override
      public void retry(String method, int attempt, Duration delay, Throwable cause) {
        events.add(method + " #" + attempt + " " + cause.getMessage());
      }
    };
    terminal.fail(RpcException.of(500, "A")).fail(RpcException.of(420, "FLOOD_WAIT_2")).answer("ok");
    List<Interceptor> list = List.of(new FloodWaitInterceptor(Duration.ofSeconds(60), 3, scheduler, listener),
        new RetryInterceptor(3, Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)), new Random(1),
            scheduler, listener));
    assertThat(InterceptorChain.call(list, end, TestMethod.INSTANCE, CallRoute.UNKNOWN, CallOptions.DEFAULT).join())
        .isEqualTo("ok");
    assertThat(events).containsExactly("test.method #1 500 A", "test.method #2 420 FLOOD_WAIT_2");
  }

  @Test
  void aThrowingListenerNeverFailsTheCall() {
    EventListener bad = new EventListener() {
      @Override
      public void retry(String method, int attempt, Duration delay, Throwable cause) {
        throw new IllegalStateException("listener bug");
      }
    };
    terminal.fail(RpcException.of(500, "A")).answer("ok");
    List<Interceptor> list = List.of(new RetryInterceptor(3, Backoff.exponential(Duration.ZERO, Duration.ZERO),
        new Random(1), scheduler, bad));
    assertThat(InterceptorChain.call(list, end, TestMethod.INSTANCE, CallRoute.UNKNOWN, CallOptions.DEFAULT).join())
        .isEqualTo("ok");
  }

  @Test
  void anInterceptorThatThrowsOrReturnsNullFailsTheCall() {
    Interceptor thrower = new Interceptor() {
      @Override
      public <R> CompletableFuture<R> intercept(Chain<R> chain) {
        throw new IllegalArgumentException("boom");
      }
    };
    Interceptor nothing = new Interceptor() {
      @Override
      public <R> CompletableFuture<R> intercept(Chain<R> chain) {
        return null;
      }
    };
    assertThatThrownBy(() -> InterceptorChain.call(List.of(thrower), end, TestMethod.INSTANCE, CallRoute.UNKNOWN,
        CallOptions.DEFAULT).join()).cause().hasMessage("boom");
    assertThatThrownBy(() -> InterceptorChain.call(List.of(nothing), end, TestMethod.INSTANCE, CallRoute.UNKNOWN,
        CallOptions.DEFAULT).join()).cause().isInstanceOf(NullPointerException.class);
    assertThat(terminal.calls).isEmpty();
  }
}
