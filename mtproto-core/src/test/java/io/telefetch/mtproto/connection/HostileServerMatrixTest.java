package io.telefetch.mtproto.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.testing.TestClock;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.crypto.DhChecks;
import io.telefetch.mtproto.exchange.KeyExchangeException;
import io.telefetch.mtproto.exchange.ScriptedPeer;
import io.telefetch.mtproto.exchange.ServerKeyExchange;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.ResendLimitException;
import io.telefetch.mtproto.rpc.RpcTimeoutException;
import io.telefetch.mtproto.rpc.SendQueueFullException;
import io.telefetch.mtproto.session.MessageRejectedException;
import io.telefetch.mtproto.transport.TransportException;
import io.telefetch.testing.LeakDetection;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlJson;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlWriter;
import io.telefetch.tl.api.EncryptedFileEmpty;
import io.telefetch.tl.api.EncryptedMessage;
import io.telefetch.tl.api.JsonArray;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.NearestDcType;
import io.telefetch.tl.api.UpdateConfig;
import io.telefetch.tl.api.UpdateNewEncryptedMessage;
import io.telefetch.tl.api.UpdateShort;
import io.telefetch.tl.api.UpdatesTooLong;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.help.GetNearestDc;
import io.telefetch.tl.api.storage.FilePartial;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.SaveFilePart;
import io.telefetch.tl.mtproto.BadMsgNotification;
import io.telefetch.tl.mtproto.BadServerSalt;
import io.telefetch.tl.mtproto.DhGenOk;
import io.telefetch.tl.mtproto.FutureSalt;
import io.telefetch.tl.mtproto.FutureSalts;
import io.telefetch.tl.mtproto.MsgDetailedInfo;
import io.telefetch.tl.mtproto.MsgNewDetailedInfo;
import io.telefetch.tl.mtproto.MsgResendReq;
import io.telefetch.tl.mtproto.MsgsAck;
import io.telefetch.tl.mtproto.MsgsStateInfo;
import io.telefetch.tl.mtproto.NewSessionCreated;
import io.telefetch.tl.mtproto.Pong;
import io.telefetch.tl.mtproto.ResPQ;
import io.telefetch.tl.mtproto.RpcAnswerDropped;
import io.telefetch.tl.mtproto.RpcAnswerDroppedRunning;
import io.telefetch.tl.mtproto.RpcAnswerUnknown;
import io.telefetch.tl.mtproto.ReqDHParams;
import io.telefetch.tl.mtproto.ServerDHInnerData;
import io.telefetch.tl.mtproto.ServerDHParamsOk;
import io.telefetch.tl.mtproto.SetClientDHParams;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The malicious-server / network matrix at the connection level: the real {@link MtprotoConnection}
 * against a {@link FakeDc} that runs the real key exchange and then misbehaves. Each row asserts
 * that the connection closes or the call fails with a typed error within a bound, that nothing
 * from the bad message reaches a caller, and (where a peer could drive it) that memory stays
 * bounded. Rows about the receive checks of single packets (msg_key, length, padding, session,
 * msg_id parity/time/replay, seqno parity) live in {@link ConnectionReceiveChecksTest} (same
 * FakeDc, same assertions, one parameterized case per check); the unknown RSA fingerprint of the
 * server's own key in {@code ConnectionBehaviourTest#connectRefusesAServerWithAnUntrustedKey};
 * gzip bombs with the gzip code. The forged key-exchange answers (dh_prime, g, g_a, inner nonce)
 * come from an attacker holding the server's RSA key ({@code ScriptedPeer}).
 */
class HostileServerMatrixTest {
  private static NioEventLoopGroup group;

