package io.telefetch.mtproto.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RetryInterceptorTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final ScriptedCaller terminal = new ScriptedCaller();

  private RetryInterceptor retry(int maxRetries, long seed) {
    return new RetryInterceptor(maxRetries, Duration.ofMillis(100), Duration.ofSeconds(5), new Random(seed), scheduler);
  }

  private RpcCaller chain(RetryInterceptor r) {
    return RpcCaller.intercepted(terminal, List.of(r));
  }

  @Test
  void retriesServerErrorsThenSucceeds() {
    terminal.fail(RpcException.of(500, "INTERNAL_SERVER_ERROR")).fail(RpcException.of(-503, "Timeout")).answer("ok");
    assertThat(chain(retry(5, 1)).call(TestMethod.INSTANCE).join()).isEqualTo("ok");
    assertThat(terminal.calls).hasSize(3);
    assertThat(scheduler.sleeps).hasSize(2);
    assertThat(scheduler.sleeps.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(99));
    assertThat(scheduler.sleeps.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(199));
  }

  @Test
  void givesUpAfterMaxRetriesWithTheLastError() {
    for (int i = 0; i < 10; i++) {
      terminal.fail(RpcException.of(500, "ERR_" + i));
    }
    CompletableFuture<String> f = chain(retry(3, 1)).call(TestMethod.INSTANCE);
    assertThatThrownBy(f::join).cause().isInstanceOf(RpcException.class).hasMessage("500 ERR_3");
    assertThat(terminal.calls).hasSize(4);
    assertThat(scheduler.sleeps).hasSize(3);
  }

  @Test
  void nonRetryableErrorsPassThroughAtOnce() {
    for (RpcException e : List.of(RpcException.of(400, "BAD_REQUEST"), RpcException.of(420, "FLOOD_WAIT_1"),
        RpcException.of(303, "FILE_MIGRATE_2"), RpcException.of(401, "AUTH_KEY_UNREGISTERED"))) {
      terminal.fail(e);
      assertThatThrownBy(() -> chain(retry(5, 1)).call(TestMethod.INSTANCE).join()).cause().isSameAs(e);
    }
    ConnectionClosedException closed = new ConnectionClosedException("gone", null);
    terminal.script.add(() -> {
      throw closed;
    });
    assertThatThrownBy(() -> chain(retry(5, 1)).call(TestMethod.INSTANCE).join()).cause().isSameAs(closed);
    assertThat(scheduler.sleeps).isEmpty();
  }

  @Test
  void backoffIsFullJitterUnderAnExponentialCap() {
    RetryInterceptor r = retry(100, 42);
    for (int attempt = 0; attempt < 12; attempt++) {
      long cap = Math.min(5000, 100L << attempt);
      long max = 0;
      long min = Long.MAX_VALUE;
      for (int i = 0; i < 2000; i++) {
        long d = r.backoff(attempt).toMillis();
        assertThat(d).isBetween(0L, cap - 1);
        max = Math.max(max, d);
        min = Math.min(min, d);
      }
      // full jitter: the whole range is used, not just the top of it
      assertThat(min).as("attempt %d", attempt).isLessThan(cap / 10 + 1);
      assertThat(max).as("attempt %d", attempt).isGreaterThan(cap * 9 / 10 - 1);
    }
  }

  @Test
  void backoffIsDeterministicForASeedAndNeverOverflows() {
    RetryInterceptor a = retry(5, 9);
    RetryInterceptor b = retry(5, 9);
    for (int i = 0; i < 10; i++) {
      assertThat(a.backoff(i)).isEqualTo(b.backoff(i));
    }
    RetryInterceptor huge = new RetryInterceptor(5, Duration.ofDays(365), Duration.ofDays(3650), new Random(1), scheduler);
    for (int attempt : new int[] {0, 1, 20, 40, 62, 63, 1000, Integer.MAX_VALUE}) {
      assertThat(huge.backoff(attempt)).isBetween(Duration.ZERO, Duration.ofDays(3650));
    }
    RetryInterceptor zero = new RetryInterceptor(5, Duration.ZERO, Duration.ofSeconds(1), new Random(1), scheduler);
    assertThat(zero.backoff(3)).isEqualTo(Duration.ZERO);
  }

  @Test
  void cancellationReachesTheCallInFlight() {
    terminal.hang = true;
    CompletableFuture<String> f = chain(retry(5, 1)).call(TestMethod.INSTANCE);
    f.cancel(true);
    assertThat(terminal.calls.get(0)).isCancelled();
  }

  @Test
  void aFailingSchedulerFailsTheCallInsteadOfLeavingItHanging() {
    terminal.fail(RpcException.of(500, "X"));
    Scheduler broken = d -> {
      throw new IllegalStateException("scheduler shut down");
    };
    RetryInterceptor r = new RetryInterceptor(3, Duration.ofMillis(1), Duration.ofMillis(10), new Random(1), broken);
    CompletableFuture<String> f = chain(r).call(TestMethod.INSTANCE);
    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::join).cause().isInstanceOf(IllegalStateException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
  }

  @Test
  void floodWaitOutsideRetryComposes() {
    // the usual chain: flood-wait outermost, then retry
    terminal.fail(RpcException.of(500, "X")).fail(RpcException.of(420, "FLOOD_WAIT_2")).fail(RpcException.of(-503, "T"))
        .answer("done");
    RpcCaller c = RpcCaller.intercepted(terminal, List.of(
        new FloodWaitInterceptor(Duration.ofSeconds(60), 3, scheduler), retry(3, 5), new LoggingInterceptor()));
    assertThat(c.call(TestMethod.INSTANCE).join()).isEqualTo("done");
    assertThat(terminal.calls).hasSize(4);
    assertThat(scheduler.sleeps).contains(Duration.ofSeconds(2));
  }
}
