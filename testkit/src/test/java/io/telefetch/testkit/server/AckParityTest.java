package io.telefetch.testkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.testkit.TestCluster;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.mtproto.BadMsgNotification;
import io.telefetch.tl.mtproto.BadServerSalt;
import io.telefetch.tl.mtproto.MsgsAck;
import io.telefetch.tl.mtproto.Ping;
import io.telefetch.tl.mtproto.Pong;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * mtcute numbers its msgs_ack as content-related (an odd seq_no, next to its pings and calls in
 * one container). Telegram accepts that; testkit answered bad_msg_notification 34 and mtcute reset
 * its session on every flush that carried acks, so it never got an answer.
 */
class AckParityTest {
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(1).build().start();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void anAckWithAnOddSeqNoIsAcceptedLikeTelegramDoes() throws Exception {
    try (RawSession s = new RawSession(cluster.dc(1), cluster.rsaKeys())) {
      // settle the salt and the session with a first ping (seq 1)
      assertThat(pingUntilPong(s, 1, 1)).noneMatch(o -> o instanceof BadMsgNotification);

      // mtcute's pattern: container (even) of msgs_ack (odd, seq 3) and ping (odd, seq 5)
      long ackId = s.msgIds.next();
      long pingId = s.msgIds.next();
      long containerId = s.msgIds.next();
      s.sendContainer(containerId, 6, List.of(
          RawSession.message(ackId, 3, new MsgsAck(List.of(1L))),
          RawSession.message(pingId, 5, new Ping(42L))));
      List<TlObject> answers = untilPong(s, 42L);
      assertThat(answers).noneMatch(o -> o instanceof BadMsgNotification);

      // and alone, outside a container (seq 7), followed by a ping (seq 9)
      s.send(s.msgIds.next(), 7, new MsgsAck(List.of(1L)));
      s.send(s.msgIds.next(), 9, new Ping(43L));
      answers = untilPong(s, 43L);
      assertThat(answers).noneMatch(o -> o instanceof BadMsgNotification);
    }
  }

  @Test
  void parityIsStillCheckedForContentRelatedMessages() throws Exception {
    try (RawSession s = new RawSession(cluster.dc(1), cluster.rsaKeys())) {
      pingUntilPong(s, 1, 1);
      long bad = s.msgIds.next();
      s.send(bad, 4, new Ping(7L)); // a ping is content-related: an even seq_no is refused
      List<TlObject> answers = s.receive();
      assertThat(answers).anySatisfy(o -> {
        assertThat(o).isInstanceOf(BadMsgNotification.class);
        assertThat(((BadMsgNotification) o).badMsgId()).isEqualTo(bad);
        assertThat(((BadMsgNotification) o).errorCode()).isEqualTo(35);
      });
    }
  }

  /** Pings (adopting the server salt when told) until the pong arrives; returns all answers. */
  private static List<TlObject> pingUntilPong(RawSession s, int seqNo, long pingId) throws Exception {
    List<TlObject> all = new ArrayList<>();
    for (int attempt = 0; attempt < 3; attempt++) {
      s.send(s.msgIds.next(), seqNo, new Ping(pingId));
      for (int i = 0; i < 5; i++) {
        List<TlObject> got = s.receive();
        all.addAll(got);
        if (got.stream().anyMatch(o -> o instanceof Pong p && p.pingId() == pingId)) {
          return all;
        }
        BadServerSalt salt = (BadServerSalt) got.stream().filter(o -> o instanceof BadServerSalt)
            .findFirst().orElse(null);
        if (salt != null) {
          s.salt = salt.newServerSalt();
          all.remove(salt);
          break;
        }
      }
    }
    throw new AssertionError("no pong; received " + all);
  }

  private static List<TlObject> untilPong(RawSession s, long pingId) throws Exception {
    List<TlObject> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      List<TlObject> got = s.receive();
      all.addAll(got);
      if (got.stream().anyMatch(o -> o instanceof Pong p && p.pingId() == pingId)) {
        return all;
      }
    }
    throw new AssertionError("no pong for " + pingId + "; received " + all);
  }
}
