package io.telefetch.mtproto.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FloodWaitInterceptorTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final ScriptedCaller terminal = new ScriptedCaller();

  private RpcCaller chain(Duration threshold, int maxWaits) {
    return RpcCaller.intercepted(terminal, List.of(new FloodWaitInterceptor(threshold, maxWaits, scheduler)));
  }

  @Test
  void sleepsThroughShortWaitsAndRepeats() {
    terminal.fail(RpcException.of(420, "FLOOD_WAIT_3")).fail(RpcException.of(420, "FLOOD_PREMIUM_WAIT_5")).answer("ok");
    assertThat(chain(Duration.ofSeconds(60), 5).call(TestMethod.INSTANCE).join()).isEqualTo("ok");
    assertThat(scheduler.sleeps).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(5));
    assertThat(terminal.calls).hasSize(3);
  }

  @Test
  void thresholdIsInclusiveAndLongerWaitsFail() {
    terminal.fail(RpcException.of(420, "FLOOD_WAIT_60")).answer("ok");
    assertThat(chain(Duration.ofSeconds(60), 5).call(TestMethod.INSTANCE).join()).isEqualTo("ok");

    terminal.fail(RpcException.of(420, "FLOOD_WAIT_61"));
    scheduler.sleeps.clear();
    assertThatThrownBy(() -> chain(Duration.ofSeconds(60), 5).call(TestMethod.INSTANCE).join())
        .isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(FloodWaitException.class).hasMessage("420 FLOOD_WAIT_61");
    assertThat(scheduler.sleeps).isEmpty();
  }

  @Test
  void defaultThresholdIsSixtySeconds() {
    assertThat(FloodWaitInterceptor.DEFAULT_THRESHOLD).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void maxWaitsIsRespected() {
    for (int i = 0; i < 5; i++) {
      terminal.fail(RpcException.of(420, "FLOOD_WAIT_1"));
    }
    CompletableFuture<String> f = chain(Duration.ofSeconds(60), 3).call(TestMethod.INSTANCE);
    assertThatThrownBy(f::join).cause().isInstanceOf(FloodWaitException.class);
    assertThat(scheduler.sleeps).hasSize(3);
    assertThat(terminal.calls).hasSize(4);
  }

  @Test
  void otherErrorsPassThroughUntouched() {
    RpcException e = RpcException.of(400, "PEER_ID_INVALID");
    terminal.fail(e);
    assertThatThrownBy(() -> chain(Duration.ofSeconds(60), 5).call(TestMethod.INSTANCE).join()).cause().isSameAs(e);
    RpcException server = RpcException.of(500, "INTERNAL");
    terminal.fail(server);
    assertThatThrownBy(() -> chain(Duration.ofSeconds(60), 5).call(TestMethod.INSTANCE).join()).cause().isSameAs(server);
    assertThat(scheduler.sleeps).isEmpty();
    assertThat(terminal.calls).hasSize(2);
  }

  @Test
  void cancellingDuringTheCallCancelsTheCall() {
    terminal.hang = true;
    CompletableFuture<String> f = chain(Duration.ofSeconds(60), 5).call(TestMethod.INSTANCE);
    f.cancel(false);
    assertThat(terminal.calls).hasSize(1);
    assertThat(terminal.calls.get(0)).isCancelled();
  }

  @Test
  void cancellingDuringTheSleepStopsTheRetry() {
    scheduler.hold = true;
    terminal.fail(RpcException.of(420, "FLOOD_WAIT_10")).answer("late");
    CompletableFuture<String> f = chain(Duration.ofSeconds(60), 5).call(TestMethod.INSTANCE);
    assertThat(scheduler.held).hasSize(1);
    f.cancel(false);
    assertThat(scheduler.held.get(0)).isCancelled();
    assertThat(terminal.calls).hasSize(1);
    assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
  }

  @Test
  void absurdWaitsFailAtOnceCarryingTheSeconds() {
    RpcCaller patient = chain(FloodWaitInterceptor.MAX_THRESHOLD, 1000);
    for (String message : List.of("FLOOD_WAIT_1000000000", "FLOOD_PREMIUM_WAIT_2147483647",
        "FLOOD_WAIT_99999999999999999999", "SLOWMODE_WAIT_86401")) {
      terminal.fail(RpcException.of(420, message));
      CompletableFuture<String> f = patient.call(TestMethod.INSTANCE);
      assertThat(f).isCompletedExceptionally();
      assertThatThrownBy(f::join).cause().isInstanceOf(FloodWaitException.class).hasMessageContaining(message);
    }
    assertThat(scheduler.sleeps).isEmpty();
    FloodWaitException e = (FloodWaitException) RpcException.of(420, "FLOOD_WAIT_1000000000");
    assertThat(e.seconds()).isEqualTo(1_000_000_000);
    assertThat(e.waitTime()).isEqualTo(Duration.ofSeconds(1_000_000_000L));
    assertThat(((FloodWaitException) RpcException.of(420, "FLOOD_WAIT_99999999999999999999")).seconds())
        .isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void thresholdsBeyondADayAreRefused() {
    // a threshold of "forever" would sleep 10^9 seconds on a hostile server's word
    for (Duration absurd : List.of(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(1_000_000_000L),
        FloodWaitInterceptor.MAX_THRESHOLD.plusSeconds(1), Duration.ofSeconds(-1))) {
      assertThatThrownBy(() -> new FloodWaitInterceptor(absurd, 3, scheduler))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(scheduler.sleeps).isEmpty();
  }

  @Test
  void systemSchedulerNeverOverflowsOnHugeDelays() {
    CompletableFuture<Void> forever = Scheduler.system().sleep(Duration.ofSeconds(Long.MAX_VALUE));
    CompletableFuture<Void> long1 = Scheduler.system().sleep(Duration.ofSeconds(1_000_000_000L));
    assertThat(forever).isNotDone();
    assertThat(long1).isNotDone();
    forever.cancel(false);
    long1.cancel(false);
    assertThat(Scheduler.system().sleep(Duration.ofSeconds(-5))).succeedsWithin(Duration.ofSeconds(5));
  }
}
