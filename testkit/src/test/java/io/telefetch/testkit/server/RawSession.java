package io.telefetch.testkit.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.crypto.MtprotoCrypto.Direction;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.exchange.ClientKeyExchange;
import io.telefetch.mtproto.session.Envelope;
import io.telefetch.mtproto.session.MsgIdGenerator;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlWriter;
import io.telefetch.tl.mtproto.Message;
import io.telefetch.tl.mtproto.MsgContainer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately bare MTProto client for tests that must send what our engine never sends (other
 * seq_no choices, hand-made containers): a blocking socket speaking intermediate, a key from
 * {@link ClientKeyExchange}, and messages framed by hand with the caller's msg_id and seq_no.
 */
final class RawSession implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final SecureRandom random = new SecureRandom();
  private final long sessionId = random.nextLong();
  final MsgIdGenerator msgIds = new MsgIdGenerator(Clock.systemUTC());
  private AuthKey authKey;
  long salt;

  /** Connects to {@code dc} and creates an auth key trusting {@code keys}. */
  RawSession(DcServer dc, RsaKeys keys) throws IOException {
    socket = new Socket(dc.host(), dc.port());
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    out.write(new byte[] {(byte) 0xee, (byte) 0xee, (byte) 0xee, (byte) 0xee});
    ClientKeyExchange exchange = new ClientKeyExchange(ClientKeyExchange.Options.builder(keys, dc.id()).build());
    TlObject request = exchange.firstRequest();
    while (true) {
      ByteBuf data = serialize(request);
      try {
        frame(Envelope.plain(ByteBufAllocator.DEFAULT, msgIds.next(), data));
      } finally {
        data.release();
      }
      ByteBuf packet = Unpooled.wrappedBuffer(readFrame());
      TlObject answer = new TlReader(Envelope.openPlain(packet, new long[1])).readObject();
      ClientKeyExchange.Step step = exchange.onResponse(answer);
      if (step instanceof ClientKeyExchange.Done done) {
        authKey = done.authKey();
        salt = done.serverSalt();
        msgIds.setOffsetMillis(done.timeOffsetMillis());
        return;
      }
      request = ((ClientKeyExchange.Send) step).request();
    }
  }

  /** Sends {@code body} as one encrypted message with the given ids. */
  void send(long msgId, int seqNo, TlObject body) throws IOException {
    ByteBuf data = serialize(body);
    try {
      frame(Envelope.encrypt(ByteBufAllocator.DEFAULT, authKey, Direction.CLIENT_TO_SERVER, salt, sessionId,
          msgId, seqNo, data, random));
    } finally {
      data.release();
    }
  }

  /** Sends a container of {@code messages} (each with its own msg_id and seq_no). */
  void sendContainer(long containerId, int containerSeqNo, List<Message> messages) throws IOException {
    send(containerId, containerSeqNo, new MsgContainer(messages));
  }

  /** A container entry: {@code body} with its msg_id, seq_no and serialized length. */
  static Message message(long msgId, int seqNo, TlObject body) {
    ByteBuf data = serialize(body);
    try {
      return new Message(msgId, seqNo, data.readableBytes(), body);
    } finally {
      data.release();
    }
  }

  /** Reads one packet from the server and returns its messages, containers unpacked. */
  List<TlObject> receive() throws IOException {
    ByteBuf packet = Unpooled.wrappedBuffer(readFrame());
    Envelope.Plaintext p = Envelope.decrypt(authKey, Direction.SERVER_TO_CLIENT, packet);
    TlObject o = new TlReader(p.body()).readObject();
    List<TlObject> result = new ArrayList<>();
    if (o instanceof MsgContainer c) {
      for (Message m : c.messages()) {
        result.add(m.body());
      }
    } else {
      result.add(o);
    }
    return result;
  }

  private static ByteBuf serialize(TlObject o) {
    ByteBuf b = Unpooled.buffer();
    new TlWriter(b).writeObject(o);
    return b;
  }

  private void frame(ByteBuf packet) throws IOException {
    try {
      byte[] bytes = new byte[4 + packet.readableBytes()];
      Unpooled.wrappedBuffer(bytes).setIntLE(0, packet.readableBytes());
      packet.getBytes(packet.readerIndex(), bytes, 4, packet.readableBytes());
      out.write(bytes);
      out.flush();
    } finally {
      packet.release();
    }
  }

  private byte[] readFrame() throws IOException {
    int length = Integer.reverseBytes(in.readInt());
    if (length < 0 || length > (16 << 20)) {
      throw new IOException("bad frame length " + length);
    }
    byte[] data = new byte[length];
    in.readFully(data);
    if (length == 4) {
      throw new IOException("transport error " + Unpooled.wrappedBuffer(data).getIntLE(0));
    }
    return data;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
