package io.telefetch.examples.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.media.MediaFiles;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.world.FileContent;
import io.telefetch.testkit.world.World;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldDocument;
import io.telefetch.testkit.world.WorldMessage;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.api.Channel;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.InputMessageID;
import io.telefetch.tl.api.MessageType;
import io.telefetch.tl.api.channels.GetMessages;
import io.telefetch.tl.api.contacts.ResolveUsername;
import io.telefetch.tl.api.contacts.ResolvedPeer;
import io.telefetch.tl.api.help.GetNearestDc;
import io.telefetch.tl.api.messages.ChannelMessages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JFR recipe against a testkit cluster: a login, a retried call and a download, read back from a recording. */
class JfrEventListenerTest {

  @Test
  void aRecordingHoldsTheClientsEvents(@TempDir Path dir) throws Exception {
    try (TestCluster cluster = TestCluster.builder().dcs(2).build().start()) {
      World world = cluster.world();
      WorldUser bot = world.bot("jfr_bot").dc(2).create(); // logging in on DC 1 migrates to DC 2
      WorldChannel channel = world.channel("jfr_test").dc(1).create();
      long size = 3L * 512 * 1024; // two parts of the default 1 MiB
      WorldDocument doc = world.document("jfr.bin", FileContent.seeded(21, size)).dc(1).create();
      WorldMessage post = world.post(channel).media(doc).create();
      List<DcOption> options = new ArrayList<>();
      for (DcServer dc : cluster.dcs()) {
        if (!dc.mediaOnly() && !dc.cdn()) {
          options.add(DcOption.of(dc.id(), dc.host(), dc.port()));
        }
      }
      Path file = dir.resolve("client.jfr");
      try (Recording recording = new Recording()) {
        recording.enable("io.telefetch.Connect");
        recording.enable("io.telefetch.KeyCreated");
        recording.enable("io.telefetch.Login");
        recording.enable("io.telefetch.Migrate");
        recording.enable("io.telefetch.Retry");
        recording.enable("io.telefetch.PartFetched");
        recording.enable("io.telefetch.DownloadFinished");
        recording.start();
        try (TelegramClient client = TelegramClient.builder()
            .apiId(4242).apiHash("0123456789abcdef0123456789abcdef")
            .dcOptions(DcOptions.of(options)).serverKeys(cluster.serverKeys()).mainDc(1)
            .retries(3, Duration.ofMillis(1), Duration.ofMillis(5))
            .eventListener(new JfrEventListener())
            .build()) {
          client.login(Login.botToken(bot.botToken().orElseThrow())).join();
          cluster.dc(2).faults().rpcError("help.getNearestDc", 500, "INTERNAL", 2);
          client.invoke(new GetNearestDc()).join();
          MediaFile media = media(client, channel, post.id());
          assertThat(MediaFetcher.create(client).download(media).toPath(dir.resolve("jfr.bin")).join())
              .hasSize(size);
        }
        recording.stop();
        recording.dump(file);
      }
      Map<String, Integer> counts = new TreeMap<>();
      long partBytes = 0;
      for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
        counts.merge(e.getEventType().getName(), 1, Integer::sum);
        if (e.getEventType().getName().equals("io.telefetch.PartFetched")) {
          partBytes += e.getInt("bytes");
        }
        if (e.getEventType().getName().equals("io.telefetch.Migrate")) {
          assertThat(e.getString("reason")).isEqualTo("USER_MIGRATE_2");
        }
      }
      assertThat(counts).containsEntry("io.telefetch.Login", 1).containsEntry("io.telefetch.Migrate", 1)
          .containsEntry("io.telefetch.KeyCreated", 2).containsEntry("io.telefetch.Retry", 2)
          .containsEntry("io.telefetch.PartFetched", 2).containsEntry("io.telefetch.DownloadFinished", 1);
      assertThat(counts.get("io.telefetch.Connect")).isGreaterThanOrEqualTo(2);
      assertThat(partBytes).isEqualTo(size);
      assertThat(Files.size(file)).isPositive();
    }
  }

  private static MediaFile media(TelegramClient client, WorldChannel channel, int messageId) {
    ResolvedPeer peer = (ResolvedPeer) client.invoke(new ResolveUsername(channel.username().orElseThrow(), null)).join();
    Channel ch = (Channel) peer.chats().get(0);
    InputChannel input = new InputChannel(ch.id(), ch.accessHash());
    Supplier<CompletableFuture<MessageType>> fetch = () -> client
        .invoke(new GetMessages(input, List.of(new InputMessageID(messageId))))
        .thenApply(r -> ((ChannelMessages) r).messages().get(0));
    return MediaFiles.of(fetch.get().join(), fetch);
  }
}
