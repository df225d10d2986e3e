package io.telefetch.mtproto.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.crypto.CryptoCheckException;
import io.telefetch.mtproto.crypto.MtprotoCrypto;
import io.telefetch.mtproto.crypto.MtprotoCrypto.Direction;
import io.telefetch.mtproto.session.MessageRejectedException.Reason;
import java.util.Random;

/**
 * The MTProto 2.0 envelope: building and encrypting {@code salt | session_id | msg_id | seq_no |
 * length | data | padding}, decrypting it with the checks of the security guidelines, and the
 * unencrypted form used during key exchange ({@code 0 | msg_id | length | data}).
 */
public final class Envelope {
  /** Bytes before the message data in a decrypted plaintext. */
  public static final int HEADER = 32;
  private static final int MIN_PADDING = 12;
  private static final int MAX_PADDING = 1024;

  private Envelope() {}

  /**
   * A decrypted, checked message. {@link #body()} is a slice of the decrypted packet: valid while
   * the packet buffer is, owned by whoever owns the packet (not retained here).
   */
  public record Plaintext(long salt, long sessionId, long msgId, int seqNo, ByteBuf body) {}

  /**
   * Encrypts one message. {@code data} is read (its indexes do not move) and not released; the
   * returned packet is a new buffer owned by the caller.
   */
  public static ByteBuf encrypt(ByteBufAllocator alloc, AuthKey key, Direction direction, long salt, long sessionId,
      long msgId, int seqNo, ByteBuf data, Random random) {
    int length = data.readableBytes();
    int unpadded = HEADER + length;
    int padding = MIN_PADDING + ((16 - (unpadded + MIN_PADDING) % 16) % 16);
    ByteBuf plain = alloc.buffer(unpadded + padding);
    try {
      plain.writeLongLE(salt).writeLongLE(sessionId).writeLongLE(msgId).writeIntLE(seqNo).writeIntLE(length);
      plain.writeBytes(data, data.readerIndex(), length);
      byte[] pad = new byte[padding];
      random.nextBytes(pad);
      plain.writeBytes(pad);
      ByteBuf out = alloc.buffer(MtprotoCrypto.HEADER_SIZE + plain.readableBytes());
      try {
        MtprotoCrypto.encrypt(key, direction, plain, out);
        return out;
      } catch (RuntimeException e) {
        out.release();
        throw e;
      }
    } finally {
      plain.release();
    }
  }

  /**
   * Decrypts {@code packet} in place and applies the checks that do not depend on session state,
   * in the order of the security guidelines: msg_key over the whole plaintext (constant time),
   * then {@code 0 <= length}, {@code length % 4 == 0}, 12..1024 bytes of padding, never reading
   * past the buffer. Every failure is a {@link MessageRejectedException}. The caller keeps owning
   * {@code packet}; the result's body is a slice of it.
   */
  public static Plaintext decrypt(AuthKey key, Direction direction, ByteBuf packet) {
    if (packet.readableBytes() < MtprotoCrypto.HEADER_SIZE + HEADER + 16
        || (packet.readableBytes() - MtprotoCrypto.HEADER_SIZE) % 16 != 0) {
      throw new MessageRejectedException(Reason.MALFORMED_PACKET);
    }
    if (packet.getLongLE(packet.readerIndex()) != key.id()) {
      throw new MessageRejectedException(Reason.AUTH_KEY_ID);
    }
    try {
      MtprotoCrypto.decrypt(key, direction, packet);
    } catch (CryptoCheckException e) {
      throw new MessageRejectedException(Reason.MSG_KEY);
    }
    int start = packet.readerIndex();
    int total = packet.readableBytes();
    long salt = packet.getLongLE(start);
    long sessionId = packet.getLongLE(start + 8);
    long msgId = packet.getLongLE(start + 16);
    int seqNo = packet.getIntLE(start + 24);
    int length = packet.getIntLE(start + 28);
    if (length < 0 || length % 4 != 0) {
      throw new MessageRejectedException(Reason.LENGTH);
    }
    long padding = (long) total - HEADER - length;
    if (padding < MIN_PADDING || padding > MAX_PADDING) {
      throw new MessageRejectedException(Reason.PADDING);
    }
    return new Plaintext(salt, sessionId, msgId, seqNo, packet.slice(start + HEADER, length));
  }

  /**
   * The client-side checks of a decrypted server message that depend on session state: our
   * session_id, server msg_id parity (odd), not older than 300 s nor newer than 30 s than {@code
   * serverNowMillis}, and not a replay. Failure is a {@link MessageRejectedException}.
   */
  public static void checkFromServer(Plaintext p, long sessionId, long serverNowMillis, ReplayWindow replay) {
    if (p.sessionId() != sessionId) {
      throw new MessageRejectedException(Reason.SESSION_ID);
    }
    checkMsgId(p.msgId(), serverNowMillis, replay);
  }

  /** The msg_id checks for a server message id (also used for ids inside containers). */
  public static void checkMsgId(long msgId, long serverNowMillis, ReplayWindow replay) {
    if ((msgId & 1) != 1) {
      throw new MessageRejectedException(Reason.MSG_ID_PARITY);
    }
    long seconds = MsgIdGenerator.secondsOf(msgId);
    long now = Math.floorDiv(serverNowMillis, 1000);
    if (seconds < now - 300 || seconds > now + 30) {
      throw new MessageRejectedException(Reason.MSG_ID_TIME);
    }
    if (!replay.accept(msgId)) {
      throw new MessageRejectedException(Reason.REPLAY);
    }
  }

  /** Writes an unencrypted message ({@code 0 | msg_id | length | data}) to a new buffer owned by the caller; {@code data} is not released. */
  public static ByteBuf plain(ByteBufAllocator alloc, long msgId, ByteBuf data) {
    ByteBuf out = alloc.buffer(20 + data.readableBytes());
    out.writeLongLE(0).writeLongLE(msgId).writeIntLE(data.readableBytes());
    out.writeBytes(data, data.readerIndex(), data.readableBytes());
    return out;
  }

  /**
   * Parses an unencrypted message; returns its data as a slice of {@code packet} (not retained,
   * owned with the packet). {@code msgIdOut[0]} receives the msg_id.
   *
   * @throws MessageRejectedException if it is not a well-formed unencrypted message
   */
  public static ByteBuf openPlain(ByteBuf packet, long[] msgIdOut) {
    int start = packet.readerIndex();
    if (packet.readableBytes() < 20 || packet.getLongLE(start) != 0) {
      throw new MessageRejectedException(Reason.MALFORMED_PACKET);
    }
    int length = packet.getIntLE(start + 16);
    if (length < 0 || length != packet.readableBytes() - 20) {
      throw new MessageRejectedException(Reason.LENGTH);
    }
    msgIdOut[0] = packet.getLongLE(start + 8);
    return packet.slice(start + 20, length);
  }
}
