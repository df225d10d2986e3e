package io.telefetch.mtproto.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.testing.TestClock;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MsgIdGeneratorTest {
  private static final Instant T0 = Instant.parse("2024-02-08T20:45:00Z");

  @Test
  void clientIdsAreMultiplesOfFourAndStrictlyIncreasingOnAFrozenClock() {
    MsgIdGenerator g = new MsgIdGenerator(Clock.fixed(T0, ZoneOffset.UTC));
    long previous = 0;
    for (int i = 0; i < 100_000; i++) {
      long id = g.next();
      assertThat(id & 3).isZero();
      assertThat(id).isGreaterThan(previous);
      assertThat(MsgIdGenerator.secondsOf(id)).isEqualTo(T0.getEpochSecond());
      previous = id;
    }
  }

  @Test
  void lowBitsAreNeverEmptyEvenOnAWholeSecond() {
    MsgIdGenerator g = new MsgIdGenerator(Clock.fixed(T0, ZoneOffset.UTC));
    long id = g.next();
    assertThat(id & 0xFFFF_FFFFL).isNotZero();
    assertThat(id & 3).isZero();
    assertThat(MsgIdGenerator.secondsOf(id)).isEqualTo(T0.getEpochSecond());
  }

  @Test
  void idsEncodeTimeAndFraction() {
    TestClock clock = TestClock.at(T0.toEpochMilli() + 500);
    MsgIdGenerator g = new MsgIdGenerator(clock);
    long id = g.next();
    assertThat(MsgIdGenerator.secondsOf(id)).isEqualTo(T0.getEpochSecond());
    assertThat((double) (id & 0xFFFF_FFFFL) / (1L << 32)).isBetween(0.499, 0.501);
    clock.advance(1000);
    assertThat(MsgIdGenerator.secondsOf(g.next())).isEqualTo(T0.getEpochSecond() + 1);
  }

  @Test
  void serverIdsAreOneModFourForResponsesAndThreeOtherwise() {
    MsgIdGenerator g = new MsgIdGenerator(Clock.fixed(T0, ZoneOffset.UTC));
    long previous = 0;
    for (int i = 0; i < 1000; i++) {
      boolean response = i % 3 != 0;
      long id = g.nextServer(response);
      assertThat(id & 3).isEqualTo(response ? 1L : 3L);
      assertThat(id).isGreaterThan(previous);
      previous = id;
    }
  }

  @Test
  void staysMonotonicWhenTheClockGoesBack() {
    TestClock clock = TestClock.at(T0.toEpochMilli());
    MsgIdGenerator g = new MsgIdGenerator(clock);
    long a = g.next();
    clock.advance(-60_000);
    long b = g.next();
    assertThat(b).isGreaterThan(a);
    g.setOffsetMillis(-3_600_000); // a resync to a server an hour behind
    assertThat(g.next()).isGreaterThan(b);
  }

  @Test
  void offsetIsAppliedAndSyncedFromAServerMsgId() {
    TestClock clock = TestClock.at(T0.toEpochMilli());
    MsgIdGenerator g = new MsgIdGenerator(clock);
    assertThat(g.offsetMillis()).isZero();
    g.setOffsetMillis(90_000);
    assertThat(g.serverTimeMillis()).isEqualTo(T0.toEpochMilli() + 90_000);
    assertThat(MsgIdGenerator.secondsOf(g.next())).isEqualTo(T0.getEpochSecond() + 90);

    // a server message created 250.5 s behind our clock
    long serverMillis = T0.toEpochMilli() - 250_500;
    long serverId = EnvelopeTest.msgIdAt(serverMillis, 1);
    g.syncWith(serverId);
    assertThat(g.offsetMillis()).isBetween(-250_501L, -250_499L);
    assertThat(g.serverTimeMillis()).isBetween(serverMillis - 1, serverMillis + 1);
    // ids stay increasing across the resync, and ids after it track the server time
    clock.advance(600_000);
    assertThat(MsgIdGenerator.secondsOf(g.next())).isEqualTo((serverMillis + 600_000) / 1000);
  }

  @Test
  void syncWithAFutureServerMovesIdsForward() {
    MsgIdGenerator g = new MsgIdGenerator(Clock.fixed(T0, ZoneOffset.UTC));
    long before = g.next();
    g.syncWith(EnvelopeTest.msgIdAt(T0.toEpochMilli() + 45_000, 3));
    long after = g.next();
    assertThat(MsgIdGenerator.secondsOf(after) - MsgIdGenerator.secondsOf(before)).isEqualTo(45);
  }
}
