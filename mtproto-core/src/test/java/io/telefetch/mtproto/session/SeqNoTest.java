package io.telefetch.mtproto.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The seqno rules of PROTOCOL-NOTES section 5. */
class SeqNoTest {

  @Test
  void contentRelatedMessagesGetOddNumbersAndAdvance() {
    SeqNo s = new SeqNo();
    assertThat(s.next(true)).isEqualTo(1);
    assertThat(s.next(true)).isEqualTo(3);
    assertThat(s.next(true)).isEqualTo(5);
    assertThat(s.contentMessages()).isEqualTo(3);
  }

  @Test
  void otherMessagesGetTheEvenNumberAndDoNotAdvance() {
    SeqNo s = new SeqNo();
    assertThat(s.next(false)).isZero(); // an ack before anything else
    assertThat(s.next(true)).isEqualTo(1);
    assertThat(s.next(false)).isEqualTo(2); // e.g. msgs_ack after the query
    assertThat(s.next(false)).isEqualTo(2); // and the container carrying both
    assertThat(s.next(true)).isEqualTo(3);
  }

  @Test
  void aContainerIsNumberedAfterItsContents() {
    SeqNo s = new SeqNo();
    int a = s.next(true);
    int b = s.next(true);
    int ack = s.next(false);
    int container = s.next(false);
    assertThat(container).isGreaterThanOrEqualTo(Math.max(a, Math.max(b, ack)));
    assertThat(container & 1).isZero();
  }

  @Test
  void adjustsForBadMsgNotifications() {
    SeqNo s = new SeqNo();
    s.next(true);
    s.adjust(64); // 32: too low
    assertThat(s.next(true)).isEqualTo(2 * 65 + 1);
    s.adjust(-16); // 33: too high
    assertThat(s.next(true)).isEqualTo(2 * 50 + 1);
    s.adjust(-1000); // never below zero
    assertThat(s.next(false)).isZero();
    s.next(true);
    s.reset();
    assertThat(s.next(true)).isEqualTo(1);
  }
}
