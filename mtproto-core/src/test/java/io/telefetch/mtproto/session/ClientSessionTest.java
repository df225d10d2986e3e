package io.telefetch.mtproto.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.ResendLimitException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.mtproto.rpc.RpcTimeoutException;
import io.telefetch.testing.GzipBombs;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlRegistry;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.UpdateShort;
import io.telefetch.tl.api.UpdateUserTyping;
import io.telefetch.tl.api.SendMessageTypingAction;
import io.telefetch.tl.api.help.GetNearestDc;
import io.telefetch.tl.mtproto.BadMsgNotification;
import io.telefetch.tl.mtproto.BadServerSalt;
import io.telefetch.tl.mtproto.FutureSalt;
import io.telefetch.tl.mtproto.FutureSalts;
import io.telefetch.tl.mtproto.GetFutureSalts;
import io.telefetch.tl.mtproto.MsgsAck;
import io.telefetch.tl.mtproto.NewSessionCreated;
import io.telefetch.tl.mtproto.PingDelayDisconnect;
import io.telefetch.tl.mtproto.Pong;
import io.telefetch.tl.mtproto.RpcDropAnswer;
import io.telefetch.tl.mtproto.RpcError;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The client session on virtual time: no socket, no thread, no sleep. The test plays the server:
 * it reads what the session sends ({@link ClientSession.Send}), builds what the server answers
 * with {@link Wire} and hands it in as decrypted packets, and moves one clock that dates msg_ids
 * and drives the deadlines.
 */
class ClientSessionTest {
  private static final long SALT = 0x1122334455667788L;
  private static final Duration NO_TIMEOUT = Duration.ZERO;

