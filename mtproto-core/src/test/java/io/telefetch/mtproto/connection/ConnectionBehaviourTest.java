package io.telefetch.mtproto.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.exchange.KeyExchangeException;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.RpcTimeoutException;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlObjects;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InvokeWithLayer;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.NearestDcType;
import io.telefetch.tl.api.help.GetNearestDc;
import io.telefetch.tl.api.storage.FilePartial;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.FileType;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.mtproto.BadMsgNotification;
import io.telefetch.tl.mtproto.FutureSalt;
import io.telefetch.tl.mtproto.FutureSalts;
import io.telefetch.tl.mtproto.GetFutureSalts;
import io.telefetch.tl.mtproto.MsgDetailedInfo;
import io.telefetch.tl.mtproto.MsgNewDetailedInfo;
import io.telefetch.tl.mtproto.MsgResendReq;
import io.telefetch.tl.mtproto.MsgsAck;
import io.telefetch.tl.mtproto.MsgsStateInfo;
import io.telefetch.tl.mtproto.MsgsStateReq;
import io.telefetch.tl.mtproto.NewSessionCreated;
import io.telefetch.tl.mtproto.PingDelayDisconnect;
import io.telefetch.tl.mtproto.Pong;
import io.telefetch.tl.mtproto.RpcDropAnswer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MtprotoConnection against a scripted server: the fixes of the review, each with the situation
 * that broke it.
 */
class ConnectionBehaviourTest {
  private static NioEventLoopGroup group;

