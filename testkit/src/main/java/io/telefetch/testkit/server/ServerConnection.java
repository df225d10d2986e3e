package io.telefetch.testkit.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.telefetch.mtproto.crypto.MtprotoCrypto.Direction;
import io.telefetch.mtproto.exchange.KeyExchangeException;
import io.telefetch.mtproto.exchange.ServerKeyExchange;
import io.telefetch.mtproto.session.Envelope;
import io.telefetch.mtproto.session.MessageRejectedException;
import io.telefetch.mtproto.session.MsgIdGenerator;
import io.telefetch.mtproto.session.ReplayWindow;
import io.telefetch.mtproto.session.SeqNo;
import io.telefetch.mtproto.session.Wire;
import io.telefetch.mtproto.transport.TransportError;
import io.telefetch.mtproto.transport.TransportFrame;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlRegistry;
import io.telefetch.tl.TlWriter;
import io.telefetch.tl.api.InitConnection;
import io.telefetch.tl.api.InvokeAfterMsg;
import io.telefetch.tl.api.InvokeAfterMsgs;
import io.telefetch.tl.api.InvokeWithLayer;
import io.telefetch.tl.api.InvokeWithoutUpdates;
import io.telefetch.tl.mtproto.BadMsgNotification;
import io.telefetch.tl.mtproto.BadServerSalt;
import io.telefetch.tl.mtproto.DestroySession;
import io.telefetch.tl.mtproto.DestroySessionNone;
import io.telefetch.tl.mtproto.DestroySessionOk;
import io.telefetch.tl.mtproto.FutureSalt;
import io.telefetch.tl.mtproto.FutureSalts;
import io.telefetch.tl.mtproto.GetFutureSalts;
import io.telefetch.tl.mtproto.MsgsAck;
import io.telefetch.tl.mtproto.MsgsStateInfo;
import io.telefetch.tl.mtproto.MsgsStateReq;
import io.telefetch.tl.mtproto.NewSessionCreated;
import io.telefetch.tl.mtproto.Ping;
import io.telefetch.tl.mtproto.PingDelayDisconnect;
import io.telefetch.tl.mtproto.Pong;
import io.telefetch.tl.mtproto.RpcAnswerDroppedRunning;
import io.telefetch.tl.mtproto.RpcAnswerUnknown;
import io.telefetch.tl.mtproto.RpcDropAnswer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one client connection: key exchange on unencrypted messages, then encrypted
 * sessions with Telegram's rules (new_session_created, salts and bad_server_salt, msg_id and seqno
 * checks with bad_msg_notification, acks, containers, pings, future salts, gzip_packed answers).
 * All state is confined to the channel's event loop.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);
  private static final int MSG_CONTAINER = Wire.MSG_CONTAINER;
  private static final int RPC_ERROR = 0x2144ca19;
  private static final int GZIP_MIN = 4096;

  private final DcServer dc;
  private final long connectionId;
  private final MsgIdGenerator msgIds;
  private final TlRegistry registry = TlRegistry.standard();
  private final Map<Long, Session> sessions = new HashMap<>();
  private ChannelHandlerContext ctx;
  private ServerKeyExchange exchange;
  private int layer;
  private long bytesSent;
  private ScheduledFuture<?> disconnectTimer;
  /** Methods this connection no longer answers (the blackhole fault). */
  private final Set<String> blackholed = new HashSet<>();

  /** Per-session state: seqno counter, last msg_id, replay window, pending acks. */
  private static final class Session {
    final long id;
    final KeyState key;
    final ReplayWindow replay = new ReplayWindow(4096);
    final List<Long> acks = new ArrayList<>();
    /** Queries whose answer is not sent yet, and those of them the client cancelled (rpc_drop_answer). */
    final Set<Long> running = new HashSet<>();
    final Set<Long> dropped = new HashSet<>();
    final SeqNo seqNo = new SeqNo();
    long lastMsgId;
    int lastContentSeqNo = -1;

    Session(long id, KeyState key) {
      this.id = id;
      this.key = key;
    }

    int nextSeqNo(boolean contentRelated) {
      return seqNo.next(contentRelated);
    }
  }

  /** A message to send: body bytes and whether it is content-related. */
  private record Out(byte[] body, boolean contentRelated, boolean response) {}

  ServerConnection(DcServer dc, long connectionId) {
    this.dc = dc;
    this.connectionId = connectionId;
    this.msgIds = new MsgIdGenerator(dc.clock());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof TransportFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      ByteBuf packet = frame.content();
      if (packet.readableBytes() < 8) {
        ctx.close();
        return;
      }
      long authKeyId = packet.getLongLE(packet.readerIndex());
      if (authKeyId == 0) {
        onPlain(packet);
      } else {
        onEncrypted(authKeyId, packet);
      }
    } catch (MessageRejectedException | KeyExchangeException | TlDecodeException e) {
      LOG.debug("DC {} connection {}: closing after {}", dc.id(), connectionId, e.toString());
      ctx.close();
    } finally {
      frame.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("DC {} connection {}: {}", dc.id(), connectionId, cause.toString());
    ctx.close();
  }

  // ------------------------------------------------------------------ key exchange

  private void onPlain(ByteBuf packet) {
    long[] id = new long[1];
    ByteBuf data = Envelope.openPlain(packet, id);
    TlObject request = ServerKeyExchange.decodeRequest(data); // no gzip_packed in plain messages
    if (exchange == null || exchange.isFinished()) {
      exchange = dc.newKeyExchange();
    }
    TlObject response = exchange.handle(request);
    exchange.result().ifPresent(r -> dc.keys().put(r.authKey().id(), new KeyState(r.authKey())));
    ByteBuf body = serialize(response);
    try {
      write(Envelope.plain(ctx.alloc(), msgIds.nextServer(true), body));
    } finally {
      body.release();
    }
  }

  // ------------------------------------------------------------------ encrypted messages

  private void onEncrypted(long authKeyId, ByteBuf packet) {
    Faults faults = dc.faults();
    if (faults.forgetKeys) {
      faults.forgetKeys = false;
      dc.keys().clear();
    }
    KeyState key = dc.keys().get(authKeyId);
    long target = faults.transportErrorConnection;
    if (key == null || (target == 0 || target == connectionId) && takeOne(faults.transportErrors)) {
      int code = key == null ? -404 : faults.transportErrorCode;
      ctx.writeAndFlush(new TransportError(code)).addListener(f -> ctx.close());
      return;
    }
    Envelope.Plaintext p = Envelope.decrypt(key.authKey(), Direction.CLIENT_TO_SERVER, packet);
    if (takeOne(faults.sessionResets)) {
      sessions.remove(p.sessionId());
    }
    List<Out> out = new ArrayList<>();
    Session session = sessions.get(p.sessionId());
    long now = dc.clock().millis();
    if (session == null) {
      session = new Session(p.sessionId(), key);
      sessions.put(p.sessionId(), session);
      out.add(new Out(bytes(new NewSessionCreated(firstMessageId(p), dc.random().nextLong(), dc.saltAt(now))), true, false));
    }
    if (takeOne(faults.badServerSalts)) {
      dc.bumpSalt();
    }
    if (!dc.saltValid(p.salt(), now)) {
      out.add(new Out(bytes(new BadServerSalt(p.msgId(), p.seqNo(), 48, dc.saltAt(now))), false, true));
      send(session, out);
      return;
    }
    int badCode = checkMsgId(session, p.msgId(), now);
    if (badCode != 0) {
      out.add(new Out(bytes(new BadMsgNotification(p.msgId(), p.seqNo(), badCode)), false, true));
      send(session, out);
      return;
    }
    session.lastMsgId = p.msgId();
    ByteBuf body = p.body();
    if (body.readableBytes() >= 4 && body.getIntLE(body.readerIndex()) == MSG_CONTAINER) {
      onContainer(session, p.msgId(), p.seqNo(), body, out);
    } else {
      onMessage(session, p.msgId(), p.seqNo(), body, out);
    }
    send(session, out);
  }

  /** The id of the first message in a packet: its own, or the first inner one of a container. */
  private static long firstMessageId(Envelope.Plaintext p) {
    ByteBuf body = p.body();
    int at = body.readerIndex();
    if (body.readableBytes() >= 16 && body.getIntLE(at) == MSG_CONTAINER && body.getIntLE(at + 4) > 0) {
      return body.getLongLE(at + 8);
    }
    return p.msgId();
  }

  private static boolean takeOne(java.util.concurrent.atomic.AtomicInteger counter) {
    return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }

  /** 0 when acceptable, else the bad_msg_notification code. */
  private static int checkMsgId(Session s, long msgId, long nowMillis) {
    if ((msgId & 3) != 0) {
      return 18;
    }
    long seconds = MsgIdGenerator.secondsOf(msgId);
    long now = nowMillis / 1000;
    if (seconds < now - 300) {
      return 16;
    }
    if (seconds > now + 30) {
      return 17;
    }
    if (msgId <= s.lastMsgId) {
      return 16;
    }
    return 0;
  }

  private void onContainer(Session session, long containerId, int containerSeq, ByteBuf body, List<Out> out) {
    if ((containerSeq & 1) != 0) {
      out.add(new Out(bytes(new BadMsgNotification(containerId, containerSeq, 34)), false, true));
      return;
    }
    boolean[] handling = {false}; // a fault of an inner message itself is not the container's
    try {
      Wire.readContainer(body, (id, seq, inner) -> {
        if (id >= containerId || (id & 3) != 0 || Wire.startsWith(inner, MSG_CONTAINER)) {
          throw new TlDecodeException("bad message in a container", MSG_CONTAINER, 0);
        }
        handling[0] = true;
        onMessage(session, id, seq, inner, out);
        handling[0] = false;
      });
    } catch (TlDecodeException e) {
      if (handling[0]) {
        throw e;
      }
      out.add(new Out(bytes(new BadMsgNotification(containerId, containerSeq, 64)), false, true));
    }
  }

  private void onMessage(Session session, long msgId, int seq, ByteBuf body, List<Out> out) {
    if (!session.replay.accept(msgId)) {
      return; // a duplicate: already handled
    }
    TlObject o = new TlReader(body, registry, TlReader.Options.DEFAULT).readObject();
    dc.countReceived(o.tlName());
    if (o instanceof MsgsAck) {
      return; // either parity: mtcute numbers its acks as content-related (odd), and Telegram accepts that
    }
    boolean contentRelated = true;
    if (o instanceof MsgsStateInfo) {
      contentRelated = (seq & 1) == 1; // an answer to our msgs_state_req: either parity is accepted
    }
    if (contentRelated != ((seq & 1) == 1)) {
      out.add(new Out(bytes(new BadMsgNotification(msgId, seq, contentRelated ? 35 : 34)), false, true));
      return;
    }
    if (contentRelated) {
      if (seq < session.lastContentSeqNo) {
        out.add(new Out(bytes(new BadMsgNotification(msgId, seq, 32)), false, true));
        return;
      }
      session.lastContentSeqNo = seq;
      session.acks.add(msgId);
    }
    if (o instanceof PingDelayDisconnect ping) {
      resetDisconnect(ping.disconnectDelay());
      out.add(new Out(bytes(new Pong(msgId, ping.pingId())), true, true));
    } else if (o instanceof Ping ping) {
      out.add(new Out(bytes(new Pong(msgId, ping.pingId())), true, true));
    } else if (o instanceof GetFutureSalts get) {
      out.add(new Out(bytes(futureSalts(msgId, Math.min(64, Math.max(1, get.num())))), true, true));
    } else if (o instanceof RpcDropAnswer drop) {
      // a query still running answers rpc_answer_dropped_running here and to the query itself;
      // answers are sent as soon as they exist, so anything else is no longer known
      boolean running = session.running.contains(drop.reqMsgId()) && session.dropped.add(drop.reqMsgId());
      TlObject answer = running ? new RpcAnswerDroppedRunning() : new RpcAnswerUnknown();
      out.add(new Out(rpcResult(msgId, bytes(answer)), true, true));
    } else if (o instanceof DestroySession d) {
      boolean existed = sessions.remove(d.sessionId()) != null;
      TlObject r = existed ? new DestroySessionOk(d.sessionId()) : new DestroySessionNone(d.sessionId());
      out.add(new Out(bytes(r), true, true)); // a message of its own, like pong: not in rpc_result
    } else if (o instanceof MsgsStateReq req) {
      byte[] info = new byte[req.msgIds().size()];
      for (int i = 0; i < info.length; i++) {
        info[i] = (byte) (session.replay.contains(req.msgIds().get(i)) ? 4 : 1); // 4: received, 1: unknown
      }
      out.add(new Out(bytes(new MsgsStateInfo(msgId, TlBytes.wrap(info))), true, true));
    } else if (o instanceof TlMethod<?> method) {
      call(session, msgId, method);
    } else {
      LOG.debug("DC {}: ignoring {}", dc.id(), o.tlName());
    }
  }

  private FutureSalts futureSalts(long reqMsgId, int n) {
    long now = dc.clock().millis();
    List<FutureSalt> salts = new ArrayList<>();
    long slotStart = Math.floorDiv(now, DcServer.SALT_PERIOD_MILLIS) * DcServer.SALT_PERIOD_MILLIS;
    for (int i = 0; i < n; i++) {
      long since = slotStart + i * DcServer.SALT_PERIOD_MILLIS;
      salts.add(new FutureSalt((int) (since / 1000), (int) ((since + 2 * DcServer.SALT_PERIOD_MILLIS) / 1000), dc.saltAt(since)));
    }
    return new FutureSalts(reqMsgId, (int) (now / 1000), salts);
  }

  private void resetDisconnect(int seconds) {
    if (disconnectTimer != null) {
      disconnectTimer.cancel(false);
    }
    disconnectTimer = ctx.executor().schedule(() -> {
      ctx.close();
    }, Math.max(1, seconds), TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------ API calls

  private void call(Session session, long msgId, TlMethod<?> method) {
    TlMethod<?> inner = method;
    while (true) {
      if (inner instanceof InvokeWithLayer<?> w) {
        layer = w.layer();
        inner = w.query();
      } else if (inner instanceof InitConnection<?> i) {
        inner = i.query();
      } else if (inner instanceof InvokeWithoutUpdates<?> w) {
        inner = w.query();
      } else if (inner instanceof InvokeAfterMsg<?> w) {
        inner = w.query();
      } else if (inner instanceof InvokeAfterMsgs<?> w) {
        inner = w.query();
      } else {
        break;
      }
    }
    TlMethod<?> call = inner;
    dc.recorder().record(new RecordedRequest(dc.id(), call, session.key.authKey().id(), connectionId));
    if (blackholed.contains(call.tlName()) || dc.faults().takeBlackhole(call.tlName())) {
      blackholed.add(call.tlName());
      dc.faults().swallowed();
      return; // never answered, the connection stays open
    }
    session.running.add(msgId);
    CallContext context = new CallContext(dc, session.key, session.id, msgId, connectionId, layer);
    long keyId = session.key.authKey().id();
    RpcError scripted = dc.faults().takeRpcError(call.tlName());
    RpcError flood = scripted != null ? scripted : dc.faults().admit(keyId, call.tlName(), dc.clock().millis());
    CompletableFuture<Object> result;
    if (flood != null) {
      result = CompletableFuture.failedFuture(flood);
    } else {
      try {
        result = dc.handler().handle(context, call);
      } catch (RuntimeException e) {
        result = CompletableFuture.failedFuture(e);
      }
    }
    long delay = dc.latency().toMillis();
    result.whenComplete((value, error) -> {
      Runnable reply = () -> {
        if (flood == null) {
          dc.faults().release(keyId, call.tlName());
        }
        reply(session, msgId, call, value, error);
      };
      if (delay > 0) {
        ctx.executor().schedule(reply, delay, TimeUnit.MILLISECONDS);
      } else {
        ctx.executor().execute(reply);
      }
    });
  }

  private void reply(Session session, long msgId, TlMethod<?> call, Object value, Throwable error) {
    dc.countAnswerDue();
    session.running.remove(msgId);
    boolean dropped = session.dropped.remove(msgId);
    if (!ctx.channel().isActive()) {
      return;
    }
    byte[] body;
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (dropped) {
      body = rpcResult(msgId, bytes(new RpcAnswerDroppedRunning()));
    } else if (cause == null) {
      body = rpcResult(msgId, maybeGzip(resultBytes(value), call));
    } else if (cause instanceof RpcError e) {
      body = rpcResult(msgId, bytes(new io.telefetch.tl.mtproto.RpcError(e.code(), e.errorMessage())));
    } else {
      LOG.warn("DC {}: handler failed on {}", dc.id(), call.tlName(), cause);
      body = rpcResult(msgId, bytes(new io.telefetch.tl.mtproto.RpcError(500, "INTERNAL_SERVER_ERROR")));
    }
    List<Out> out = new ArrayList<>();
    out.add(new Out(body, true, true));
    send(session, out);
  }

  private static byte[] resultBytes(Object value) {
    ByteBuf buf = Unpooled.buffer();
    try {
      write(new TlWriter(buf), value);
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  /** Writes a handler's result (or a vector element): TL objects boxed, Java values as TL. */
  private static void write(TlWriter w, Object value) {
    if (value instanceof TlObject o) {
      o.write(w);
    } else if (value instanceof Boolean b) {
      w.writeBool(b);
    } else if (value instanceof Integer i) {
      w.writeInt(i);
    } else if (value instanceof Long l) {
      w.writeLong(l);
    } else if (value instanceof String str) {
      w.writeString(str);
    } else if (value instanceof TlBytes b) {
      w.writeBytes(b);
    } else if (value instanceof List<?> list) {
      w.writeVector(list, ServerConnection::write);
    } else {
      throw new IllegalArgumentException("cannot serialise a result of type " + value);
    }
  }

  /** Large answers travel gzip_packed, as Telegram sends them; file content never does. */
  private static byte[] maybeGzip(byte[] result, TlMethod<?> call) {
    return call.tlName().startsWith("upload.") ? result : Wire.maybeGzipPacked(result, GZIP_MIN - 1);
  }

  private static byte[] rpcResult(long reqMsgId, byte[] result) {
    return Wire.rpcResult(reqMsgId, result);
  }

  // ------------------------------------------------------------------ sending

  private static byte[] bytes(TlObject o) {
    return Wire.serialize(o);
  }

  private static ByteBuf serialize(TlObject o) {
    ByteBuf b = Unpooled.buffer();
    o.write(new TlWriter(b));
    return b;
  }

  /** Sends {@code out} plus pending acks: one message alone, several in a msg_container. */
  private void send(Session session, List<Out> out) {
    if (!session.acks.isEmpty()) {
      out.add(new Out(bytes(new MsgsAck(new ArrayList<>(session.acks))), false, false));
      session.acks.clear();
    }
    if (out.isEmpty()) {
      return;
    }
    long salt = dc.saltAt(dc.clock().millis());
    if (out.size() == 1) {
      Out o = out.get(0);
      encryptAndWrite(session, salt, msgIds.nextServer(o.response()), session.nextSeqNo(o.contentRelated()),
          Unpooled.wrappedBuffer(o.body()));
    } else {
      List<Wire.Message> messages = new ArrayList<>(out.size());
      for (Out o : out) {
        messages.add(new Wire.Message(msgIds.nextServer(o.response()), session.nextSeqNo(o.contentRelated()), o.body()));
      }
      ByteBuf container = Unpooled.wrappedBuffer(Wire.container(messages));
      encryptAndWrite(session, salt, msgIds.nextServer(false), session.nextSeqNo(false), container);
    }
    ctx.flush();
  }

  /** Encrypts {@code data} (released here) into a packet and writes it. */
  private void encryptAndWrite(Session session, long salt, long msgId, int seq, ByteBuf data) {
    try {
      ByteBuf packet = Envelope.encrypt(ctx.alloc(), session.key.authKey(), Direction.SERVER_TO_CLIENT, salt,
          session.id, msgId, seq, data, dc.random());
      write(packet);
    } finally {
      data.release();
    }
  }

  /** Writes (without flushing) a packet this connection owns; applies the close-after-bytes fault. */
  private void write(ByteBuf packet) {
    int n = packet.readableBytes();
    ctx.write(TransportFrame.of(packet));
    bytesSent += n;
    dc.addBytesSent(n);
    long limit = dc.faults().closeAfterBytes.get();
    if (limit >= 0 && bytesSent >= limit) {
      ctx.flush();
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }
}
