package io.telefetch.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlRegistry;
import io.telefetch.tl.TlWriter;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The first use of the TL codec in a fresh JVM, one fork per sample: building {@link
 * TlRegistry#standard()}, and (registry built, netty warm) the first decode of a {@code
 * messages.channelMessages} of three messages with document media, which loads the generated
 * classes it meets. Netty's own first-use cost (allocator, string decoding) is paid in the setup of
 * both. {@code java -jar benchmarks/target/benchmarks.jar TlRegistryStartup}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(10)
public class TlRegistryStartupBenchmark {
  private ByteBuf encoded;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    encoded = Unpooled.wrappedBuffer(encodedElsewhere());
    ByteBuf warm = Unpooled.buffer(64);
    warm.writeIntLE(1).writeLongLE(2).writeBytes("netty first use".getBytes(StandardCharsets.UTF_8));
    if (warm.readIntLE() + warm.readLongLE() + warm.toString(StandardCharsets.UTF_8).length() + encoded.getIntLE(0) == 0) {
      throw new AssertionError();
    }
    warm.release();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    encoded.release();
  }

  @Benchmark
  public TlRegistry firstStandardRegistry() {
    return TlRegistry.standard();
  }

  /** State of {@link #firstDecode}: the registry already built. */
  @State(Scope.Benchmark)
  public static class Built {
    TlRegistry registry;

    @Setup(Level.Trial)
    public void setup() {
      registry = TlRegistry.standard();
    }
  }

  @Benchmark
  public TlObject firstDecode(Built built) {
    encoded.readerIndex(0);
    return new TlReader(encoded, built.registry, TlReader.Options.DEFAULT).readObject();
  }

  /**
   * The encoded message, built in a class loader of its own: building it here would load the very
   * classes whose loading {@link #firstDecode} measures.
   */
  private static byte[] encodedElsewhere() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      urls.add(new File(entry).toURI().toURL());
    }
    try (URLClassLoader elsewhere = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      return (byte[]) elsewhere.loadClass(Encoder.class.getName()).getMethod("encode").invoke(null);
    }
  }

  /** Runs in the class loader of {@link #encodedElsewhere}. */
  public static final class Encoder {
    private Encoder() {}

    public static byte[] encode() {
      ByteBuf out = Unpooled.buffer();
      try {
        TlCodecBenchmark.channelMessages(3).write(new TlWriter(out));
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
      } finally {
        out.release();
      }
    }
  }
}