  /** A clock the test moves; also the source of {@code now} for the session's deadlines. */
  private static final class ManualClock extends Clock {
    long millis = 1_700_000_000_000L;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
      return millis;
    }
  }

  /** A message the session sent; {@code containerId} is 0 when it travelled alone. */
  private record Sent(long msgId, int seqNo, TlObject object, long containerId, long salt) {}

  private final ManualClock clock = new ManualClock();
  /** The server's clock: the same as the client's unless a test skews them. */
  private final ManualClock serverClock = new ManualClock();
  private final MsgIdGenerator serverIds = new MsgIdGenerator(serverClock);
  private final SeqNo serverSeq = new SeqNo();
  private final TlRegistry registry = TlRegistry.standard();
  private long now = 5_000;
  private ClientSession session;

  private ClientSession start(UnaryOperator<ClientSession.Options.Builder> options) {
    SecureRandom random;
    try {
      random = SecureRandom.getInstance("SHA1PRNG");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    random.setSeed(42);
    session = new ClientSession(options.apply(ClientSession.Options.builder()
        .name("test").clock(clock).random(random).serverSalt(SALT)).build());
    session.start(now);
    session.takeFlushRequest();
    return session;
  }

  private ClientSession start() {
    return start(b -> b);
  }

  private void advance(long millis) {
    now += millis;
    clock.millis += millis;
    serverClock.millis += millis;
  }

  private static <R> ClientSession.Call call(TlMethod<R> method, Duration timeout) {
    return new ClientSession.Call(method, Wire.serialize(method), timeout, method.tlName(), false);
  }

  /** Writes everything the session has to send, as the connection does when asked to flush. */
  private List<ClientSession.Action> flush() {
    session.takeFlushRequest(); // the flush asked for is this one
    List<ClientSession.Action> actions = new ArrayList<>();
    while (session.hasOutgoing()) {
      actions.addAll(session.nextPacket(now));
    }
    return actions;
  }

  private List<Sent> sent(List<ClientSession.Action> actions) {
    List<Sent> out = new ArrayList<>();
    for (ClientSession.Action a : actions) {
      if (a instanceof ClientSession.Send s) {
        ByteBuf body = Unpooled.wrappedBuffer(s.body());
        if (Wire.startsWith(body, Wire.MSG_CONTAINER)) {
          assertThat(s.seqNo() & 1).as("a container is not content-related").isZero();
          Wire.readContainer(body, (id, seq, inner) -> out.add(new Sent(id, seq, decode(inner), s.msgId(), s.salt())));
        } else {
          out.add(new Sent(s.msgId(), s.seqNo(), decode(body), 0, s.salt()));
        }
      }
    }
    return out;
  }

  private List<Sent> flushSent() {
    return sent(flush());
  }

  private TlObject decode(ByteBuf body) {
    return new TlReader(body, registry, TlReader.Options.DEFAULT).readObject();
  }

  /** The server sends {@code body} as one message; returns the session's actions. */
  private List<ClientSession.Action> receive(byte[] body, boolean contentRelated) {
    return receive(serverIds.nextServer(contentRelated), serverSeq.next(contentRelated), body);
  }

  private List<ClientSession.Action> receive(long msgId, int seqNo, byte[] body) {
    ByteBuf buf = Unpooled.wrappedBuffer(body);
    try {
      return session.onPacket(new Envelope.Plaintext(SALT, session.sessionId(), msgId, seqNo, buf), now);
    } finally {
      buf.release();
    }
  }

  private List<ClientSession.Action> answer(Sent request, TlObject result) {
    return receive(Wire.rpcResult(request.msgId(), Wire.serialize(result)), true);
  }

  private static <T> List<T> only(List<ClientSession.Action> actions, Class<T> type) {
    return actions.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }

  private static List<String> names(List<Sent> sent) {
    return sent.stream().map(s -> s.object().tlName()).collect(Collectors.toList());
  }

  // ------------------------------------------------------------------ batching

  @Test
  void callsSubmittedTogetherTravelInOneContainerWithOddSeqnos() {
    start();
    List<ClientSession.Call> calls = List.of(call(new GetNearestDc(), NO_TIMEOUT), call(new GetNearestDc(), NO_TIMEOUT),
        call(new GetNearestDc(), NO_TIMEOUT));
    for (ClientSession.Call c : calls) {
      assertThat(session.submit(c, now)).isEmpty();
    }
    assertThat(session.takeFlushRequest()).isTrue();
    assertThat(session.takeFlushRequest()).as("one request per batch").isFalse();

    List<ClientSession.Action> actions = session.nextPacket(now);
    assertThat(actions).hasSize(1);
    List<Sent> sent = sent(actions);
    assertThat(sent).hasSize(3).allSatisfy(s -> {
      assertThat(s.containerId()).isNotZero();
      assertThat(s.seqNo() & 1).isEqualTo(1);
      assertThat(s.salt()).isEqualTo(SALT);
    });
    assertThat(sent.stream().map(Sent::seqNo)).containsExactly(1, 3, 5);
    assertThat(sent.stream().map(Sent::msgId)).isSorted().doesNotHaveDuplicates();
    assertThat(session.hasOutgoing()).isFalse();
    assertThat(calls).allSatisfy(c -> assertThat(c.sent()).isTrue());
    assertThat(session.trackedContainers()).isEqualTo(1);
    assertThat(session.trackedRequests()).isEqualTo(3);
  }

  @Test
  void aContainerHoldsAtMost1020MessagesTheRestGoesInTheNextPacket() {
    start();
    for (int i = 0; i < ClientSession.MAX_CONTAINER_MESSAGES + 5; i++) {
      session.submit(call(new GetNearestDc(), NO_TIMEOUT), now);
    }
    List<ClientSession.Action> first = session.nextPacket(now);
    List<ClientSession.Action> second = session.nextPacket(now);
    assertThat(sent(first)).hasSize(ClientSession.MAX_CONTAINER_MESSAGES);
    assertThat(sent(second)).hasSize(5);
    assertThat(session.hasOutgoing()).isFalse();
  }

  @Test
  void anAnswerCompletesItsCallInAnyOrder() {
    start();
    ClientSession.Call a = call(new GetNearestDc(), NO_TIMEOUT);
    ClientSession.Call b = call(new GetNearestDc(), NO_TIMEOUT);
    session.submit(a, now);
    session.submit(b, now);
    List<Sent> sent = flushSent();
    List<ClientSession.Action> second = answer(sent.get(1), new NearestDc("BB", 2, 2));
    List<ClientSession.Action> first = receive(Wire.rpcResult(sent.get(0).msgId(),
        Wire.serialize(new RpcError(420, "FLOOD_WAIT_3"))), true);
    assertThat(only(second, ClientSession.Complete.class)).singleElement().satisfies(c -> {
      assertThat(c.call()).isSameAs(b);
      assertThat(((NearestDc) c.value()).country()).isEqualTo("BB");
    });
    assertThat(only(first, ClientSession.Fail.class)).singleElement().satisfies(f -> {
      assertThat(f.call()).isSameAs(a);
      assertThat(f.error()).isInstanceOf(RpcException.class);
    });
    assertThat(session.trackedRequests()).isZero();
    assertThat(answer(sent.get(1), new NearestDc("XX", 2, 2))).as("a second answer completes nothing")
        .noneMatch(x -> x instanceof ClientSession.Complete || x instanceof ClientSession.Close);
  }

  // ------------------------------------------------------------------ acks

  @Test
  void acksWait100MillisThenGoAlone() {
    start();
    ClientSession.Call c = call(new GetNearestDc(), NO_TIMEOUT);
    session.submit(c, now);
    Sent request = flushSent().get(0);
    long answerId = serverIds.nextServer(true);
    receive(answerId, serverSeq.next(true), Wire.rpcResult(request.msgId(), Wire.serialize(new NearestDc("A", 1, 1))));
    assertThat(session.pendingAcks()).isEqualTo(1);
    assertThat(session.takeFlushRequest()).as("one ack waits").isFalse();
    assertThat(session.nextTickAt()).isEqualTo(now + ClientSession.ACK_DELAY_MILLIS);

    advance(ClientSession.ACK_DELAY_MILLIS - 1);
    assertThat(session.onTick(now)).isEmpty();
    assertThat(session.takeFlushRequest()).isFalse();
    advance(1);
    session.onTick(now);
    assertThat(session.takeFlushRequest()).isTrue();
    List<Sent> acks = flushSent();
    assertThat(acks).singleElement().satisfies(s -> {
      assertThat(s.object()).isInstanceOf(MsgsAck.class);
      assertThat(((MsgsAck) s.object()).msgIds()).containsExactly(answerId);
      assertThat(s.seqNo() & 1).as("msgs_ack is not content-related").isZero();
      assertThat(s.containerId()).isZero();
    });
    assertThat(session.nextTickAt()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void sixtyFourAcksAreSentAtOnceAndAcksRideWithCalls() {
    start();
    for (int i = 0; i < ClientSession.ACK_FLUSH_COUNT - 1; i++) {
      receive(Wire.serialize(new UpdateShort(new UpdateUserTyping(1, null, new SendMessageTypingAction()), 1)), true);
    }
    assertThat(session.takeFlushRequest()).isFalse();
    receive(Wire.serialize(new UpdateShort(new UpdateUserTyping(1, null, new SendMessageTypingAction()), 1)), true);
    assertThat(session.takeFlushRequest()).isTrue();
    session.submit(call(new GetNearestDc(), NO_TIMEOUT), now);
    List<Sent> sent = flushSent();
    assertThat(names(sent)).containsExactly("help.getNearestDc", "msgs_ack");
    assertThat(((MsgsAck) sent.get(1).object()).msgIds()).hasSize(ClientSession.ACK_FLUSH_COUNT);
    assertThat(sent).allSatisfy(s -> assertThat(s.containerId()).isNotZero());
  }

  @Test
  void updatesBecomeUpdateActionsWithTheirWireSize() {
    start();
    byte[] update = Wire.serialize(new UpdateShort(new UpdateUserTyping(7, null, new SendMessageTypingAction()), 1));
    List<ClientSession.Action> actions = receive(update, true);
    assertThat(only(actions, ClientSession.Update.class)).singleElement().satisfies(u -> {
      assertThat(u.update()).isInstanceOf(UpdateShort.class);
      assertThat(u.size()).isEqualTo(update.length);
    });
  }

  // ------------------------------------------------------------------ resends

  @Test
  void aMessageTheServerKeepsRejectingFailsAfterMaxResends() {
    start(b -> b.maxResends(2));
    ClientSession.Call c = call(new GetNearestDc(), NO_TIMEOUT);
    session.submit(c, now);
    List<Long> ids = new ArrayList<>();
    List<ClientSession.Action> last = List.of();
    for (int i = 0; i < 3; i++) {
      Sent s = flushSent().get(0);
      ids.add(s.msgId());
      last = receive(Wire.serialize(new BadMsgNotification(s.msgId(), s.seqNo(), 48)), false);
    }
    assertThat(ids).as("each resend has a new msg_id").doesNotHaveDuplicates().isSorted();
    assertThat(only(last, ClientSession.Fail.class)).singleElement().satisfies(f -> {
      assertThat(f.call()).isSameAs(c);
      assertThat(f.error()).isInstanceOf(ResendLimitException.class);
      assertThat(((ResendLimitException) f.error()).sends()).isEqualTo(3);
    });
    assertThat(session.hasOutgoing()).isFalse();
    assertThat(session.trackedRequests()).isZero();
  }

  @Test
  void aRejectedContainerIsResentMessageByMessage() {
    start();
    session.submit(call(new GetNearestDc(), NO_TIMEOUT), now);
    session.submit(call(new GetNearestDc(), NO_TIMEOUT), now);
    List<Sent> first = flushSent();
    long containerId = first.get(0).containerId();
    receive(Wire.serialize(new BadServerSalt(containerId, 0, 48, 777L)), false);
    assertThat(session.serverSalt()).isEqualTo(777L);
    List<Sent> again = flushSent();
    assertThat(again).hasSize(2).allSatisfy(s -> {
      assertThat(s.salt()).isEqualTo(777L);
      assertThat(first.stream().map(Sent::msgId)).doesNotContain(s.msgId());
    });
  }

  @Test
  void noticesAboutIdsWeNeverSentChangeNothing() {
    start();
    receive(Wire.serialize(new BadServerSalt(4444L, 1, 48, 777L)), false);
    receive(Wire.serialize(new BadMsgNotification(4448L, 1, 17)), false);
    assertThat(session.serverSalt()).isEqualTo(SALT);
    assertThat(session.hasOutgoing()).isFalse();
  }

  @Test
  void newSessionCreatedResendsWhatTheServerLost() {
    start();
    ClientSession.Call lost = call(new GetNearestDc(), NO_TIMEOUT);
    session.submit(lost, now);
    Sent lostSent = flushSent().get(0);
    advance(10);
    ClientSession.Call kept = call(new GetNearestDc(), NO_TIMEOUT);
    session.submit(kept, now);
    Sent keptSent = flushSent().get(0);
    receive(Wire.serialize(new NewSessionCreated(keptSent.msgId(), 99, 555L)), false);
    assertThat(session.serverSalt()).isEqualTo(555L);
    List<Sent> resent = flushSent();
    assertThat(resent).singleElement().satisfies(s -> {
      assertThat(s.object()).isInstanceOf(GetNearestDc.class);
      assertThat(s.msgId()).isGreaterThan(keptSent.msgId());
    });
    assertThat(lost.sent()).isTrue();
    assertThat(lostSent.msgId()).isLessThan(keptSent.msgId());
  }

  @Test
  void badMsg32MovesTheSeqnoAheadAndResends() {
    start();
    session.submit(call(new GetNearestDc(), NO_TIMEOUT), now);
    Sent s = flushSent().get(0);
    assertThat(s.seqNo()).isEqualTo(1);
    receive(Wire.serialize(new BadMsgNotification(s.msgId(), s.seqNo(), 32)), false);
    Sent again = flushSent().get(0);
    assertThat(again.seqNo()).as("64 content messages ahead").isEqualTo(2 * (1 + 64) + 1);
  }

  @Test
  void aStateRequestIsAnsweredFromTheReplayWindow() {
    start();
    long seen = serverIds.nextServer(false);
    receive(seen, serverSeq.next(true), Wire.serialize(new UpdateShort(new UpdateUserTyping(1, null, new SendMessageTypingAction()), 1)));
    long future = serverIds.nextServer(false) + (1000L << 32);
    receive(Wire.serialize(new io.telefetch.tl.mtproto.MsgsStateReq(List.of(seen, future))), true);
    List<Sent> sent = flushSent();
    io.telefetch.tl.mtproto.MsgsStateInfo info = sent.stream().map(Sent::object)
        .filter(o -> o instanceof io.telefetch.tl.mtproto.MsgsStateInfo).map(o -> (io.telefetch.tl.mtproto.MsgsStateInfo) o)
        .findFirst().orElseThrow();
    assertThat(info.info().byteAt(0)).as("received").isEqualTo((byte) 4);
    assertThat(info.info().byteAt(1)).as("not received, beyond the window").isEqualTo((byte) 3);
  }

  @Test
  void detailedInfoAsksOnceForAnAnswerStillAwaited() {
    start();
    session.submit(call(new GetNearestDc(), NO_TIMEOUT), now);
    Sent s = flushSent().get(0);
    long answerId = serverIds.nextServer(true) + 4;
    receive(Wire.serialize(new io.telefetch.tl.mtproto.MsgDetailedInfo(s.msgId(), answerId, 100, 0)), false);
    List<Sent> sent = flushSent();
    assertThat(sent).singleElement().satisfies(r ->
        assertThat(((io.telefetch.tl.mtproto.MsgResendReq) r.object()).msgIds()).containsExactly(answerId));
  }

  @Test
  void noticesWaitingToBeSentAreBounded() {
    start();
    for (int i = 0; i < ClientSession.MAX_QUEUED_NOTICES + 100; i++) {
      receive(Wire.serialize(new io.telefetch.tl.mtproto.MsgsStateReq(List.of(4L))), true);
    }
    assertThat(session.queuedMessages()).isEqualTo(ClientSession.MAX_QUEUED_NOTICES);
  }

  @Test
  void onlyTheFirstApiCallIsWrapped() {
    start(b -> b.firstCallWrapper(m -> new io.telefetch.tl.api.InvokeWithLayer<>(123, m)));
    session.submit(call(new GetNearestDc(), NO_TIMEOUT), now);
    session.submit(call(new GetNearestDc(), NO_TIMEOUT), now);
    List<Sent> sent = flushSent();
    assertThat(names(sent)).containsExactly("invokeWithLayer", "help.getNearestDc");
    assertThat(((io.telefetch.tl.api.InvokeWithLayer<?>) sent.get(0).object()).layer()).isEqualTo(123);
  }

  // ------------------------------------------------------------------ clock

  @Test
  void badMsg17OutsideTheWindowResyncsTheClockAndResends() {
    start();
    session.submit(call(new GetNearestDc(), NO_TIMEOUT), now);
    Sent s = flushSent().get(0);
    serverClock.millis += 600_000; // the server is 10 minutes ahead
    List<ClientSession.Action> actions = receive(Wire.serialize(new BadMsgNotification(s.msgId(), s.seqNo(), 17)), false);
    assertThat(actions).noneMatch(a -> a instanceof ClientSession.Close);
    assertThat(session.timeOffsetMillis()).isBetween(599_000L, 601_000L);
    Sent again = flushSent().get(0);
    assertThat(MsgIdGenerator.secondsOf(again.msgId()) - MsgIdGenerator.secondsOf(s.msgId())).isBetween(599L, 601L);
  }

  @Test
  void skewedNoticesAreAcceptedAtMostThreeTimesInARow() {
    start(b -> b.maxResends(100));
    session.submit(call(new GetNearestDc(), NO_TIMEOUT), now);
    List<ClientSession.Action> actions = List.of();
    for (int i = 0; i <= ClientSession.MAX_SKEWED_NOTICES; i++) {
      Sent s = flushSent().get(0);
      serverClock.millis += 600_000;
      actions = receive(Wire.serialize(new BadMsgNotification(s.msgId(), s.seqNo(), 16)), false);
      if (i < ClientSession.MAX_SKEWED_NOTICES) {
        assertThat(actions).noneMatch(a -> a instanceof ClientSession.Close);
      }
    }
    assertThat(only(actions, ClientSession.Close.class)).singleElement().satisfies(c ->
        assertThat(((MessageRejectedException) c.cause()).reason()).isEqualTo(MessageRejectedException.Reason.MSG_ID_TIME));
  }

  // ------------------------------------------------------------------ timeouts

  @Test
  void aCallTimesOutOnVirtualTimeAndItsAnswerIsDropped() {
    start();
    ClientSession.Call c = call(new GetNearestDc(), Duration.ofSeconds(5));
    session.submit(c, now);
    Sent s = flushSent().get(0);
    assertThat(session.nextTickAt()).isEqualTo(now + 5_000);
    advance(4_999);
    assertThat(session.onTick(now)).isEmpty();
    advance(1);
    List<ClientSession.Action> actions = session.onTick(now);
    assertThat(only(actions, ClientSession.Fail.class)).singleElement()
        .satisfies(f -> assertThat(f.error()).isInstanceOf(RpcTimeoutException.class));
    assertThat(session.takeFlushRequest()).isTrue();
    List<Sent> drop = flushSent();
    assertThat(drop).singleElement().satisfies(d -> assertThat(((RpcDropAnswer) d.object()).reqMsgId()).isEqualTo(s.msgId()));
    assertThat(answer(s, new NearestDc("late", 1, 1))).as("the late answer completes nothing")
        .noneMatch(a -> a instanceof ClientSession.Complete);
  }

  @Test
  void aCancelledCallIsForgottenAndItsAnswerDropped() {
    start();
    ClientSession.Call c = call(new GetNearestDc(), Duration.ofSeconds(5));
    session.submit(c, now);
    Sent s = flushSent().get(0);
    assertThat(session.cancel(c, now)).isEmpty();
    assertThat(names(flushSent())).containsExactly("rpc_drop_answer");
    // the call's deadline is gone: only the drop answer's own remains
    assertThat(session.nextTickAt()).isEqualTo(now + ClientSession.INTERNAL_TIMEOUT_MILLIS);
    assertThat(answer(s, new NearestDc("late", 1, 1))).noneMatch(a -> a instanceof ClientSession.Complete);
  }

  // ------------------------------------------------------------------ keep-alive and salts

  @Test
  void theKeepAlivePingsAndClosesWhenNothingArrives() {
    start(b -> b.pingInterval(Duration.ofSeconds(10)));
    assertThat(session.nextTickAt()).isEqualTo(now + 10_000);
    advance(10_000);
    session.onTick(now);
    List<Sent> sent = flushSent();
    assertThat(names(sent)).containsExactly("ping_delay_disconnect", "get_future_salts");
    PingDelayDisconnect ping = (PingDelayDisconnect) sent.get(0).object();
    assertThat(ping.disconnectDelay()).isEqualTo(ClientSession.disconnectDelaySeconds(Duration.ofSeconds(10)));
    // the pong arrives: no close
    session.onActivity();
    receive(Wire.serialize(new Pong(sent.get(0).msgId(), ping.pingId())), false);
    advance(10_000);
    session.onTick(now);
    flushSent();
    advance(ping.disconnectDelay() * 1000L);
    List<ClientSession.Action> actions = session.onTick(now);
    assertThat(only(actions, ClientSession.Close.class)).singleElement()
        .satisfies(c -> assertThat(c.cause()).isInstanceOf(java.util.concurrent.TimeoutException.class));
  }

  @Test
  void futureSaltsRotateTheSaltWhenTheirTimeComes() {
    start(b -> b.pingInterval(Duration.ofSeconds(60)));
    advance(60_000);
    session.onTick(now);
    Sent get = flushSent().stream().filter(s -> s.object() instanceof GetFutureSalts).findFirst().orElseThrow();
    int t = (int) (serverClock.millis / 1000);
    receive(Wire.serialize(new FutureSalts(get.msgId(), t, List.of(
        new FutureSalt(t - 60, t + 1800, 1001L),
        new FutureSalt(t + 1800, t + 3600, 1002L),
        new FutureSalt(t + 3600, t + 5400, 1003L)))), false);
    advance(60_000);
    session.onTick(now);
    assertThat(session.serverSalt()).isEqualTo(1001L);
    assertThat(names(flushSent())).as("enough salts to come: none asked for").containsExactly("ping_delay_disconnect");
    advance(1_800_000);
    session.onTick(now);
    assertThat(session.serverSalt()).isEqualTo(1002L);
    assertThat(names(flushSent())).as("one salt left to come: more asked for").contains("get_future_salts");
  }

  @Test
  void futureSaltsNobodyAskedForAreIgnored() {
    start(b -> b.pingInterval(Duration.ofSeconds(60)));
    int t = (int) (serverClock.millis / 1000);
    receive(Wire.serialize(new FutureSalts(12345, t, List.of(new FutureSalt(t - 1, t + 9999, 0x999L)))), false);
    for (int i = 0; i < 3; i++) {
      advance(60_000);
      session.onTick(now);
      assertThat(session.serverSalt()).isEqualTo(SALT);
    }
  }

  @Test
  void aLostFutureSaltsRequestIsAskedAgainAfterItsTimeout() {
    start(b -> b.pingInterval(Duration.ofSeconds(60)));
    advance(60_000);
    session.onTick(now);
    assertThat(names(flushSent())).contains("get_future_salts");
    advance(ClientSession.INTERNAL_TIMEOUT_MILLIS); // no answer: the request times out
    session.onTick(now);
    flushSent();
    advance(60_000 - ClientSession.INTERNAL_TIMEOUT_MILLIS);
    session.onTick(now);
    assertThat(names(flushSent())).contains("get_future_salts");
  }

  // ------------------------------------------------------------------ bounds

  @Test
  void theSendBudgetBoundsUnwrittenCallsAndIsGivenBackWhenWritten() {
    start(b -> b.maxQueued(2, 1 << 20));
    SendBudget budget = session.budget();
    byte[] body = Wire.serialize(new GetNearestDc());
    assertThat(budget.tryReserve(body.length)).isTrue();
    session.submit(new ClientSession.Call(new GetNearestDc(), body, NO_TIMEOUT, null, true), now);
    assertThat(budget.tryReserve(body.length)).isTrue();
    session.submit(new ClientSession.Call(new GetNearestDc(), body, NO_TIMEOUT, null, true), now);
    assertThat(budget.tryReserve(body.length)).as("a third call is refused").isFalse();
    assertThat(budget.calls()).isEqualTo(2);
    assertThat(budget.bytes()).isEqualTo(2L * body.length);
    flush();
    assertThat(budget.calls()).isZero();
    assertThat(budget.bytes()).isZero();
  }

  @Test
  void pendingAcksAreCapped() {
    start();
    for (int i = 0; i < ClientSession.MAX_PENDING_ACKS + 10; i++) {
      receive(Wire.serialize(new UpdateShort(new UpdateUserTyping(1, null, new SendMessageTypingAction()), 1)), true);
    }
    assertThat(session.pendingAcks()).isEqualTo(ClientSession.MAX_PENDING_ACKS);
  }

  // ------------------------------------------------------------------ hostile answers

  @Test
  void aGzipBombInAnRpcResultFailsThatCallOnly() {
    start();
    ClientSession.Call bombed = call(new GetNearestDc(), NO_TIMEOUT);
    ClientSession.Call fine = call(new GetNearestDc(), NO_TIMEOUT);
    session.submit(bombed, now);
    session.submit(fine, now);
    List<Sent> sent = flushSent();
    byte[] bomb = GzipBombs.bomb(Wire.serialize(new NearestDc("ZZ", 2, 2)), 40 << 20);
    List<ClientSession.Action> actions = receive(Wire.rpcResult(sent.get(0).msgId(), bomb), true);
    assertThat(actions).noneMatch(a -> a instanceof ClientSession.Close);
    assertThat(only(actions, ClientSession.Fail.class)).singleElement().satisfies(f -> {
      assertThat(f.call()).isSameAs(bombed);
      assertThat(f.error()).isInstanceOf(TlDecodeException.class);
    });
    assertThat(only(answer(sent.get(1), new NearestDc("OK", 2, 2)), ClientSession.Complete.class)).singleElement()
        .satisfies(c -> assertThat(c.call()).isSameAs(fine));
  }

  @Test
  void aZeroCopyResultHoldsThePacketUntilItsOwnerReleasesIt() {
    start(b -> b.zeroCopyThreshold(16));
    io.telefetch.tl.api.upload.GetFile get = new io.telefetch.tl.api.upload.GetFile(false, false,
        new io.telefetch.tl.api.InputDocumentFileLocation(1, 2, io.telefetch.tl.TlBytes.wrap(new byte[4]), ""), 0, 4096);
    session.submit(call(get, NO_TIMEOUT), now);
    Sent s = flushSent().get(0);
    byte[] content = new byte[4096];
    java.util.Arrays.fill(content, (byte) 7);
    byte[] body = Wire.rpcResult(s.msgId(), Wire.serialize(new io.telefetch.tl.api.upload.File(
        new io.telefetch.tl.api.storage.FileJpeg(), 1, io.telefetch.tl.TlBytes.wrap(content))));
    ByteBuf packet = Unpooled.wrappedBuffer(body);
    List<ClientSession.Action> actions =
        session.onPacket(new Envelope.Plaintext(SALT, session.sessionId(), serverIds.nextServer(true), serverSeq.next(true), packet), now);
    Object value = only(actions, ClientSession.Complete.class).get(0).value();
    assertThat(packet.refCnt()).as("the result's bytes are a slice of the packet").isEqualTo(2);
    assertThat(((io.telefetch.tl.api.upload.File) value).bytes().length()).isEqualTo(4096);
    ClientSession.releaseResult(value);
    assertThat(packet.refCnt()).isEqualTo(1);
    // an answer nobody waits for is never decoded: it holds nothing
    receive(Wire.rpcResult(s.msgId(), Wire.serialize(new io.telefetch.tl.api.upload.File(
        new io.telefetch.tl.api.storage.FileJpeg(), 1, io.telefetch.tl.TlBytes.wrap(content)))), true);
    assertThat(packet.release()).isTrue();
  }

  @Test
  void anRpcResultWithAnEvenSeqnoClosesTheSession() {
    start();
    session.submit(call(new GetNearestDc(), NO_TIMEOUT), now);
    Sent s = flushSent().get(0);
    List<ClientSession.Action> actions = receive(serverIds.nextServer(true), serverSeq.next(false),
        Wire.rpcResult(s.msgId(), Wire.serialize(new NearestDc("A", 1, 1))));
    assertThat(only(actions, ClientSession.Close.class)).singleElement().satisfies(c ->
        assertThat(((MessageRejectedException) c.cause()).reason()).isEqualTo(MessageRejectedException.Reason.SEQ_NO));
  }

  // ------------------------------------------------------------------ closing

  @Test
  void closingFailsEveryCallSayingWhetherItWasSent() {
    start();
    ClientSession.Call written = call(new GetNearestDc(), NO_TIMEOUT);
    session.submit(written, now);
    flush();
    ClientSession.Call queued = call(new GetNearestDc(), NO_TIMEOUT);
    session.submit(queued, now);
    IllegalStateException cause = new IllegalStateException("gone");
    List<ClientSession.Fail> fails = only(session.close(cause), ClientSession.Fail.class);
    assertThat(fails).hasSize(2);
    for (ClientSession.Fail f : fails) {
      ConnectionClosedException e = (ConnectionClosedException) f.error();
      assertThat(e.getCause()).isSameAs(cause);
      assertThat(e.requestSent()).isEqualTo(f.call() == written);
    }
    ClientSession.Call late = call(new GetNearestDc(), NO_TIMEOUT);
    assertThat(only(session.submit(late, now), ClientSession.Fail.class)).singleElement()
        .satisfies(f -> assertThat(((ConnectionClosedException) f.error()).requestSent()).isFalse());
    assertThat(session.hasOutgoing()).isFalse();
    assertThat(session.nextTickAt()).isEqualTo(Long.MAX_VALUE);
  }
}