  @BeforeAll
  static void start() {
    group = new NioEventLoopGroup(2);
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static MtprotoConnection connect(ConnectionOptions.Builder options) throws Exception {
    return MtprotoConnection.connect(options.build()).get(10, TimeUnit.SECONDS);
  }

  private static ConnectionOptions.Builder options(FakeDc dc) {
    return dc.options(group).pingInterval(Duration.ZERO);
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

  /**
   * A ping and its pong: the session queues in order and the server answers in order, so whatever
   * the client queued before (a resend, say) has reached the server when this returns. Replaces
   * waiting a while for something that must not happen.
   */
  static void roundTrip(MtprotoConnection c) throws Exception {
    c.invoke(new io.telefetch.tl.mtproto.Ping(0x5eed)).get(5, TimeUnit.SECONDS);
  }

  private static long pooledBytes() {
    PooledByteBufAllocatorMetric m = PooledByteBufAllocator.DEFAULT.metric();
    return m.usedDirectMemory() + m.usedHeapMemory();
  }

  /** How {@code f} failed, waiting at most 10 s; an AssertionError if it succeeded or hangs. */
  private static Throwable failure(CompletableFuture<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("still pending after 10 s", e);
    }
    throw new AssertionError("succeeded");
  }

  private static byte[] oneMebibyte(int seed) {
    byte[] b = new byte[1 << 20];
    new Random(seed).nextBytes(b);
    return b;
  }

  /**
   * A call that travels as help.getNearestDc (so FakeDc answers it) but whose result reader first
   * reads the answer as any object (zero-copy slices included) when {@code readFirst}, then throws.
   */
  static final class Throwing implements TlMethod<Object> {
    private final Supplier<? extends Throwable> error;
    private final boolean readFirst;

    Throwing(Supplier<? extends Throwable> error, boolean readFirst) {
      this.error = error;
      this.readFirst = readFirst;
    }

    @Override
    public Object readResult(TlReader reader) {
      if (readFirst) {
        reader.readObject();
      }
      Throwable t = error.get();
      if (t instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) t;
    }

    @Override
    public int constructorId() {
      return new GetNearestDc().constructorId();
    }

    @Override
    public String tlName() {
      return "test.throwing";
    }

    @Override
    public void writeBody(TlWriter writer) {}

    @Override
    public void appendJson(TlJson json) {}
  }

  /** A call that travels as help.getNearestDc and reads its answer as any boxed object. */
  static final class AnyResult implements TlMethod<TlObject> {
    @Override
    public TlObject readResult(TlReader reader) {
      return reader.readObject();
    }

    @Override
    public int constructorId() {
      return new GetNearestDc().constructorId();
    }

    @Override
    public String tlName() {
      return "test.anyResult";
    }

    @Override
    public void writeBody(TlWriter writer) {}

    @Override
    public void appendJson(TlJson json) {}
  }

  // ================================================================== decode errors inside results (hole 2)

  static Stream<Arguments> decoderErrors() {
    return Stream.of(
        Arguments.of("StackOverflowError", (Supplier<Throwable>) StackOverflowError::new),
        Arguments.of("OutOfMemoryError", (Supplier<Throwable>) () -> new OutOfMemoryError("test")),
        Arguments.of("AssertionError", (Supplier<Throwable>) AssertionError::new),
        Arguments.of("IllegalStateException", (Supplier<Throwable>) IllegalStateException::new));
  }

  /** Row: decode errors inside results (an Error from a decoder). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("decoderErrors")
  void aDecoderErrorFailsTheCallAndClosesTheConnection(String what, Supplier<Throwable> error) throws Exception {
    try (FakeDc dc = new FakeDc()) {
      dc.script = (peer, m) -> {
        if (!(m.unwrapped() instanceof GetConfig)) { // help.getConfig waits forever
          FakeDc.defaultAnswer(peer, m);
        }
      };
      MtprotoConnection c = connect(options(dc).callTimeout(Duration.ZERO));
      CompletableFuture<?> other = c.invoke(new GetConfig());
      dc.next(GetConfig.class);
      CompletableFuture<Object> call = c.invoke(new Throwing(error, false));

      assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(TlDecodeException.class)
          .cause().isInstanceOf(error.get().getClass());
      assertThatThrownBy(() -> other.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class)
          .cause().isInstanceOf(io.telefetch.mtproto.rpc.ProtocolViolationException.class);
      c.closeFuture().get(5, TimeUnit.SECONDS);
      assertThat(c.isOpen()).isFalse();
    }
  }

  /** Row: decode errors inside results: a result failing half-way releases the slices it made. */
  @Test
  void aResultFailingHalfWayReleasesItsZeroCopySlices() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      byte[] content = oneMebibyte(1);
      dc.script = except((peer, m) ->
          peer.send(peer.rpcResult(m.msgId(), new File(new FilePartial(), 0, TlBytes.wrap(content))), true));
      LeakDetection.collect();
      long before = pooledBytes();
      try (MtprotoConnection c = connect(options(dc).zeroCopyThreshold(16))) {
        for (int i = 0; i < 40; i++) {
          CompletableFuture<Object> call = c.invoke(new Throwing(() -> new TlDecodeException("trailing", 0, 0), true));
          assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(TlDecodeException.class);
        }
        assertThat(c.isOpen()).isTrue(); // a TlDecodeException leaves the stream intact
        assertThat(pooledBytes() - before).as("pooled memory growth").isLessThan(16L << 20);
      }
      assertThat(LeakDetection.collect()).isEmpty();
    }
  }

  // ================================================================== unsolicited large objects (hole 4)

  /** Row: unsolicited large objects (service-level objects, unknown/duplicate answers, updates with bytes). */
  @Test
  void unsolicitedLargeObjectsAreReleased() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      List<TlObject> updates = new CopyOnWriteArrayList<>();
      AtomicInteger round = new AtomicInteger();
      dc.script = except((peer, m) -> {
        int r = round.getAndIncrement();
        byte[] content = oneMebibyte(r);
        File file = new File(new FilePartial(), 0, TlBytes.wrap(content));
        switch (r % 4) {
          case 0 -> peer.send(peer.bytes(file), true); // an upload.file nobody asked for
          case 1 -> peer.send(peer.rpcResult(m.msgId() ^ 0x40, file), true); // an answer to an unknown id
          case 2 -> peer.send(peer.bytes(new UpdateShort(new UpdateNewEncryptedMessage(
              new EncryptedMessage(1, 2, 3, TlBytes.wrap(content), new EncryptedFileEmpty()), 4), 5)), true);
          default -> { }
        }
        peer.send(peer.rpcResult(m.msgId(), new NearestDc("ZZ", 2, 2)), true);
        if (r % 4 == 3) {
          peer.send(peer.rpcResult(m.msgId(), file), true); // a duplicate answer
        }
      });
      LeakDetection.collect();
      long before = pooledBytes();
      try (MtprotoConnection c = connect(options(dc).zeroCopyThreshold(1024).updateListener(updates::add))) {
        for (int i = 0; i < 120; i++) {
          assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).country()).isEqualTo("ZZ");
        }
        c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS); // behind the last duplicate
        Await.until(() -> updates.size() == 30, 5, TimeUnit.SECONDS);
        assertThat(c.isOpen()).isTrue();
        assertThat(pooledBytes() - before).as("pooled memory growth").isLessThan(24L << 20);
        // updates reach the listener as copies: nothing for it to release
        UpdateShort u = (UpdateShort) updates.get(0);
        TlBytes bytes = ((EncryptedMessage) ((UpdateNewEncryptedMessage) u.update()).message()).bytes();
        assertThat(bytes.isSlice()).isFalse();
      }
      assertThat(LeakDetection.collect()).isEmpty();
    }
  }

  // ================================================================== endless resends (hole 5)

  static Stream<Arguments> endlessRejections() {
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("bad_server_salt", (Function<FakeDc.Received, Object>) m ->
        new BadServerSalt(m.msgId(), m.seqNo(), 48, 0x5a17L + m.msgId())));
    for (int code : new int[] {16, 17, 20, 32, 33, 48, 64}) {
      cases.add(Arguments.of("bad_msg_notification " + code, (Function<FakeDc.Received, Object>) m ->
          new BadMsgNotification(m.msgId(), m.seqNo(), code)));
    }
    cases.add(Arguments.of("msg_resend_req", (Function<FakeDc.Received, Object>) m -> new MsgResendReq(List.of(m.msgId()))));
    cases.add(Arguments.of("new_session_created", (Function<FakeDc.Received, Object>) m ->
        new NewSessionCreated(m.msgId() + 4, 77, 0x5e55L)));
    return cases.stream();
  }

  /** Rows: endless bad_server_salt, endless bad_msg_notification (and the other resend triggers). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("endlessRejections")
  void aServerRejectingForeverFailsTheCallAfterTheResendCap(String what, Function<FakeDc.Received, TlObject> notice)
      throws Exception {
    for (int cap : new int[] {ConnectionOptions.DEFAULT_MAX_RESENDS, 2}) {
      try (FakeDc dc = new FakeDc()) {
        AtomicInteger sends = new AtomicInteger();
        dc.script = except((peer, m) -> {
          sends.incrementAndGet();
          TlObject n = notice.apply(m);
          peer.send(peer.bytes(n), n instanceof MsgResendReq || n instanceof NewSessionCreated);
        });
        ConnectionOptions.Builder b = options(dc).callTimeout(Duration.ZERO); // no timeout: only the cap ends it
        if (cap != ConnectionOptions.DEFAULT_MAX_RESENDS) {
          b.maxResends(cap);
        }
        try (MtprotoConnection c = connect(b)) {
          CompletableFuture<NearestDcType> call = c.invoke(new GetNearestDc());
          assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).as(what).cause()
              .isInstanceOf(ResendLimitException.class)
              .satisfies(e -> assertThat(((ResendLimitException) e).sends()).isEqualTo(cap + 1));
          roundTrip(c); // anything resent after the failure is at the server now
          assertThat(sends).as("sends seen by the server").hasValue(cap + 1);
          assertThat(c.trackedRequests()).isZero();
        }
      }
    }
  }

  // ================================================================== backpressure (hole 9)

  /** Row: server stops reading. */
  @Test
  void aServerThatStopsReadingCannotGrowTheClientsMemory() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      long maxQueued = 4L << 20;
      MtprotoConnection c = connect(options(dc).maxQueuedBytes(maxQueued).maxQueuedRequests(1000).gzipThreshold(Integer.MAX_VALUE));
      try {
        c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS);
        dc.peer().run(() -> dc.peer().autoRead(false));
        long before = pooledBytes();
        Random random = new Random(4);
        List<CompletableFuture<Boolean>> calls = new ArrayList<>();
        long maxSeen = 0;
        for (int i = 0; i < 400; i++) { // 100 MiB of uploads
          byte[] part = new byte[256 << 10];
          random.nextBytes(part);
          calls.add(c.invoke(new SaveFilePart(1, i, TlBytes.wrap(part)), Duration.ofSeconds(2)));
          maxSeen = Math.max(maxSeen, c.queuedBytes());
        }
        c.onLoop(() -> null); // the event loop has taken every call submitted above
        maxSeen = Math.max(maxSeen, c.queuedBytes());
        long grown = pooledBytes() - before;
        int full = 0;
        for (CompletableFuture<Boolean> f : calls) {
          Throwable cause = failure(f);
          assertThat(cause).isInstanceOfAny(SendQueueFullException.class, RpcTimeoutException.class);
          full += cause instanceof SendQueueFullException ? 1 : 0;
        }
        assertThat(grown).as("pooled memory growth").isLessThan(24L << 20);
        assertThat(full).as("calls refused at once").isGreaterThan(200);
        assertThat(maxSeen).as("bytes queued at most").isLessThanOrEqualTo(maxQueued);
        // the server reads again: the connection still works
        dc.peer().run(() -> dc.peer().autoRead(true));
        assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(10, TimeUnit.SECONDS)).country()).isEqualTo("ZZ");
        assertThat(c.queuedBytes()).isZero();
        assertThat(c.queuedCalls()).isZero();
      } finally {
        c.close();
      }
    }
  }

  /**
   * Row: server stops reading, and meanwhile floods requests that want an answer or an ack
   * (msgs_state_req): the answers (msgs_state_info) and acks waiting to be sent stay bounded.
   */
  @Test
  void aServerThatStopsReadingButFloodsRequestsCannotGrowTheSendQueue() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      CountDownLatch floodDone = new CountDownLatch(1);
      MtprotoConnection c = connect(options(dc).maxQueuedBytes(4L << 20).gzipThreshold(Integer.MAX_VALUE)
          .updateListener(u -> floodDone.countDown()));
      try {
        c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS);
        FakeDc.Peer peer = dc.peer();
        peer.run(() -> peer.autoRead(false));
        Random random = new Random(5);
        List<CompletableFuture<Boolean>> fill = new ArrayList<>();
        for (int i = 0; i < 200 && c.writable(); i++) { // until the socket buffers are full
          byte[] part = new byte[256 << 10];
          random.nextBytes(part);
          fill.add(c.invoke(new SaveFilePart(2, i, TlBytes.wrap(part)), Duration.ofSeconds(60)));
          c.onLoop(() -> null); // the flush of this call has run: writability is up to date
        }
        assertThat(c.writable()).isFalse();
        int flood = 40_000;
        peer.run(() -> {
          for (int batch = 0; batch < flood / 1000; batch++) {
            List<byte[]> bodies = new ArrayList<>();
            List<Boolean> related = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
              bodies.add(peer.bytes(new io.telefetch.tl.mtproto.MsgsStateReq(List.of((long) i << 2))));
              related.add(true);
            }
            peer.writePacket(peer.packet(peer.nextId(false), peer.seq.next(false), peer.container(bodies, related, new ArrayList<>())));
          }
          peer.send(peer.bytes(new UpdateShort(new UpdateConfig(), 1)), true); // behind the flood
        });
        assertThat(floodDone.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(c.queuedMessages()).as("messages waiting to be sent")
            .isLessThanOrEqualTo(c.queuedCalls() + io.telefetch.mtproto.session.ClientSession.MAX_QUEUED_NOTICES + 4);
        assertThat(c.pendingAcks()).as("acks waiting to be sent").isLessThanOrEqualTo(io.telefetch.mtproto.session.ClientSession.MAX_PENDING_ACKS);
        assertThat(c.isOpen()).isTrue();
      } finally {
        c.close();
      }
    }
  }

  /** Row: updates flood, with a listener that is stuck meanwhile. */
  @Test
  void anUpdatesFloodStaysWithinTheQueueBoundAndSignalsTheGap() throws Exception {
    ExecutorService callbacks = Executors.newFixedThreadPool(2);
    try (FakeDc dc = new FakeDc()) {
      int total = 100_000;
      dc.script = except((peer, m) -> {
        for (int batch = 0; batch < total / 1000; batch++) {
          List<byte[]> bodies = new ArrayList<>();
          List<Boolean> related = new ArrayList<>();
          for (int i = 0; i < 1000; i++) {
            bodies.add(peer.bytes(new UpdateShort(new UpdateConfig(), batch * 1000 + i)));
            related.add(true);
          }
          peer.writePacket(peer.packet(peer.nextId(false), peer.seq.next(false), peer.container(bodies, related, new ArrayList<>())));
        }
        peer.sendPacket(peer.packet(peer.nextId(true), peer.seq.next(true), peer.rpcResult(m.msgId(), new NearestDc("ZZ", 2, 2))));
      });
      CountDownLatch stuck = new CountDownLatch(1);
      List<TlObject> seen = new CopyOnWriteArrayList<>();
      int bound = 256;
      MtprotoConnection c = connect(options(dc).callbackExecutor(callbacks).maxQueuedUpdates(bound).updateListener(u -> {
        seen.add(u);
        try {
          stuck.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      try {
        // the answer comes after all updates (TCP order): once it is here, every update was queued or dropped
        c.invoke(new GetNearestDc(), Duration.ofSeconds(60)).get(60, TimeUnit.SECONDS);
        assertThat(c.queuedUpdatesHighWater()).isLessThanOrEqualTo(bound);
        assertThat(c.queuedUpdates()).isLessThanOrEqualTo(bound);
        assertThat(c.droppedUpdates()).isGreaterThanOrEqualTo(total - bound - 1);
        stuck.countDown();
        Await.until(() -> c.queuedUpdates() == 0, 10, TimeUnit.SECONDS);
        // first the update the listener was stuck on, then the gap signal, then the newest updates in order
        assertThat(seen).hasSizeLessThanOrEqualTo(bound + 1);
        assertThat(seen.get(1)).isInstanceOf(UpdatesTooLong.class);
        List<Integer> dates = new ArrayList<>();
        for (TlObject o : seen.subList(2, seen.size())) {
          dates.add(((UpdateShort) o).date());
        }
        assertThat(dates).isSorted().endsWith(total - 1);
      } finally {
        stuck.countDown();
        c.close();
        callbacks.shutdownNow();
      }
    }
  }

  // ================================================================== ids we never sent (hole 11)

  static Stream<Arguments> noticesForUnknownIds() {
    long unknown = 0x1234_5678_0000_0004L;
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("msgs_ack", new MsgsAck(List.of(unknown, unknown + 4)), false));
    cases.add(Arguments.of("bad_server_salt", new BadServerSalt(unknown, 1, 48, 0xbadL), false));
    for (int code : new int[] {16, 17, 18, 19, 20, 32, 33, 34, 35, 48, 64}) {
      cases.add(Arguments.of("bad_msg_notification " + code, new BadMsgNotification(unknown, 1, code), false));
    }
    cases.add(Arguments.of("msgs_state_info", new MsgsStateInfo(unknown, TlBytes.wrap(new byte[] {4})), false));
    cases.add(Arguments.of("msg_detailed_info", new MsgDetailedInfo(unknown, unknown + 1, 100, 0), false));
    cases.add(Arguments.of("msg_new_detailed_info", new MsgNewDetailedInfo(unknown + 1, 100, 0), false));
    cases.add(Arguments.of("msg_resend_req", new MsgResendReq(List.of(unknown)), true));
    cases.add(Arguments.of("pong", new Pong(unknown, 9), false));
    cases.add(Arguments.of("future_salts", new FutureSalts(unknown, 1, List.of(new FutureSalt(0, Integer.MAX_VALUE, 0xbadL))), false));
    cases.add(Arguments.of("rpc_answer_unknown", new RpcAnswerUnknown(), false));
    cases.add(Arguments.of("rpc_answer_dropped", new RpcAnswerDropped(unknown, 1, 8), false));
    cases.add(Arguments.of("rpc_answer_dropped_running", new RpcAnswerDroppedRunning(), false));
    return cases.stream();
  }

  /**
   * Row: acks and notices for unknown ids. Documented outcome: ignored without effect (no resend,
   * no salt or clock change, no failed call, the connection stays open); the rpc_answer_* are sent
   * as rpc_result for an unknown id, and also bare.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("noticesForUnknownIds")
  void noticesNamingIdsWeNeverSentAreIgnored(String what, TlObject notice, boolean contentRelated) throws Exception {
    try (FakeDc dc = new FakeDc()) {
      AtomicInteger calls = new AtomicInteger();
      dc.script = except((peer, m) -> {
        calls.incrementAndGet();
        if (what.startsWith("rpc_answer")) {
          peer.send(peer.rpcResult(0x1234_5678_0000_0004L, notice), true);
          peer.send(peer.bytes(notice), true);
        } else {
          peer.send(peer.bytes(notice), contentRelated);
        }
        peer.send(peer.rpcResult(m.msgId(), new NearestDc("OK", 2, 2)), true);
      });
      try (MtprotoConnection c = connect(options(dc).callTimeout(Duration.ofSeconds(5)))) {
        long salt = c.serverSalt();
        long offset = c.timeOffsetMillis();
        assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).country()).isEqualTo("OK");
        assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).country()).isEqualTo("OK");
        roundTrip(c); // anything resent because of the notices is at the server now
        assertThat(calls).as("nothing was resent").hasValue(2);
        assertThat(c.isOpen()).isTrue();
        assertThat(c.serverSalt()).isEqualTo(salt);
        assertThat(c.timeOffsetMillis()).isEqualTo(offset);
        assertThat(c.trackedRequests()).isZero();
      }
    }
  }

  /** Row: rpc_result for a duplicate id: the first answer wins, the second is dropped unread. */
  @Test
  void aDuplicateAnswerIsIgnored() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      dc.script = except((peer, m) -> {
        peer.send(peer.rpcResult(m.msgId(), new NearestDc("FIRST", 2, 2)), true);
        peer.send(peer.rpcResult(m.msgId(), new NearestDc("SECOND", 2, 2)), true);
      });
      try (MtprotoConnection c = connect(options(dc))) {
        for (int i = 0; i < 3; i++) {
          assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).country()).isEqualTo("FIRST");
        }
        assertThat(c.isOpen()).isTrue();
        assertThat(c.trackedRequests()).isZero();
      }
    }
  }

  // ================================================================== oversized values, nesting, transport lengths

  /** Row: oversized vectors/strings in a service message: the stream is unreadable, the connection closes. */
  @Test
  void anOversizedVectorInAServiceMessageClosesTheConnection() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      dc.script = except((peer, m) -> {
        byte[] ack = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(0x62d6b459).putInt(0x1cb5c415).putInt(Integer.MAX_VALUE).putInt(0).array();
        peer.send(ack, false);
        peer.send(peer.rpcResult(m.msgId(), new NearestDc("NO", 2, 2)), true);
      });
      MtprotoConnection c = connect(options(dc));
      CompletableFuture<NearestDcType> call = c.invoke(new GetNearestDc());
      assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class)
          .cause().isInstanceOf(TlDecodeException.class);
      c.closeFuture().get(5, TimeUnit.SECONDS);
    }
  }

  /** Row: oversized strings in a result: the call fails, the stream (length-delimited) stays usable. */
  @Test
  void anOversizedStringInAResultFailsOnlyThatCall() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      AtomicInteger n = new AtomicInteger();
      dc.script = except((peer, m) -> {
        if (n.getAndIncrement() == 0) {
          byte[] nearest = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
              .putInt(new NearestDc("", 0, 0).constructorId()).put((byte) 0xfe).put((byte) 0xff).put((byte) 0xff)
              .put((byte) 0x7f).putInt(0).array(); // a 8 MiB string in 8 bytes
          peer.send(peer.rpcResultRaw(m.msgId(), nearest), true);
        } else {
          peer.send(peer.rpcResult(m.msgId(), new NearestDc("OK", 2, 2)), true);
        }
      });
      try (MtprotoConnection c = connect(options(dc))) {
        assertThatThrownBy(() -> c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).cause()
            .isInstanceOf(TlDecodeException.class);
        assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).country()).isEqualTo("OK");
      }
    }
  }

  /** Row: deep nesting, in a result (the call fails) and unsolicited (the connection closes). */
  @Test
  void deepNestingFailsTheCallOrClosesTheConnection() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      AtomicInteger n = new AtomicInteger();
      byte[] deep;
      ByteBuffer b = ByteBuffer.allocate(10_001 * 12).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < 10_000; i++) { // jsonArray [ jsonArray [ ... ] ], 10,000 levels
        b.putInt(new JsonArray(List.of()).constructorId()).putInt(0x1cb5c415).putInt(1);
      }
      b.putInt(new JsonArray(List.of()).constructorId()).putInt(0x1cb5c415).putInt(0);
      deep = b.array();
      dc.script = except((peer, m) -> {
        if (n.getAndIncrement() == 0) {
          peer.send(peer.rpcResultRaw(m.msgId(), deep), true);
        } else {
          peer.send(deep, false);
          peer.send(peer.rpcResult(m.msgId(), new NearestDc("NO", 2, 2)), true);
        }
      });
      MtprotoConnection c = connect(options(dc));
      assertThatThrownBy(() -> c.invoke(new AnyResult()).get(5, TimeUnit.SECONDS)).cause()
          .isInstanceOf(TlDecodeException.class).hasMessageContaining("nesting");
      assertThat(c.isOpen()).isTrue();
      CompletableFuture<NearestDcType> second = c.invoke(new GetNearestDc());
      assertThatThrownBy(() -> second.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class)
          .cause().isInstanceOf(TlDecodeException.class);
      c.closeFuture().get(5, TimeUnit.SECONDS);
    }
  }

  /** Row: huge transport lengths (a 2 GiB frame announced): the connection closes, calls fail. */
  @Test
  void aHugeTransportLengthClosesTheConnection() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      dc.script = except((peer, m) -> peer.writeRaw(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
          .putInt(0x7ffffff0).putInt(1).putInt(2).array()));
      MtprotoConnection c = connect(options(dc));
      long before = pooledBytes();
      CompletableFuture<NearestDcType> call = c.invoke(new GetNearestDc());
      assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class)
          .cause().isInstanceOf(TransportException.class);
      c.closeFuture().get(5, TimeUnit.SECONDS);
      assertThat(pooledBytes() - before).isLessThan(8L << 20);
    }
  }

  // ================================================================== key exchange

  private static TlBytes flip(TlBytes b) {
    byte[] a = b.toByteArray();
    a[0] ^= 1;
    return TlBytes.wrap(a);
  }

  private static byte[] unsigned(java.math.BigInteger v) {
    byte[] b = v.toByteArray();
    return b[0] == 0 && b.length > 1 ? Arrays.copyOfRange(b, 1, b.length) : b;
  }

  /**
   * Replaces the server_DH_inner_data inside server_DH_params_ok, re-encrypted with the tmp key an
   * attacker holding the server's RSA key learns from req_DH_params.
   */
  private static Function<FakeDc, UnaryOperator<TlObject>> forgeInner(UnaryOperator<ServerDHInnerData> change) {
    return dc -> {
      ScriptedPeer attacker = new ScriptedPeer(FakeDc.rsaKey());
      return o -> {
        if (!(o instanceof ServerDHParamsOk ok)) {
          return o;
        }
        ReqDHParams req = null;
        for (TlObject r : dc.plainRequests) {
          req = r instanceof ReqDHParams q ? q : req;
        }
        attacker.decryptPqInnerData(req);
        return attacker.withInnerData(ok, change.apply(attacker.decryptServerDhInnerData(ok)));
      };
    };
  }

  private static Function<FakeDc, UnaryOperator<TlObject>> forgeGroup(java.math.BigInteger prime, int g,
      java.math.BigInteger ga) {
    return forgeInner(inner -> new ServerDHInnerData(inner.nonce(), inner.serverNonce(), g,
        TlBytes.wrap(unsigned(prime)), ga == null ? inner.gA() : TlBytes.wrap(unsigned(ga)), inner.serverTime()));
  }

  private static Function<FakeDc, UnaryOperator<TlObject>> always(UnaryOperator<TlObject> tamper) {
    return dc -> tamper;
  }

  static Stream<Arguments> hostileExchanges() {
    java.math.BigInteger prime = DhChecks.KNOWN_DH_PRIME;
    return Stream.of(
        Arguments.of("dh_prime not a safe prime", KeyExchangeException.Reason.BAD_DH_PARAMS,
            forgeGroup(prime.add(java.math.BigInteger.valueOf(6)), 3, null)),
        Arguments.of("dh_prime of 2047 bits", KeyExchangeException.Reason.BAD_DH_PARAMS,
            forgeGroup(java.math.BigInteger.ONE.shiftLeft(2047).subtract(java.math.BigInteger.ONE), 3, null)),
        Arguments.of("g that does not suit the prime", KeyExchangeException.Reason.BAD_DH_PARAMS, forgeGroup(prime, 8, null)),
        Arguments.of("g_a = 1", KeyExchangeException.Reason.BAD_DH_VALUE, forgeGroup(prime, 3, java.math.BigInteger.ONE)),
        Arguments.of("g_a = p - 1", KeyExchangeException.Reason.BAD_DH_VALUE,
            forgeGroup(prime, 3, prime.subtract(java.math.BigInteger.ONE))),
        Arguments.of("g_a below 2^1984", KeyExchangeException.Reason.BAD_DH_VALUE,
            forgeGroup(prime, 3, java.math.BigInteger.ONE.shiftLeft(1984).subtract(java.math.BigInteger.ONE))),
        Arguments.of("server_DH_inner_data with another nonce", KeyExchangeException.Reason.NONCE_MISMATCH,
            forgeInner(inner -> new ServerDHInnerData(flip(inner.nonce()), inner.serverNonce(), inner.g(),
                inner.dhPrime(), inner.gA(), inner.serverTime()))),
        Arguments.of("resPQ with another nonce", KeyExchangeException.Reason.NONCE_MISMATCH, always(o ->
            o instanceof ResPQ r ? new ResPQ(flip(r.nonce()), r.serverNonce(), r.pq(), r.serverPublicKeyFingerprints()) : o)),
        Arguments.of("resPQ with only unknown fingerprints", KeyExchangeException.Reason.UNKNOWN_FINGERPRINT,
            always(o ->
                o instanceof ResPQ r ? new ResPQ(r.nonce(), r.serverNonce(), r.pq(), List.of(42L, -7L)) : o)),
        Arguments.of("resPQ with a prime pq", KeyExchangeException.Reason.BAD_PQ, always(o ->
            o instanceof ResPQ r ? new ResPQ(r.nonce(), r.serverNonce(),
                TlBytes.wrap(java.math.BigInteger.valueOf(2147483647L).toByteArray()), r.serverPublicKeyFingerprints()) : o)),
        Arguments.of("server_DH_params_ok with another server_nonce", KeyExchangeException.Reason.NONCE_MISMATCH,
            always(o ->
                o instanceof ServerDHParamsOk p ? new ServerDHParamsOk(p.nonce(), flip(p.serverNonce()), p.encryptedAnswer()) : o)),
        Arguments.of("server_DH_params_ok with a corrupt answer", KeyExchangeException.Reason.HASH_MISMATCH,
            always(o ->
                o instanceof ServerDHParamsOk p ? new ServerDHParamsOk(p.nonce(), p.serverNonce(), flip(p.encryptedAnswer())) : o)),
        Arguments.of("dh_gen_ok with a wrong new_nonce_hash1", KeyExchangeException.Reason.NEW_NONCE_HASH,
            always(o ->
                o instanceof DhGenOk ok ? new DhGenOk(ok.nonce(), ok.serverNonce(), flip(ok.newNonceHash1())) : o)));
  }

  /** Rows: bad DH prime / g / g_a, nonce / server_nonce / new_nonce_hash mismatch, unknown RSA fingerprint, bad pq. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileExchanges")
  void aHostileKeyExchangeFailsConnectWithATypedError(String what, KeyExchangeException.Reason reason,
      Function<FakeDc, UnaryOperator<TlObject>> tamper) throws Exception {
    try (FakeDc dc = new FakeDc()) {
      dc.plainAnswers = tamper.apply(dc);
      CompletableFuture<MtprotoConnection> f = MtprotoConnection.connect(dc.options(group).build());
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(KeyExchangeException.class)
          .satisfies(e -> assertThat(((KeyExchangeException) e).reason()).isEqualTo(reason));
      Await.until(() -> dc.peer().closed, 5, TimeUnit.SECONDS);
      assertThat(dc.received).isEmpty(); // no encrypted message was ever sent
    }
  }

  /** Row: dh_gen_retry loop: capped. */
  @Test
  void anEndlessDhGenRetryIsCapped() throws Exception {
    try (FakeDc dc = new FakeDc(b -> b.answerDhGenRetry(1000))) {
      CompletableFuture<MtprotoConnection> f = MtprotoConnection.connect(dc.options(group).build());
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(KeyExchangeException.class)
          .satisfies(e -> assertThat(((KeyExchangeException) e).reason()).isEqualTo(KeyExchangeException.Reason.TOO_MANY_RETRIES));
      Await.until(() -> dc.peer().closed, 5, TimeUnit.SECONDS);
      long attempts = dc.plainRequests.stream().filter(SetClientDHParams.class::isInstance).count();
      assertThat(attempts).isEqualTo(6); // the first attempt and 5 retries
    }
  }

  // ================================================================== time skew

  /**
   * Row: time skew. The clock is synced from the key exchange (server_time); when the local clock
   * then jumps (10 minutes here), the server's bad_msg_notification 17, outside the time window
   * from our point of view, is accepted to resync, and the call goes through.
   */
  @Test
  void aSkewedClockIsResyncedFromTheServersNotice() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      TestClock clock = TestClock.offsetFromSystem();
      AtomicInteger n = new AtomicInteger();
      dc.script = except((peer, m) -> {
        if (n.getAndIncrement() == 0) {
          peer.send(peer.bytes(new BadMsgNotification(m.msgId(), m.seqNo(), 17)), false);
        } else {
          peer.send(peer.rpcResult(m.msgId(), new NearestDc("OK", 2, 2)), true);
        }
      });
      try (MtprotoConnection c = connect(options(dc).clock(clock))) {
        assertThat(Math.abs(c.timeOffsetMillis())).isLessThan(5_000);
        clock.advance(600_000); // the local clock jumps 10 minutes ahead
        assertThat(((NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS)).country()).isEqualTo("OK");
        assertThat(c.timeOffsetMillis()).isBetween(-605_000L, -595_000L);
        assertThat(n).hasValue(2);
        assertThat(c.isOpen()).isTrue();
      }
    }
  }

  /**
   * Row: time skew, hostile: a server whose notices keep moving the clock (each one far off) gets
   * at most {@value io.telefetch.mtproto.session.ClientSession#MAX_SKEWED_NOTICES} resyncs in a row; the next is rejected.
   */
  @Test
  void resyncsFromSkewedNoticesAreBounded() throws Exception {
    try (FakeDc dc = new FakeDc()) {
      AtomicInteger notices = new AtomicInteger();
      dc.script = except((peer, m) -> {
        int i = notices.incrementAndGet();
        // each notice claims a time 10 minutes beyond the previous one
        long id = ConnectionReceiveChecksTest.msgIdAt(System.currentTimeMillis() + 600_000L * i);
        peer.sendPacket(peer.packet(id, peer.seq.next(false), peer.bytes(new BadMsgNotification(m.msgId(), m.seqNo(), 16))));
      });
      MtprotoConnection c = connect(options(dc).callTimeout(Duration.ZERO).maxResends(100));
      CompletableFuture<NearestDcType> call = c.invoke(new GetNearestDc());
      assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class)
          .cause().isInstanceOf(MessageRejectedException.class)
          .satisfies(e -> assertThat(((MessageRejectedException) e).reason()).isEqualTo(MessageRejectedException.Reason.MSG_ID_TIME));
      assertThat(notices).hasValue(io.telefetch.mtproto.session.ClientSession.MAX_SKEWED_NOTICES + 1);
      c.closeFuture().get(5, TimeUnit.SECONDS);
    }
  }
}
