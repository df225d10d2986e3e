package io.telefetch.testkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.testkit.TestCluster;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.help.GetNearestDc;
import io.telefetch.tl.mtproto.BadServerSalt;
import io.telefetch.tl.mtproto.DestroySession;
import io.telefetch.tl.mtproto.DestroySessionNone;
import io.telefetch.tl.mtproto.Ping;
import io.telefetch.tl.mtproto.Pong;
import io.telefetch.tl.mtproto.RpcAnswerDroppedRunning;
import io.telefetch.tl.mtproto.RpcAnswerUnknown;
import io.telefetch.tl.mtproto.RpcDropAnswer;
import io.telefetch.tl.mtproto.RpcResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Service messages that foreign clients send and our engine never does, answered as Telegram
 * answers them: found by the interop scenario (interop/scenarios/foreign-behaviour.mjs).
 */
class ServiceAnswersTest {
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder().dcs(1).build().start();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @AfterEach
  void noLatency() {
    cluster.dc(1).latency(Duration.ZERO);
  }

  /**
   * GramJS, Telethon, mtcute and our own engine read destroy_session_ok / destroy_session_none as a
   * message of its own (like pong); testkit wrapped it in rpc_result, where none of them looks.
   */
  @Test
  void destroySessionIsAnsweredByAMessageOfItsOwn() throws Exception {
    try (RawSession s = new RawSession(cluster.dc(1), cluster.rsaKeys())) {
      settle(s);
      long unknown = 0x1234_5678_9abc_def0L;
      s.send(s.msgIds.next(), 3, new DestroySession(unknown));
      List<TlObject> answers = until(s, o -> o instanceof DestroySessionNone
          || o instanceof RpcResult r && r.result() instanceof DestroySessionNone);
      assertThat(answers).noneMatch(o -> o instanceof RpcResult);
      assertThat(answers).anySatisfy(o ->
          assertThat(((DestroySessionNone) o).sessionId()).isEqualTo(unknown));
    }
  }

  /**
   * mtcute (like our engine) cancels a call with rpc_drop_answer; for a query the server is still
   * running the answer is rpc_answer_dropped_running, to the drop and to the query itself
   * (service_messages.html); testkit answered rpc_answer_unknown and then the query's real result.
   */
  @Test
  void droppingARunningQueryAnswersDroppedRunningTwice() throws Exception {
    try (RawSession s = new RawSession(cluster.dc(1), cluster.rsaKeys())) {
      settle(s);
      cluster.dc(1).latency(Duration.ofMillis(1500));
      long query = s.msgIds.next();
      s.send(query, 3, new GetNearestDc());
      long drop = s.msgIds.next();
      s.send(drop, 5, new RpcDropAnswer(query));

      List<RpcResult> results = results(until(s, o -> o instanceof RpcResult r && r.reqMsgId() == query));
      assertThat(results).anySatisfy(r -> {
        assertThat(r.reqMsgId()).isEqualTo(drop);
        assertThat(r.result()).isInstanceOf(RpcAnswerDroppedRunning.class);
      });
      assertThat(results).anySatisfy(r -> {
        assertThat(r.reqMsgId()).isEqualTo(query);
        assertThat(r.result()).isInstanceOf(RpcAnswerDroppedRunning.class);
      });
    }
  }

  @Test
  void droppingAnAnsweredQueryAnswersUnknown() throws Exception {
    try (RawSession s = new RawSession(cluster.dc(1), cluster.rsaKeys())) {
      settle(s);
      long query = s.msgIds.next();
      s.send(query, 3, new GetNearestDc());
      List<RpcResult> results = results(until(s, o -> o instanceof RpcResult r && r.reqMsgId() == query));
      assertThat(results).anySatisfy(r -> assertThat(r.result()).isInstanceOf(NearestDc.class));
      long drop = s.msgIds.next();
      s.send(drop, 5, new RpcDropAnswer(query));
      results = results(until(s, o -> o instanceof RpcResult r && r.reqMsgId() == drop));
      assertThat(results).anySatisfy(r -> {
        assertThat(r.reqMsgId()).isEqualTo(drop);
        assertThat(r.result()).isInstanceOf(RpcAnswerUnknown.class);
      });
    }
  }

  private static List<RpcResult> results(List<TlObject> messages) {
    return messages.stream().filter(o -> o instanceof RpcResult).map(o -> (RpcResult) o).toList();
  }

  /** Pings with seq_no 1 until the pong arrives, adopting the server salt when told. */
  private static void settle(RawSession s) throws Exception {
    for (int attempt = 0; attempt < 3; attempt++) {
      s.send(s.msgIds.next(), 1, new Ping(1L));
      for (int i = 0; i < 5; i++) {
        List<TlObject> got = s.receive();
        if (got.stream().anyMatch(o -> o instanceof Pong)) {
          return;
        }
        BadServerSalt salt = (BadServerSalt) got.stream().filter(o -> o instanceof BadServerSalt)
            .findFirst().orElse(null);
        if (salt != null) {
          s.salt = salt.newServerSalt();
          break;
        }
      }
    }
    throw new AssertionError("no pong");
  }

  /** Receives until a message matches {@code last}; returns everything received (unpacked). */
  private static List<TlObject> until(RawSession s, Predicate<TlObject> last) throws Exception {
    List<TlObject> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      List<TlObject> got = s.receive();
      all.addAll(got);
      if (got.stream().anyMatch(last)) {
        return all;
      }
    }
    throw new AssertionError("not received; got " + all);
  }
}
