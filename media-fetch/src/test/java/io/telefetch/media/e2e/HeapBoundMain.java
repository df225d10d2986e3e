package io.telefetch.media.e2e;

import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.media.MediaFiles;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.mtproto.crypto.RsaKeys;
import io.telefetch.mtproto.crypto.RsaPublicKey;
import io.telefetch.tl.api.Channel;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.InputMessageID;
import io.telefetch.tl.api.channels.GetMessages;
import io.telefetch.tl.api.contacts.ResolveUsername;
import io.telefetch.tl.api.contacts.ResolvedPeer;
import io.telefetch.tl.api.messages.ChannelMessages;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Child-JVM half of the heap-bound test: downloads a file from a running cluster (arguments: DC
 * list "id:host:port,...", RSA PEM file, bot token, channel username, message id) into a hashing
 * sink and prints the SHA-256 and the peak heap used. Run with -Xmx64m.
 */
public final class HeapBoundMain {
  private HeapBoundMain() {}

  public static void main(String[] args) throws Exception {
    List<DcOption> dcs = new ArrayList<>();
    for (String dc : args[0].split(",")) {
      String[] p = dc.split(":");
      dcs.add(DcOption.of(Integer.parseInt(p[0]), p[1], Integer.parseInt(p[2])));
    }
    RsaKeys keys = RsaKeys.empty().add(RsaPublicKey.parsePem(Files.readString(Path.of(args[1]))));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (TelegramClient client = TelegramClient.builder().apiId(4242).apiHash("0123456789abcdef0123456789abcdef")
        .dcOptions(DcOptions.of(dcs)).rsaKeys(keys).mainDc(1).downloadConnections(2)
        .callTimeout(Duration.ofSeconds(60)).build()) {
      client.login(Login.botToken(args[2])).join();
      ResolvedPeer peer = (ResolvedPeer) client.invoke(new ResolveUsername(args[3], null)).join();
      Channel ch = (Channel) peer.chats().get(0);
      int id = Integer.parseInt(args[4]);
      var message = ((ChannelMessages) client.invoke(new GetMessages(new InputChannel(ch.id(), ch.accessHash()),
          List.of(new InputMessageID(id)))).join()).messages().get(0);
      MediaFile file = MediaFiles.of(message, null);
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
