package io.telefetch.mtproto.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPrivateKey;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/** Keys, clocks, randomness and the in-memory wire shared by the exchange tests. */
final class ExchangeFixtures {

  /** The client's clock: a fixed instant on a whole second. */
  static final Instant CLIENT_NOW = Instant.parse("2024-02-08T20:45:00Z");
  /** The server's clock runs this far ahead of the client's. */
  static final long SERVER_AHEAD_SECONDS = 90;

  private static RsaPrivateKey serverKey;

  private ExchangeFixtures() {}

  /** A 2048-bit server key pair, generated once per JVM (generation takes a while). */
  static synchronized RsaPrivateKey serverKey() {
    if (serverKey == null) {
      serverKey = RsaPrivateKey.generate(new SecureRandom());
    }
    return serverKey;
  }

  /** A registry trusting only {@link #serverKey()}. */
  static RsaKeys trustedKeys() {
    return RsaKeys.empty().add(serverKey().publicKey());
  }

  static Clock clientClock() {
    return Clock.fixed(CLIENT_NOW, ZoneOffset.UTC);
  }

  static Clock serverClock() {
    return Clock.fixed(CLIENT_NOW.plusSeconds(SERVER_AHEAD_SECONDS), ZoneOffset.UTC);
  }

  /** Options for a permanent key on DC 2 trusting {@link #serverKey()}. */
  static ClientKeyExchange.Options.Builder clientOptions(long seed) {
    return ClientKeyExchange.Options.builder(trustedKeys(), 2)
        .random(seeded(seed)).clock(clientClock());
  }

  /** Options for a server with {@link #serverKey()}. */
  static ServerKeyExchange.Options.Builder serverOptions(long seed) {
    return ServerKeyExchange.Options.builder(serverKey())
        .random(seeded(seed)).clock(serverClock());
  }

  /** A reproducible {@link SecureRandom}: for tests only. */
  static SecureRandom seeded(long seed) {
    return new ScriptedRandom(seed, Map.of());
  }

  /**
   * A reproducible {@link SecureRandom} that answers the first requests for {@code n} bytes with
   * the scripted values for {@code n}, in order, and everything else from a seeded generator.
   */
  static SecureRandom scripted(long seed, Map<Integer, byte[][]> script) {
    return new ScriptedRandom(seed, script);
  }

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  /**
   * Carries {@code message} over the wire: serialises it with {@link TlWriter}, decodes the bytes
   * with {@link TlReader} from a direct buffer, and checks that the whole buffer was consumed and
   * that the decoded value equals and re-encodes to the same bytes.
   */
  static TlObject transfer(TlObject message) {
    byte[] bytes = encode(message);
    ByteBuf in = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    try {
      TlObject decoded = new TlReader(in).readObject();
      assertThat(in.isReadable()).as("bytes left after " + decoded.tlName()).isFalse();
      assertThat(decoded).isEqualTo(message);
      assertThat(encode(decoded)).isEqualTo(bytes);
      return decoded;
    } finally {
      in.release();
    }
  }

  /** The boxed TL serialisation of {@code message}. */
  static byte[] encode(TlObject message) {
    ByteBuf out = Unpooled.buffer();
    try {
      message.write(new TlWriter(out));
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  /** Runs a client against a server in memory, every message through real TL bytes. */
  static final class Link {
    final ClientKeyExchange client;
    final ServerKeyExchange server;
    UnaryOperator<TlObject> toServer = UnaryOperator.identity();
    UnaryOperator<TlObject> toClient = UnaryOperator.identity();
    int requests;

    Link(ClientKeyExchange client, ServerKeyExchange server) {
      this.client = client;
      this.server = server;
    }

    Link toServer(UnaryOperator<TlObject> hook) {
      this.toServer = hook;
      return this;
    }

    Link toClient(UnaryOperator<TlObject> hook) {
      this.toClient = hook;
      return this;
    }

    /** Exchanges messages until the client is done; exceptions of either side propagate. */
    ClientKeyExchange.Done run() {
      TlObject request = client.firstRequest();
      for (int i = 0; i < 32; i++) {
        requests++;
        TlObject response = server.handle(transfer(toServer.apply(request)));
        ClientKeyExchange.Step step = client.onResponse(transfer(toClient.apply(response)));
        if (step instanceof ClientKeyExchange.Done done) {
          return done;
        }
        request = ((ClientKeyExchange.Send) step).request();
      }
      throw new AssertionError("the exchange does not end");
    }
  }

  private static final class ScriptedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final Random random;
    private final Map<Integer, ArrayDeque<byte[]>> script = new HashMap<>();

    ScriptedRandom(long seed, Map<Integer, byte[][]> script) {
      this.random = new Random(seed);
      script.forEach((length, values) -> {
        ArrayDeque<byte[]> queue = new ArrayDeque<>();
        for (byte[] value : values) {
          if (value.length != length) {
            throw new IllegalArgumentException("scripted value is not " + length + " bytes");
          }
          queue.add(value.clone());
        }
        this.script.put(length, queue);
      });
    }

    @Override
    public void nextBytes(byte[] bytes) {
      ArrayDeque<byte[]> queue = script.get(bytes.length);
      if (queue != null && !queue.isEmpty()) {
        System.arraycopy(queue.poll(), 0, bytes, 0, bytes.length);
      } else {
        random.nextBytes(bytes);
      }
    }
  }
}
