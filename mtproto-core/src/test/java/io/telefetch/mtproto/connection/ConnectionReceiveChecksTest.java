package io.telefetch.mtproto.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.nio.NioEventLoopGroup;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.session.MessageRejectedException;
import io.telefetch.mtproto.session.MessageRejectedException.Reason;
import io.telefetch.tl.api.ConfigType;
import io.telefetch.tl.api.NearestDc;
import io.telefetch.tl.api.NearestDcType;
import io.telefetch.tl.api.help.GetConfig;
import io.telefetch.tl.api.help.GetNearestDc;
import io.telefetch.tl.mtproto.MsgsAck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The receive checks at the connection level: a server that completes the real key exchange and
 * then answers a call with a packet that fails one check. The connection must close, every call in
 * flight must fail with {@link ConnectionClosedException} (never complete with data), and a valid
 * answer sent right behind the bad packet, in the same TCP segment, must not be used either.
 */
class ConnectionReceiveChecksTest {
  private static NioEventLoopGroup group;

  @BeforeAll
  static void start() {
    group = new NioEventLoopGroup(1);
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Builds the bad packet that answers {@code call} (the msg_id of help.getNearestDc). */
  interface BadPacket extends BiFunction<FakeDc.Peer, Long, byte[]> {}

  static byte[] answer(FakeDc.Peer peer, long call) {
    return peer.rpcResult(call, new NearestDc("XX", 9, 9));
  }

  static Stream<Arguments> badPackets() {
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("flipped ciphertext bit", Reason.MSG_KEY, (BadPacket) (peer, call) -> {
      byte[] p = peer.packet(peer.nextId(true), peer.seq.next(true), answer(peer, call));
      p[p.length - 1] ^= 0x10;
      return p;
    }));
    cases.add(Arguments.of("flipped msg_key bit", Reason.MSG_KEY, (BadPacket) (peer, call) -> {
      byte[] p = peer.packet(peer.nextId(true), peer.seq.next(true), answer(peer, call));
      p[10] ^= 1;
      return p;
    }));
    cases.add(Arguments.of("negative length", Reason.LENGTH, lengthField(len -> -4)));
    cases.add(Arguments.of("length not a multiple of 4", Reason.LENGTH, lengthField(len -> len + 2)));
    cases.add(Arguments.of("length larger than the plaintext", Reason.PADDING, lengthField(len -> len + 64)));
    cases.add(Arguments.of("padding shorter than 12", Reason.PADDING, (BadPacket) (peer, call) -> {
      byte[] body = answer(peer, call);
      int k = (16 - (36 + body.length) % 16) % 16; // extra data so that 4 bytes of padding align to 16
      byte[] data = Arrays.copyOf(body, body.length + k);
      return peer.encrypt(peer.key, peer.plaintext(peer.serverSalt, peer.sessionId, peer.nextId(true), peer.seq.next(true),
          data.length, data, 4));
    }));
    cases.add(Arguments.of("padding longer than 1024", Reason.PADDING, (BadPacket) (peer, call) -> {
      byte[] body = answer(peer, call);
      return peer.encrypt(peer.key, peer.plaintext(peer.serverSalt, peer.sessionId, peer.nextId(true), peer.seq.next(true),
          body.length, body, FakeDc.padding(body.length) + 1024));
    }));
    cases.add(Arguments.of("foreign session_id", Reason.SESSION_ID, (BadPacket) (peer, call) -> {
      byte[] body = answer(peer, call);
      return peer.encrypt(peer.key, peer.plaintext(peer.serverSalt, peer.sessionId ^ 1, peer.nextId(true),
          peer.seq.next(true), body.length, body, FakeDc.padding(body.length)));
    }));
    cases.add(Arguments.of("even msg_id (0 mod 4)", Reason.MSG_ID_PARITY,
        (BadPacket) (peer, call) -> peer.packet(peer.nextId(true) & ~3L, peer.seq.next(true), answer(peer, call))));
    cases.add(Arguments.of("even msg_id (2 mod 4)", Reason.MSG_ID_PARITY,
        (BadPacket) (peer, call) -> peer.packet(peer.nextId(true) & ~3L | 2, peer.seq.next(true), answer(peer, call))));
    cases.add(Arguments.of("msg_id 310 s old", Reason.MSG_ID_TIME, (BadPacket) (peer, call) ->
        peer.packet(msgIdAt(System.currentTimeMillis() - 310_000), peer.seq.next(true), answer(peer, call))));
    cases.add(Arguments.of("msg_id 35 s ahead", Reason.MSG_ID_TIME, (BadPacket) (peer, call) ->
        peer.packet(msgIdAt(System.currentTimeMillis() + 35_000), peer.seq.next(true), answer(peer, call))));
    cases.add(Arguments.of("replayed msg_id", Reason.REPLAY, (BadPacket) (peer, call) -> {
      long id = peer.nextId(false);
      // first a genuine message with that id (an ack the client ignores)...
      peer.writePacket(peer.packet(id, peer.seq.next(false), peer.bytes(new MsgsAck(List.of(call)))));
      // ...then the answer under the same id
      return peer.packet(id, peer.seq.next(true), answer(peer, call));
    }));
    cases.add(Arguments.of("wrong auth_key_id", Reason.AUTH_KEY_ID, (BadPacket) (peer, call) -> {
      byte[] other = new byte[256];
      new Random(9).nextBytes(other);
      byte[] body = answer(peer, call);
      return peer.encrypt(AuthKey.of(other), peer.plaintext(peer.serverSalt, peer.sessionId, peer.nextId(true),
          peer.seq.next(true), body.length, body, FakeDc.padding(body.length)));
    }));
    cases.add(Arguments.of("truncated packet", Reason.MALFORMED_PACKET, (BadPacket) (peer, call) -> {
      byte[] p = peer.packet(peer.nextId(true), peer.seq.next(true), answer(peer, call));
      return Arrays.copyOf(p, p.length - 4);
    }));
    cases.add(Arguments.of("unencrypted packet after the key exchange", Reason.MALFORMED_PACKET,
        (BadPacket) (peer, call) -> {
          byte[] body = answer(peer, call);
          byte[] p = new byte[20 + body.length];
          java.nio.ByteBuffer.wrap(p).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0).putLong(peer.nextId(true))
              .putInt(body.length).put(body);
          return p;
        }));
    cases.add(Arguments.of("even msg_id inside a valid container", Reason.MSG_ID_PARITY, (BadPacket) (peer, call) -> {
      List<Long> ids = new ArrayList<>();
      byte[] c = peer.container(List.of(answer(peer, call)), List.of(true), ids);
      java.nio.ByteBuffer.wrap(c).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(8, ids.get(0) & ~3L);
      return peer.packet(peer.nextId(false), peer.seq.next(false), c);
    }));
    cases.add(Arguments.of("replayed msg_id inside a valid container", Reason.REPLAY, (BadPacket) (peer, call) -> {
      long id = peer.nextId(false);
      peer.writePacket(peer.packet(id, peer.seq.next(false), peer.bytes(new MsgsAck(List.of(call)))));
      List<Long> ids = new ArrayList<>();
      byte[] c = peer.container(List.of(answer(peer, call)), List.of(true), ids);
      java.nio.ByteBuffer.wrap(c).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(8, id);
      return peer.packet(peer.nextId(false), peer.seq.next(false), c);
    }));
    cases.add(Arguments.of("msg_id 310 s old inside a valid container", Reason.MSG_ID_TIME, (BadPacket) (peer, call) -> {
      List<Long> ids = new ArrayList<>();
      byte[] c = peer.container(List.of(answer(peer, call)), List.of(true), ids);
      java.nio.ByteBuffer.wrap(c).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(8, msgIdAt(System.currentTimeMillis() - 310_000));
      return peer.packet(peer.nextId(false), peer.seq.next(false), c);
    }));
    cases.add(Arguments.of("msg_id 35 s ahead inside a valid container", Reason.MSG_ID_TIME, (BadPacket) (peer, call) -> {
      List<Long> ids = new ArrayList<>();
      byte[] c = peer.container(List.of(answer(peer, call)), List.of(true), ids);
      java.nio.ByteBuffer.wrap(c).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(8, msgIdAt(System.currentTimeMillis() + 35_000));
      return peer.packet(peer.nextId(false), peer.seq.next(false), c);
    }));
    // msg_seqno: only what no Telegram server sends (see MtprotoConnection)
    cases.add(Arguments.of("rpc_result with an even seqno", Reason.SEQ_NO,
        (BadPacket) (peer, call) -> peer.packet(peer.nextId(true), peer.seq.next(false), answer(peer, call))));
    cases.add(Arguments.of("rpc_result with an even seqno inside a container", Reason.SEQ_NO, (BadPacket) (peer, call) -> {
      byte[] c = peer.container(List.of(answer(peer, call)), List.of(false), new ArrayList<>());
      return peer.packet(peer.nextId(false), peer.seq.next(false), c);
    }));
    cases.add(Arguments.of("updates with an even seqno", Reason.SEQ_NO, (BadPacket) (peer, call) -> peer.packet(
        peer.nextId(false), peer.seq.next(false),
        peer.bytes(new io.telefetch.tl.api.UpdateShort(new io.telefetch.tl.api.UpdateConfig(), 1)))));
    cases.add(Arguments.of("msgs_ack with an odd seqno", Reason.SEQ_NO, (BadPacket) (peer, call) ->
        peer.packet(peer.nextId(false), peer.seq.next(true), peer.bytes(new MsgsAck(List.of(call))))));
    cases.add(Arguments.of("msg_container with an odd seqno", Reason.SEQ_NO, (BadPacket) (peer, call) -> {
      byte[] c = peer.container(List.of(answer(peer, call)), List.of(true), new ArrayList<>());
      return peer.packet(peer.nextId(false), peer.seq.next(true), c);
    }));
    return cases.stream();
  }

  static BadPacket lengthField(java.util.function.IntUnaryOperator field) {
    return (peer, call) -> {
      byte[] body = answer(peer, call);
      return peer.encrypt(peer.key, peer.plaintext(peer.serverSalt, peer.sessionId, peer.nextId(true), peer.seq.next(true),
          field.applyAsInt(body.length), body, FakeDc.padding(body.length)));
    };
  }

  static long msgIdAt(long millis) {
    long seconds = Math.floorDiv(millis, 1000);
    long fraction = (Math.floorMod(millis, 1000L) << 32) / 1000;
    return (seconds << 32 | fraction) & ~3L | 1;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPackets")
  void badPacketClosesTheConnectionAndFailsEveryCall(String what, Reason reason, BadPacket bad) throws Exception {
    try (FakeDc dc = new FakeDc()) {
      dc.script = (peer, m) -> {
        if (m.unwrapped() instanceof GetNearestDc) {
          peer.writePacket(bad.apply(peer, m.msgId()));
          // a valid answer right behind the bad packet, in the same segment: it must not be used
          peer.writePacket(peer.packet(peer.nextId(true), peer.seq.next(true), peer.rpcResult(m.msgId(), new NearestDc("OK", 2, 2))));
          peer.ctx.flush();
        }
      };
      MtprotoConnection c = MtprotoConnection.connect(dc.options(group).build()).get(10, TimeUnit.SECONDS);
      CompletableFuture<ConfigType> other = c.invoke(new GetConfig()); // never answered by the script
      dc.next(GetConfig.class);
      CompletableFuture<NearestDcType> call = c.invoke(new GetNearestDc());

      assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS))
          .cause().isInstanceOf(ConnectionClosedException.class)
          .cause().isInstanceOf(MessageRejectedException.class)
          .satisfies(e -> assertThat(((MessageRejectedException) e).reason()).isEqualTo(reason));
      assertThatThrownBy(() -> other.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(ConnectionClosedException.class);
      c.closeFuture().get(5, TimeUnit.SECONDS);
      assertThat(c.isOpen()).isFalse();
      Await.until(() -> dc.peer().closed, 5, TimeUnit.SECONDS);
      // and the closed connection refuses new calls at once
      assertThatThrownBy(() -> c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS))
          .cause().isInstanceOf(ConnectionClosedException.class);
    }
  }

  @Test
  void aValidAnswerStillWorksWithTheSameServer() throws Exception {
    // the control experiment for the test above: the same script with a good packet
    try (FakeDc dc = new FakeDc()) {
      MtprotoConnection c = MtprotoConnection.connect(dc.options(group).build()).get(10, TimeUnit.SECONDS);
      try {
        NearestDc r = (NearestDc) c.invoke(new GetNearestDc()).get(5, TimeUnit.SECONDS);
        assertThat(r.country()).isEqualTo("ZZ");
        assertThat(c.isOpen()).isTrue();
      } finally {
        c.close();
      }
    }
  }
}