  @BeforeAll
  static void start() {
    group = new NioEventLoopGroup(2);
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static MtprotoConnection connect(FakeDc dc, ConnectionOptions.Builder options) throws Exception {
    return MtprotoConnection.connect(options.build()).get(10, TimeUnit.SECONDS);
  }

  private static MtprotoConnection connect(FakeDc dc) throws Exception {
    return connect(dc, dc.options(group).pingInterval(Duration.ZERO));
  }

  /** The default answers, except for help.getNearestDc, which goes to {@code calls}. */
  private static FakeDc.Script except(FakeDc.Script calls) {
    return (peer, m) -> {
      if (m.unwrapped() instanceof GetNearestDc) {
        calls.onMessage(peer, m);
      } else {
        FakeDc.defaultAnswer(peer, m);
      }
    };
  }

  // ------------------------------------------------------------------ first call, cancel, timeout

  @Test
  void cancellingTheWrappedFirstCallDropsItsAnswer() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      dc.script = except((peer, m) -> {});
      MtprotoConnection c = connect(dc, dc.options(group).pingInterval(Duration.ZERO)
          .firstCallWrapper(m -> new InvokeWithLayer<>(227, m)));
      try {
        CompletableFuture<NearestDcType> f = c.invoke(new GetNearestDc());
        FakeDc.Received sent = dc.next(GetNearestDc.class);
        assertThat(sent.object()).isInstanceOf(InvokeWithLayer.class);
        f.cancel(false);
        FakeDc.Received drop = dc.next(RpcDropAnswer.class);
        assertThat(((RpcDropAnswer) drop.object()).reqMsgId()).isEqualTo(sent.msgId());
        Await.until(() -> c.trackedRequests() == 0, 5, TimeUnit.SECONDS);
        assertThat(f).isCancelled();
        // later calls are not wrapped again
        c.invoke(new GetNearestDc());
        assertThat(dc.next(GetNearestDc.class).object()).isInstanceOf(GetNearestDc.class);
      } finally {
        c.close();
      }
    }
  }

  @Test
  void timingOutTheWrappedFirstCallDropsItsAnswer() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      dc.script = except((peer, m) -> {});
      MtprotoConnection c = connect(dc, dc.options(group).pingInterval(Duration.ZERO)
          .firstCallWrapper(m -> new InvokeWithLayer<>(227, m)));
      try {
        CompletableFuture<NearestDcType> f = c.invoke(new GetNearestDc(), Duration.ofMillis(200));
        FakeDc.Received sent = dc.next(GetNearestDc.class);
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(RpcTimeoutException.class)
            .hasMessageContaining("help.getNearestDc");
        FakeDc.Received drop = dc.next(RpcDropAnswer.class);
        assertThat(((RpcDropAnswer) drop.object()).reqMsgId()).isEqualTo(sent.msgId());
        Await.until(() -> c.trackedRequests() == 0, 5, TimeUnit.SECONDS);
      } finally {
        c.close();
      }
    }
  }

  @Test
  void aCancelledCallIsDroppedAndItsLateAnswerIgnored() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      List<FakeDc.Received> calls = new ArrayList<>();
      dc.script = except((peer, m) -> calls.add(m));
      try (MtprotoConnection c = connect(dc)) {
        CompletableFuture<NearestDcType> f = c.invoke(new GetNearestDc());
        FakeDc.Received sent = dc.next(GetNearestDc.class);
        assertThat(f.cancel(true)).isTrue();
        assertThat(((RpcDropAnswer) dc.next(RpcDropAnswer.class).object()).reqMsgId()).isEqualTo(sent.msgId());
        // the answer comes anyway
        FakeDc.Peer peer = dc.peer();
        peer.run(() -> peer.send(peer.rpcResult(sent.msgId(), new NearestDc("LATE", 1, 1)), true));
        HostileServerMatrixTest.roundTrip(c); // the pong comes after the late answer: it was handled
        assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
        assertThat(c.isOpen()).isTrue();
      }
    }
  }

  // ------------------------------------------------------------------ undecodable answers

  @Test
  void undecodableAnswersFailTheirCallInsteadOfHanging() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      AtomicInteger n = new AtomicInteger();
      dc.script = except((peer, m) -> {
        switch (n.getAndIncrement()) {
          case 0 -> { // an rpc_error whose string runs past the message
            byte[] err = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x2144ca19).putInt(400).put((byte) 80).put((byte) 'A').put((byte) 'B').put((byte) 'C').array();
            peer.send(peer.rpcResultRaw(m.msgId(), err), true);
          }
          case 1 -> { // gzip_packed that is not gzip
            byte[] packed = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x3072cfa1).put((byte) 16).put("not gzip at all!".getBytes()).array();
            peer.send(peer.rpcResultRaw(m.msgId(), java.util.Arrays.copyOf(packed, 24)), true);
          }
          case 2 -> peer.send(peer.rpcResult(m.msgId(), new Pong(1, 2)), true); // the wrong type
          default -> peer.send(peer.rpcResult(m.msgId(), new NearestDc("ZZ", 2, 2)), true);
        }
      });
      try (MtprotoConnection c = connect(dc)) {
        for (int i = 0; i < 3; i++) {
          CompletableFuture<NearestDcType> f = c.invoke(new GetNearestDc());
          assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).as("call %d", i)
              .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TlDecodeException.class);
        }
        assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).country()).isEqualTo("ZZ");
        assertThat(c.isOpen()).isTrue();
        assertThat(c.trackedRequests()).isZero();
      }
    }
  }

  // ------------------------------------------------------------------ connect

  @Test
  void connectFailsWithTheKeyExchangeErrorAndClosesTheChannel() throws Exception {
    try (FakeDc dc = new FakeDc(b -> b.answerDhGenFail())) {
      CompletableFuture<MtprotoConnection> f = MtprotoConnection.connect(dc.options(group).build());
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(KeyExchangeException.class)
          .satisfies(e -> assertThat(((KeyExchangeException) e).reason()).isEqualTo(KeyExchangeException.Reason.DH_GEN_FAIL));
      Await.until(() -> dc.peer().closed, 5, TimeUnit.SECONDS);
    }
  }

  @Test
  void connectRefusesAServerWithAnUntrustedKey() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      CompletableFuture<MtprotoConnection> f = MtprotoConnection.connect(dc.options(group).rsaKeys(RsaKeys.production()).build());
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(KeyExchangeException.class)
          .satisfies(e -> assertThat(((KeyExchangeException) e).reason())
              .isEqualTo(KeyExchangeException.Reason.UNKNOWN_FINGERPRINT));
      Await.until(() -> dc.peer().closed, 5, TimeUnit.SECONDS);
    }
  }

  @Test
  void connectTimesOutWhenTheServerNeverAnswers() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      dc.silent = true;
      CompletableFuture<MtprotoConnection> f =
          MtprotoConnection.connect(dc.options(group).connectTimeout(Duration.ofMillis(300)).build());
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class)
          .cause().isInstanceOf(TimeoutException.class);
      Await.until(() -> dc.peer().closed, 5, TimeUnit.SECONDS);
    }
  }

  @Test
  void connectFailsCleanlyWhenNothingListens() throws Exception {
    int port;
    try (FakeDc dc = new FakeDc()) {
      port = dc.port();
    }
    CompletableFuture<MtprotoConnection> f = MtprotoConnection.connect(ConnectionOptions.builder("127.0.0.1", port)
        .eventLoopGroup(group).rsaKeys(FakeDc.trusted()).build());
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("cannot connect");
  }

  @Test
  void cancellingConnectClosesTheChannel() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      dc.silent = true;
      CompletableFuture<MtprotoConnection> f = MtprotoConnection.connect(dc.options(group).build());
      Await.until(() -> !dc.peers.isEmpty(), 5, TimeUnit.SECONDS);
      f.cancel(false);
      Await.until(() -> dc.peer().closed, 5, TimeUnit.SECONDS);
    }
  }

  @Test
  void callsAfterCloseFailAtOnce() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      MtprotoConnection c = connect(dc);
      c.close();
      assertThat(c.isOpen()).isFalse();
      assertThatThrownBy(() -> c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS))
          .cause().isInstanceOf(ConnectionClosedException.class);
      c.close(); // idempotent
    }
  }

  @Test
  void callsAfterTheEventLoopIsGoneFailInsteadOfThrowing() throws Exception {
    NioEventLoopGroup own = new NioEventLoopGroup(1);
    try (FakeDc dc = new FakeDc()) {
      MtprotoConnection c = connect(dc, dc.options(own).pingInterval(Duration.ZERO));
      own.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      c.closeFuture().get(5, TimeUnit.SECONDS);
      CompletableFuture<NearestDcType> f = c.invoke(new GetNearestDc());
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class);
    } finally {
      own.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  // ------------------------------------------------------------------ zero-copy results

  private static GetFile getFile() {
    return new GetFile(true, false, new InputDocumentFileLocation(1, 2, TlBytes.EMPTY, ""), 0, 4096);
  }

  private static FakeDc.Script fileAnswers() {
    return (peer, m) -> {
      if (m.unwrapped() instanceof GetFile) {
        byte[] content = new byte[1024];
        java.util.Arrays.fill(content, (byte) 7);
        peer.send(peer.rpcResult(m.msgId(), new File(new FilePartial(), 0, TlBytes.wrap(content))), true);
      } else {
        FakeDc.defaultAnswer(peer, m);
      }
    };
  }

  @Test
  void zeroCopyResultsArePassedToTheCaller() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      dc.script = fileAnswers();
      MtprotoConnection c = connect(dc, dc.options(group).pingInterval(Duration.ZERO).zeroCopyThreshold(16));
      try {
        FileType r = c.invoke(getFile()).get(5, TimeUnit.SECONDS);
        TlBytes bytes = ((File) r).bytes();
        assertThat(bytes.isSlice()).isTrue();
        assertThat(bytes.length()).isEqualTo(1024);
        TlObjects.releaseSlices(r);
      } finally {
        c.close();
      }
    }
  }

  @Test
  void zeroCopyResultIsReleasedWhenTheCallerCancelledMeanwhile() throws Exception {
    // the class's paranoid leak detection fails if the slice of this answer is never released
    AtomicReference<CompletableFuture<?>> cancelBeforeDelivery = new AtomicReference<>();
    Executor executor = task -> {
      CompletableFuture<?> victim = cancelBeforeDelivery.getAndSet(null);
      if (victim != null) {
        victim.cancel(false);
      }
      task.run();
    };
    try (FakeDc dc = new FakeDc()) {
      dc.script = fileAnswers();
      MtprotoConnection c = connect(dc, dc.options(group).pingInterval(Duration.ZERO).zeroCopyThreshold(16)
          .callbackExecutor(executor));
      try {
        for (int i = 0; i < 20; i++) {
          // on the connection's loop, so the answer cannot be delivered before the trap is set
          CompletableFuture<FileType> f = c.onLoop(() -> {
            CompletableFuture<FileType> call = c.invoke(getFile());
            cancelBeforeDelivery.set(call);
            return call;
          });
          Await.until(f::isDone, 5, TimeUnit.SECONDS);
          assertThat(f).isCancelled();
        }
      } finally {
        c.close();
      }
    }
  }

  // ------------------------------------------------------------------ service messages

  @Test
  void msgDetailedInfoAsksAgainForAMissedAnswer() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      AtomicReference<long[]> answer = new AtomicReference<>(); // {request id, answer id}
      dc.script = (peer, m) -> {
        if (m.unwrapped() instanceof GetNearestDc) {
          long answerId = peer.nextId(true); // "sent" but lost
          answer.set(new long[] {m.msgId(), answerId});
          peer.send(peer.bytes(new MsgDetailedInfo(m.msgId(), answerId, 64, 0)), false);
        } else if (m.object() instanceof MsgResendReq req && req.msgIds().contains(answer.get()[1])) {
          long[] a = answer.get();
          peer.sendPacket(peer.packet(a[1], peer.seq.next(true), peer.rpcResult(a[0], new NearestDc("AGAIN", 2, 2))));
        } else {
          FakeDc.defaultAnswer(peer, m);
        }
      };
      try (MtprotoConnection c = connect(dc)) {
        NearestDc r = (NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS);
        assertThat(r.country()).isEqualTo("AGAIN");
        FakeDc.Received resend = dc.next(MsgResendReq.class);
        assertThat((resend.seqNo() & 1)).isEqualTo(1);
      }
    }
  }

  @Test
  void msgNewDetailedInfoForAReceivedAnswerIsAcknowledged() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      AtomicReference<Long> answerId = new AtomicReference<>();
      dc.script = answerRecordingItsId(answerId);
      try (MtprotoConnection c = connect(dc)) {
        c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS);
        // wait for the ordinary ack of the answer, then report it again
        assertThat(nextAckContaining(dc, answerId.get())).isTrue();
        FakeDc.Peer peer = dc.peer();
        peer.run(() -> peer.send(peer.bytes(new MsgNewDetailedInfo(answerId.get(), 64, 0)), false));
        assertThat(nextAckContaining(dc, answerId.get())).isTrue();
        assertThat(dc.drain(MsgResendReq.class)).isEmpty();
      }
    }
  }

  /** Answers GetNearestDc, storing the answer's msg_id before the client can see the answer. */
  private static FakeDc.Script answerRecordingItsId(AtomicReference<Long> answerId) {
    return except((peer, m) -> {
      long id = peer.nextId(true);
      answerId.set(id);
      peer.sendPacket(peer.packet(id, peer.seq.next(true), peer.rpcResult(m.msgId(), new NearestDc("ZZ", 2, 2))));
    });
  }

  private static boolean nextAckContaining(FakeDc dc, long id) throws InterruptedException {
    while (true) {
      FakeDc.Received r = dc.next(MsgsAck.class);
      if (((MsgsAck) r.object()).msgIds().contains(id)) {
        assertThat(r.seqNo() & 1).isZero();
        return true;
      }
    }
  }

  @Test
  void msgResendReqFromTheServerResendsUnderANewMsgId() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      AtomicInteger n = new AtomicInteger();
      dc.script = except((peer, m) -> {
        if (n.getAndIncrement() == 0) {
          peer.send(peer.bytes(new MsgResendReq(List.of(m.msgId()))), true);
        } else {
          peer.send(peer.rpcResult(m.msgId(), new NearestDc("RE", 2, 2)), true);
        }
      });
      try (MtprotoConnection c = connect(dc)) {
        assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).country()).isEqualTo("RE");
        long first = dc.next(GetNearestDc.class).msgId();
        long second = dc.next(GetNearestDc.class).msgId();
        assertThat(second).isGreaterThan(first);
      }
    }
  }

  @Test
  void msgsStateReqIsAnsweredWithoutAnAckRequest() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      AtomicReference<Long> answerId = new AtomicReference<>();
      dc.script = answerRecordingItsId(answerId);
      try (MtprotoConnection c = connect(dc)) {
        c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS);
        long received = answerId.get();
        long future = received + (100L << 32);
        FakeDc.Peer peer = dc.peer();
        AtomicReference<Long> reqId = new AtomicReference<>();
        peer.run(() -> reqId.set(peer.send(peer.bytes(new MsgsStateReq(List.of(received, future))), true)));
        FakeDc.Received info = dc.next(MsgsStateInfo.class);
        MsgsStateInfo state = (MsgsStateInfo) info.object();
        assertThat(state.reqMsgId()).isEqualTo(reqId.get());
        assertThat(state.info().toByteArray()).containsExactly(4, 3);
        assertThat(info.seqNo() & 1).isZero(); // msgs_state_info is not content-related
      }
    }
  }

  @Test
  void badSeqnoNotificationKeepsTheSessionAndTheOtherAnswers() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      AtomicInteger n = new AtomicInteger();
      dc.script = except((peer, m) -> {
        if (n.getAndIncrement() == 0) {
          peer.send(peer.bytes(new BadMsgNotification(m.msgId(), m.seqNo(), 32)), false);
        } else {
          peer.send(peer.rpcResult(m.msgId(), new NearestDc("N" + n.get(), 2, 2)), true);
        }
      });
      try (MtprotoConnection c = connect(dc)) {
        long session = c.sessionId();
        CompletableFuture<NearestDcType> a = c.invoke(new GetNearestDc());
        CompletableFuture<NearestDcType> b = c.invoke(new GetNearestDc());
        assertThat(a.get(5, TimeUnit.SECONDS)).isInstanceOf(NearestDc.class);
        assertThat(b.get(5, TimeUnit.SECONDS)).isInstanceOf(NearestDc.class);
        assertThat(c.isOpen()).isTrue();
        assertThat(c.sessionId()).isEqualTo(session);
        Set<Long> sessions = new HashSet<>();
        int maxSeq = 0;
        for (FakeDc.Received r : dc.received) {
          sessions.add(r.sessionId());
          maxSeq = Math.max(maxSeq, r.seqNo());
        }
        assertThat(sessions).containsExactly(session);
        assertThat(maxSeq).isGreaterThan(128); // the resend jumped ahead
      }
    }
  }

  @Test
  void newSessionCreatedResendsWhatTheServerLost() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      AtomicInteger n = new AtomicInteger();
      dc.script = except((peer, m) -> {
        int i = n.getAndIncrement();
        if (i == 0) {
          return; // lost with the old session
        }
        if (i == 1) {
          peer.send(peer.bytes(new NewSessionCreated(m.msgId(), 77, peer.serverSalt)), true);
        }
        peer.send(peer.rpcResult(m.msgId(), new NearestDc("S" + i, 2, 2)), true);
      });
      try (MtprotoConnection c = connect(dc)) {
        CompletableFuture<NearestDcType> lost = c.invoke(new GetNearestDc());
        dc.next(GetNearestDc.class);
        CompletableFuture<NearestDcType> b = c.invoke(new GetNearestDc());
        assertThat(((NearestDc) b.get(5, TimeUnit.SECONDS)).country()).isEqualTo("S1");
        assertThat(((NearestDc) lost.get(5, TimeUnit.SECONDS)).country()).isEqualTo("S2");
      }
    }
  }

  @Test
  void newSessionCreatedForAContainerKeepsItsOwnMessages() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      AtomicInteger n = new AtomicInteger();
      dc.script = except((peer, m) -> {
        if (n.getAndIncrement() == 0) {
          // testkit-style: first_msg_id is the container's id
          peer.send(peer.bytes(new NewSessionCreated(m.inContainer() ? m.containerId() : m.msgId(), 78, peer.serverSalt)),
              true);
        }
        peer.send(peer.rpcResult(m.msgId(), new NearestDc("C", 2, 2)), true);
      });
      try (MtprotoConnection c = connect(dc)) {
        List<CompletableFuture<NearestDcType>> calls = new ArrayList<>();
        c.onLoop(() -> {
          for (int i = 0; i < 3; i++) {
            calls.add(c.invoke(new GetNearestDc()));
          }
          return null;
        });
        for (CompletableFuture<NearestDcType> f : calls) {
          f.get(5, TimeUnit.SECONDS);
        }
        HostileServerMatrixTest.roundTrip(c); // a resend would have reached the server before the ping
        assertThat(dc.drain(GetNearestDc.class)).hasSize(3); // nothing was sent twice
      }
    }
  }

  // ------------------------------------------------------------------ bounds

  @Test
  void answeredContainersAreForgotten() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      try (MtprotoConnection c = connect(dc)) {
        for (int round = 0; round < 600; round++) {
          List<CompletableFuture<NearestDcType>> calls = c.onLoop(() -> List.of(
              c.invoke(new GetNearestDc()), c.invoke(new GetNearestDc())));
          for (CompletableFuture<NearestDcType> f : calls) {
            f.get(5, TimeUnit.SECONDS);
          }
        }
        assertThat(dc.drain(GetNearestDc.class)).hasSize(1200);
        assertThat(c.trackedContainers()).isLessThan(300);
        assertThat(c.trackedRequests()).isZero();
      }
    }
  }

  @Test
  void containersHoldAtMost1020Messages() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      try (MtprotoConnection c = connect(dc)) {
        List<CompletableFuture<NearestDcType>> calls = c.onLoop(() -> {
          List<CompletableFuture<NearestDcType>> all = new ArrayList<>();
          for (int i = 0; i < 2500; i++) {
            all.add(c.invoke(new GetNearestDc()));
          }
          return all;
        });
        for (CompletableFuture<NearestDcType> f : calls) {
          f.get(10, TimeUnit.SECONDS);
        }
        java.util.Map<Long, Integer> perContainer = new java.util.HashMap<>();
        for (FakeDc.Received r : dc.received) {
          if (r.inContainer()) {
            perContainer.merge(r.containerId(), 1, Integer::sum);
          }
        }
        assertThat(perContainer.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1021)); // + msgs_ack
        assertThat(perContainer.values().stream().mapToInt(Integer::intValue).max().orElse(0)).isGreaterThanOrEqualTo(1000);
      }
    }
  }

  @Test
  void containersHoldAboutOneMebibyteAndBiggerMessagesGoAlone() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      dc.script = (peer, m) -> {
        if (m.unwrapped() instanceof io.telefetch.tl.api.upload.SaveFilePart) {
          byte[] boolTrue = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x997275b5).array();
          peer.send(peer.rpcResultRaw(m.msgId(), boolTrue), true);
        } else {
          FakeDc.defaultAnswer(peer, m);
        }
      };
      try (MtprotoConnection c = connect(dc)) {
        java.util.Random random = new java.util.Random(3);
        int[] sizes = {300 << 10, 300 << 10, 300 << 10, 300 << 10, 1100 << 10, 10};
        List<CompletableFuture<Boolean>> calls = c.onLoop(() -> {
          List<CompletableFuture<Boolean>> all = new ArrayList<>();
          for (int i = 0; i < sizes.length; i++) {
            byte[] part = new byte[sizes[i]];
            random.nextBytes(part); // incompressible: no gzip_packed
            all.add(c.invoke(new io.telefetch.tl.api.upload.SaveFilePart(1, i, TlBytes.wrap(part))));
          }
          return all;
        });
        for (CompletableFuture<Boolean> f : calls) {
          assertThat(f.get(10, TimeUnit.SECONDS)).isTrue();
        }
        java.util.Map<Long, Long> bytesPerContainer = new java.util.HashMap<>();
        boolean bigAlone = false;
        for (FakeDc.Received r : dc.received) {
          if (r.object() instanceof io.telefetch.tl.api.upload.SaveFilePart part) {
            if (r.inContainer()) {
              bytesPerContainer.merge(r.containerId(), (long) part.bytes().length(), Long::sum);
            } else if (part.bytes().length() == (1100 << 10)) {
              bigAlone = true;
            }
          }
        }
        assertThat(bytesPerContainer.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1L << 20));
        assertThat(bigAlone).as("a message over the container budget travels on its own").isTrue();
      }
    }
  }

  @Test
  void acksAreBatchedAtMost8192PerMessageAndCoverEverything() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      Set<Long> contentIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
      dc.script = except((peer, m) -> {
        for (int batch = 0; batch < 10; batch++) {
          List<byte[]> bodies = new ArrayList<>();
          List<Boolean> related = new ArrayList<>();
          for (int i = 0; i < 1000; i++) {
            bodies.add(peer.bytes(new Pong(0, batch * 1000 + i)));
            related.add(true);
          }
          List<Long> ids = new ArrayList<>();
          byte[] container = peer.container(bodies, related, ids);
          contentIds.addAll(ids);
          peer.writePacket(peer.packet(peer.nextId(false), peer.seq.next(false), container));
        }
        long id = peer.nextId(true);
        contentIds.add(id);
        peer.sendPacket(peer.packet(id, peer.seq.next(true), peer.rpcResult(m.msgId(), new NearestDc("ZZ", 2, 2))));
      });
      try (MtprotoConnection c = connect(dc)) {
        c.invoke(new GetNearestDc()).get(10, TimeUnit.SECONDS);
        Set<Long> acked = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!acked.containsAll(contentIds) && System.nanoTime() < deadline) {
          FakeDc.Received r = dc.next(MsgsAck.class);
          List<Long> ids = ((MsgsAck) r.object()).msgIds();
          assertThat(ids.size()).isLessThanOrEqualTo(8192);
          for (long id : ids) {
            assertThat(acked.add(id)).as("acked twice: %d", id).isTrue();
          }
        }
        assertThat(acked).containsAll(contentIds);
        assertThat(contentIds).hasSize(10_001);
      }
    }
  }

  // ------------------------------------------------------------------ keep-alive and salts

  @Test
  void disconnectDelayAlwaysOutlastsTheNextPing() {
    assertThat(MtprotoConnection.disconnectDelaySeconds(Duration.ofSeconds(60))).isEqualTo(90);
    assertThat(MtprotoConnection.disconnectDelaySeconds(Duration.ofSeconds(1))).isEqualTo(2);
    assertThat(MtprotoConnection.disconnectDelaySeconds(Duration.ofMillis(1500))).isEqualTo(3);
    assertThat(MtprotoConnection.disconnectDelaySeconds(Duration.ofMillis(1900))).isEqualTo(3);
    assertThat(MtprotoConnection.disconnectDelaySeconds(Duration.ofMillis(100))).isEqualTo(2);
    for (long ms = 1; ms < 200_000; ms += 997) {
      assertThat(MtprotoConnection.disconnectDelaySeconds(Duration.ofMillis(ms)) * 1000L).isGreaterThan(ms + 500);
    }
  }

  @Test
  void pingsCarryTheDisconnectDelayAndPongsKeepTheConnection() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      MtprotoConnection c = connect(dc, dc.options(group).pingInterval(Duration.ofMillis(1500)));
      try {
        FakeDc.Received ping = dc.next(PingDelayDisconnect.class);
        assertThat(((PingDelayDisconnect) ping.object()).disconnectDelay()).isEqualTo(3);
        assertThat(ping.seqNo() & 1).isEqualTo(1);
        dc.next(PingDelayDisconnect.class);
        assertThat(c.isOpen()).isTrue();
      } finally {
        c.close();
      }
    }
  }

  @Test
  void aServerThatStopsAnsweringIsDetectedByTheKeepAlive() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      MtprotoConnection c = connect(dc, dc.options(group).pingInterval(Duration.ofMillis(300)));
      dc.script = (peer, m) -> {}; // alive at the TCP level, silent at the MTProto level
      CompletableFuture<NearestDcType> call = c.invoke(new GetNearestDc(), Duration.ofSeconds(30));
      c.closeFuture().get(5, TimeUnit.SECONDS);
      assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class)
          .cause().isInstanceOf(TimeoutException.class);
    }
  }

  @Test
  void saltRotatesToTheNewestValidFutureSaltFromOurOwnRequestOnly() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      long older = 0x0101L;
      long newest = 0x0202L;
      AtomicInteger requests = new AtomicInteger();
      dc.script = (peer, m) -> {
        if (m.object() instanceof GetFutureSalts) {
          requests.incrementAndGet();
          int now = (int) (System.currentTimeMillis() / 1000);
          peer.send(peer.bytes(new FutureSalts(m.msgId(), now, List.of(
              new FutureSalt(now - 3000, now + 600, older),
              new FutureSalt(now - 60, now + 3600, newest),
              new FutureSalt(now + 1800, now + 5400, 0x0303L),
              new FutureSalt(now + 3600, now + 7200, 0x0404L)))), false);
          // and an unsolicited list that must be ignored
          peer.send(peer.bytes(new FutureSalts(12345, now, List.of(new FutureSalt(now - 1, now + 9999, 0x0999L)))), false);
        } else {
          FakeDc.defaultAnswer(peer, m);
        }
      };
      MtprotoConnection c = connect(dc, dc.options(group).pingInterval(Duration.ofMillis(200)));
      try {
        Await.until(() -> c.serverSalt() == newest, 5, TimeUnit.SECONDS);
        dc.received.clear(); // count only the pings from now on
        for (int i = 0; i < 3; i++) { // a few more keep-alive ticks (each rotates): no flip-flop, no foreign salt
          dc.next(PingDelayDisconnect.class);
        }
        assertThat(c.serverSalt()).isEqualTo(newest);
        c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS);
        assertThat(dc.next(GetNearestDc.class).salt()).isEqualTo(newest);
        assertThat(requests).hasValue(1); // two upcoming salts known: no new request
      } finally {
        c.close();
      }
    }
  }
}
