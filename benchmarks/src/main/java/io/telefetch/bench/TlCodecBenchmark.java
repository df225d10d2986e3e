package io.telefetch.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlRegistry;
import io.telefetch.tl.TlWriter;
import io.telefetch.tl.api.Document;
import io.telefetch.tl.api.DocumentAttributeFilename;
import io.telefetch.tl.api.DocumentAttributeVideo;
import io.telefetch.tl.api.Message;
import io.telefetch.tl.api.MessageMediaDocument;
import io.telefetch.tl.api.PeerChannel;
import io.telefetch.tl.api.messages.ChannelMessages;
import io.telefetch.tl.api.storage.FileMp4;
import io.telefetch.tl.api.upload.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
 * The TL codec on the download hot path: decoding and encoding {@code upload.file} with 1 MiB of
 * data (zero-copy and copying), and decoding a {@code messages.channelMessages} of 100 messages
 * with document media. Run with {@code -prof gc} for bytes allocated per operation; MB/s = ops/s
 * for the 1 MiB benchmarks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TlCodecBenchmark {
  private static final int MIB = 1 << 20;
  private final TlRegistry registry = TlRegistry.standard();
  private final TlReader.Options zeroCopy = TlReader.Options.DEFAULT.withZeroCopyThreshold(64 << 10);
  private ByteBuf uploadFile;
  private ByteBuf channelMessages;
  private ByteBuf out;
  private File file;

  @Setup(Level.Trial)
  public void setup() {
    byte[] data = new byte[MIB];
    new Random(1).nextBytes(data);
    file = new File(new FileMp4(), 1_700_000_000, TlBytes.wrap(data));
    uploadFile = PooledByteBufAllocator.DEFAULT.directBuffer(MIB + 64);
    file.write(new TlWriter(uploadFile));
    channelMessages = PooledByteBufAllocator.DEFAULT.directBuffer();
    channelMessages(100).write(new TlWriter(channelMessages));
    out = PooledByteBufAllocator.DEFAULT.directBuffer(MIB + 64);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    uploadFile.release();
    channelMessages.release();
    out.release();
  }

  static ChannelMessages channelMessages(int n) {
    Random r = new Random(2);
    List<io.telefetch.tl.api.MessageType> messages = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] ref = new byte[24];
      r.nextBytes(ref);
      Document doc = Document.builder().id(r.nextLong()).accessHash(r.nextLong()).fileReference(TlBytes.wrap(ref))
          .date(1_700_000_000 + i).mimeType("video/mp4").size(64L * MIB + i).dcId(2)
          .attributes(List.of(
              DocumentAttributeVideo.builder().supportsStreaming(true).duration(120.5).w(1920).h(1080).build(),
              new DocumentAttributeFilename("video-" + i + ".mp4")))
          .build();
      messages.add(Message.builder().post(true).id(1000 + i).peerId(new PeerChannel(777L)).date(1_700_000_000 + i)
          .message("Episode " + i + ": a caption of moderate length with some text in it")
          .media(MessageMediaDocument.builder().document(doc).video(true).build()).views(1234 + i).forwards(5)
          .build());
    }
    return ChannelMessages.builder().pts(1).count(n).messages(messages).topics(List.of()).chats(List.of())
        .users(List.of()).build();
  }

  /** upload.file decoded zero-copy: the 1 MiB stays in the buffer (a retained slice). */
  @Benchmark
  public int decodeUploadFileZeroCopy() {
    uploadFile.readerIndex(0);
    File f = new TlReader(uploadFile, registry, zeroCopy).readObject(File.class);
    int n = f.bytes().length();
    f.bytes().release();
    return n;
  }

  /** upload.file decoded with the default options: the 1 MiB is copied to the heap. */
  @Benchmark
  public int decodeUploadFileCopying() {
    uploadFile.readerIndex(0);
    return new TlReader(uploadFile, registry, TlReader.Options.DEFAULT).readObject(File.class).bytes().length();
  }

  @Benchmark
  public int encodeUploadFile() {
    out.clear();
    file.write(new TlWriter(out));
    return out.writerIndex();
  }

  @Benchmark
  public Object decodeChannelMessages100() {
    channelMessages.readerIndex(0);
    return new TlReader(channelMessages, registry, TlReader.Options.DEFAULT).readObject();
  }
}
