package io.telefetch.media.e2e;

import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.mtproto.client.TelegramClient;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Child-JVM half of the heap-bound test: downloads a file from a running cluster (arguments: DC
 * list "id:host:port,...", RSA PEM file, bot token, channel username, message id) into a hashing
 * sink and prints the SHA-256 and the peak heap used. Run with -Xmx64m.
 */
public final class HeapBoundMain {
  private HeapBoundMain() {}

  public static void main(String[] args) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (TelegramClient client = Fixture.childClient(args[0], Path.of(args[1]), args[2])) {
      MediaFile file = Fixture.file(client, args[3], Integer.parseInt(args[4]));
      long[] peak = {0};
      WritableByteChannel sink = new WritableByteChannel() {
        @Override
        public int write(ByteBuffer src) {
          int n = src.remaining();
          sha.update(src);
          Runtime rt = Runtime.getRuntime();
          peak[0] = Math.max(peak[0], rt.totalMemory() - rt.freeMemory());
          return n;
        }

        @Override
        public boolean isOpen() {
          return true;
        }

        @Override
        public void close() {}
      };
      long n = MediaFetcher.create(client, FetchOptions.builder().window(4, 8).build()).download(file)
          .toChannel(sink).join();
      System.out.println("bytes=" + n);
      System.out.println("sha256=" + HexFormat.of().formatHex(sha.digest()));
      System.out.println("peakHeapMiB=" + peak[0] / (1 << 20));
    }
  }
}
