package io.telefetch.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.crypto.MtprotoCrypto.Direction;
import io.telefetch.mtproto.session.Envelope;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A whole MTProto message through the session layer on 1 MiB of payload (one {@code
 * upload.getFile} part): {@link Envelope#encrypt} (header, padding, msg_key, AES-256-IGE into a new
 * buffer) and {@link Envelope#decrypt} (AES-256-IGE in place, msg_key over the whole plaintext,
 * the length and padding checks), on Netty buffers as the connection uses them. Every operation
 * handles 1 MiB of payload, so the score in ops/s is MiB/s; {@code encryptThenDecrypt} is a round
 * trip, so its MiB/s is per direction pair.
 *
 * <p>{@code direct} uses the pooled direct allocator (what a socket channel uses); {@code heap}
 * uses unpooled heap buffers, which lets the SHA-256 read the backing array directly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MessageCryptoBenchmark {
  private static final int SIZE = 1 << 20;
  private static final long SALT = 0x1122334455667788L;
  private static final long SESSION = 0x0102030405060708L;

  @Param({"direct", "heap"})
  public String buffers;

  private ByteBufAllocator alloc;
  private AuthKey authKey;
  private ByteBuf payload;
  private ByteBuf packet;
  private ByteBuf scratch;
  private Random padding;
  private long msgId;

  @Setup
  public void setUp() {
    alloc = buffers.equals("heap") ? new UnpooledByteBufAllocator(false) : PooledByteBufAllocator.DEFAULT;
    Random random = new Random(1);
    byte[] key = new byte[AuthKey.SIZE];
    random.nextBytes(key);
    authKey = AuthKey.of(key);
    byte[] data = new byte[SIZE];
    random.nextBytes(data);
    payload = alloc.buffer(SIZE).writeBytes(data);
    padding = new Random(2);
    msgId = (System.currentTimeMillis() / 1000) << 32 | 1;
    packet = Envelope.encrypt(alloc, authKey, Direction.SERVER_TO_CLIENT, SALT, SESSION, msgId, 1, payload, padding);
    scratch = alloc.buffer(packet.readableBytes());
  }

  @TearDown
  public void tearDown() {
    payload.release();
    packet.release();
    scratch.release();
  }

  /** Encrypt a 1 MiB message, then decrypt and check it, as the two ends of a connection would. */
  @Benchmark
  public void encryptThenDecrypt(Blackhole bh) {
    ByteBuf p = Envelope.encrypt(alloc, authKey, Direction.SERVER_TO_CLIENT, SALT, SESSION, msgId, 1, payload, padding);
    try {
      Envelope.Plaintext plain = Envelope.decrypt(authKey, Direction.SERVER_TO_CLIENT, p);
      bh.consume(plain.body().readableBytes());
    } finally {
      p.release();
    }
  }

  /** Encrypt only (allocating and releasing the packet, as a send does). */
  @Benchmark
  public void encrypt(Blackhole bh) {
    ByteBuf p = Envelope.encrypt(alloc, authKey, Direction.SERVER_TO_CLIENT, SALT, SESSION, msgId, 1, payload, padding);
    bh.consume(p.readableBytes());
    p.release();
  }

  /** Decrypt only; includes a 1 MiB copy of the packet (decryption works in place). */
  @Benchmark
  public void decrypt(Blackhole bh) {
    scratch.clear().writeBytes(packet, packet.readerIndex(), packet.readableBytes());
    Envelope.Plaintext plain = Envelope.decrypt(authKey, Direction.SERVER_TO_CLIENT, scratch);
    bh.consume(plain.body().readableBytes());
  }

  /** The 1 MiB copy included in {@link #decrypt}, to subtract. */
  @Benchmark
  public void copyOnly(Blackhole bh) {
    scratch.clear().writeBytes(packet, packet.readerIndex(), packet.readableBytes());
    bh.consume(scratch.readableBytes());
  }
}
