package io.telefetch.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.telefetch.mtproto.crypto.AesIge;
import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.mtproto.crypto.MtprotoCrypto;
import io.telefetch.mtproto.crypto.MtprotoCrypto.Direction;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the cryptography on the media download path, on 1 MiB (one {@code upload.getFile}
 * part): every operation processes 1 MiB, so the score in ops/s is MiB/s.
 *
 * <p>AES-IGE runs on the JDK's AES ({@link AesIge}) and, for comparison, on BouncyCastle's
 * pure-Java {@code AESEngine}; a whole MTProto message is encrypted and decrypted with {@link
 * MtprotoCrypto}; SHA-256 and the JDK's AES-CBC encryption (the AES-NI ceiling for a chained mode)
 * are references. Warm up for several seconds: at a few hundred operations per second the JIT
 * needs that long to compile the SHA-256 intrinsics into the callers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CryptoBenchmark {

  private static final int SIZE = 1 << 20;
  private static final int CBC_UPDATE = 16 * 1024;

  private final byte[] key = new byte[32];
  private final byte[] iv = new byte[32];
  private final byte[] data = new byte[SIZE];
  private AuthKey authKey;
  private byte[] message;
  private byte[] packet;
  private Cipher cbc;
  private SecretKeySpec cbcKey;
  private IvParameterSpec cbcIv;
  private MessageDigest sha256;
  private BouncyCastleIge bouncyCastle;

  @Setup
  public void setUp() throws GeneralSecurityException {
    Random random = new Random(1);
    random.nextBytes(key);
    random.nextBytes(iv);
    random.nextBytes(data);
    byte[] authKeyBytes = new byte[AuthKey.SIZE];
    random.nextBytes(authKeyBytes);
    authKey = AuthKey.of(authKeyBytes);
    message = new byte[SIZE];
    random.nextBytes(message);
    packet = MtprotoCrypto.encrypt(authKey, Direction.SERVER_TO_CLIENT, message);
    cbc = Cipher.getInstance("AES/CBC/NoPadding");
    cbcKey = new SecretKeySpec(key, "AES");
    cbcIv = new IvParameterSpec(iv, 0, 16);
    sha256 = MessageDigest.getInstance("SHA-256");
    bouncyCastle = new BouncyCastleIge();
    checkBouncyCastleIgeAgreesWithAesIge();
  }

  @Benchmark
  public byte[] igeEncryptJdk() {
    AesIge.encrypt(key, iv, data, 0, SIZE);
    return data;
  }

  @Benchmark
  public byte[] igeDecryptJdk() {
    AesIge.decrypt(key, iv, data, 0, SIZE);
    return data;
  }

  @Benchmark
  public byte[] igeEncryptBouncyCastle() {
    bouncyCastle.encrypt(key, iv, data);
    return data;
  }

  @Benchmark
  public byte[] igeDecryptBouncyCastle() {
    bouncyCastle.decrypt(key, iv, data);
    return data;
  }

  /** Encrypts a 1 MiB message into a new packet, as the server side of a download does. */
  @Benchmark
  public byte[] messageEncrypt() {
    return MtprotoCrypto.encrypt(authKey, Direction.SERVER_TO_CLIENT, message);
  }

  /** Decrypts and verifies a 1 MiB packet into a new array. */
  @Benchmark
  public byte[] messageDecrypt() {
    return MtprotoCrypto.decrypt(authKey, Direction.SERVER_TO_CLIENT, packet);
  }

  /** Decrypts and verifies a 1 MiB packet in place in a direct buffer, as the client receives it. */
  @Benchmark
  public ByteBuf messageDecryptDirectBuffer(DirectPacket direct) {
    MtprotoCrypto.decrypt(authKey, Direction.SERVER_TO_CLIENT, direct.buffer);
    return direct.buffer;
  }

  @Benchmark
  public byte[] sha256() {
    return sha256.digest(data);
  }

  /**
   * The AES-NI ceiling of a chained mode. The MiB is fed in 16 KiB updates, as {@link AesIge}
   * does: with one 1 MiB call per operation, C2 compiles the intrinsic CBC loop only after many
   * seconds, and until then the score is half as high.
   */
  @Benchmark
  public byte[] cbcEncryptJdk() throws GeneralSecurityException {
    cbc.init(Cipher.ENCRYPT_MODE, cbcKey, cbcIv);
    for (int offset = 0; offset < SIZE; offset += CBC_UPDATE) {
      cbc.update(data, offset, CBC_UPDATE, data, offset);
    }
    return data;
  }

  /** A direct buffer holding the packet, refilled before each in-place decryption destroys it. */
  @State(Scope.Thread)
  public static class DirectPacket {
    ByteBuf buffer;

    @Setup
    public void allocate() {
      buffer = Unpooled.directBuffer(MtprotoCrypto.HEADER_SIZE + SIZE);
    }

    @Setup(Level.Invocation)
    public void refill(CryptoBenchmark benchmark) {
      buffer.clear().writeBytes(benchmark.packet);
    }

    @TearDown
    public void release() {
      buffer.release();
    }
  }

  private void checkBouncyCastleIgeAgreesWithAesIge() {
    byte[] expected = new byte[64];
    byte[] actual = new byte[64];
    AesIge.encrypt(key, iv, expected, 0, 64);
    bouncyCastle.encrypt(key, iv, actual);
    if (!Arrays.equals(expected, actual)) {
      throw new IllegalStateException("the BouncyCastle IGE does not match AesIge");
    }
    bouncyCastle.decrypt(key, iv, actual);
    if (!Arrays.equals(new byte[64], actual)) {
      throw new IllegalStateException("the BouncyCastle IGE does not decrypt");
    }
  }

  /** AES-IGE over BouncyCastle's {@link AESEngine}, one block at a time, from the definition. */
  private static final class BouncyCastleIge {
    private final BlockCipher engine = AESEngine.newInstance();
    private final byte[] previousCipher = new byte[16];
    private final byte[] previousPlain = new byte[16];
    private final byte[] block = new byte[16];
    private final byte[] saved = new byte[16];

    void encrypt(byte[] key, byte[] iv, byte[] data) {
      engine.init(true, new KeyParameter(key));
      System.arraycopy(iv, 0, previousCipher, 0, 16);
      System.arraycopy(iv, 16, previousPlain, 0, 16);
      for (int i = 0; i < data.length; i += 16) {
        for (int j = 0; j < 16; j++) {
          block[j] = (byte) (data[i + j] ^ previousCipher[j]);
        }
        System.arraycopy(data, i, saved, 0, 16);
        engine.processBlock(block, 0, block, 0);
        for (int j = 0; j < 16; j++) {
          data[i + j] = (byte) (block[j] ^ previousPlain[j]);
        }
        System.arraycopy(saved, 0, previousPlain, 0, 16);
        System.arraycopy(data, i, previousCipher, 0, 16);
      }
    }

    void decrypt(byte[] key, byte[] iv, byte[] data) {
      engine.init(false, new KeyParameter(key));
      System.arraycopy(iv, 0, previousCipher, 0, 16);
      System.arraycopy(iv, 16, previousPlain, 0, 16);
      for (int i = 0; i < data.length; i += 16) {
        for (int j = 0; j < 16; j++) {
          block[j] = (byte) (data[i + j] ^ previousPlain[j]);
        }
        System.arraycopy(data, i, saved, 0, 16);
        engine.processBlock(block, 0, block, 0);
        for (int j = 0; j < 16; j++) {
          data[i + j] = (byte) (block[j] ^ previousCipher[j]);
        }
        System.arraycopy(saved, 0, previousCipher, 0, 16);
        System.arraycopy(data, i, previousPlain, 0, 16);
      }
    }
  }
}
