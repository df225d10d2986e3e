package io.telefetch.media.e2e;

import io.telefetch.media.MediaFile;
import io.telefetch.media.MediaFiles;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.world.WorldChannel;
import io.telefetch.testkit.world.WorldUser;
import io.telefetch.tl.api.Channel;
import io.telefetch.tl.api.InputChannel;
import io.telefetch.tl.api.InputMessageID;
import io.telefetch.tl.api.MessageType;
import io.telefetch.tl.api.channels.GetMessages;
import io.telefetch.tl.api.contacts.ResolveUsername;
import io.telefetch.tl.api.contacts.ResolvedPeer;
import io.telefetch.tl.api.messages.ChannelMessages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A logged-in client against a test cluster and a way to turn a channel post into a MediaFile. */
final class Fixture {
  private Fixture() {}

  /**
   * A bot client with the client's own flood-wait sleeping and retries on (as a user's would be):
   * the downloader's parts opt out of both per call, so FLOOD_WAIT still reaches its window.
   */
  static TelegramClient botClient(TestCluster cluster, WorldUser bot) {
    List<DcOption> options = new ArrayList<>();
    for (DcServer dc : cluster.dcs()) {
      if (!dc.mediaOnly() && !dc.cdn()) {
        options.add(DcOption.of(dc.id(), dc.host(), dc.port()));
      }
    }
    TelegramClient client = TelegramClient.builder()
        .apiId(4242).apiHash("0123456789abcdef0123456789abcdef")
        .dcOptions(DcOptions.of(options))
        .rsaKeys(cluster.rsaKeys())
        .mainDc(1)
        .downloadConnections(2)
        .callTimeout(Duration.ofSeconds(30))
        .retries(2, Duration.ofMillis(20), Duration.ofMillis(200))
        .floodWait(Duration.ofSeconds(60), 3)
        .build();
    client.login(Login.botToken(bot.botToken().orElseThrow())).join();
    return client;
  }

  /** Resolves the channel by username, fetches the post and returns its file (refreshable). */
  static MediaFile file(TelegramClient client, WorldChannel channel, int messageId) {
    ResolvedPeer peer = (ResolvedPeer) client.invoke(new ResolveUsername(channel.username().orElseThrow(), null)).join();
    Channel ch = (Channel) peer.chats().get(0);
    InputChannel input = new InputChannel(ch.id(), ch.accessHash());
    java.util.function.Supplier<CompletableFuture<MessageType>> fetch = () -> client
        .invoke(new GetMessages(input, List.of(new InputMessageID(messageId))))
        .thenApply(r -> ((ChannelMessages) r).messages().get(0));
    return MediaFiles.of(fetch.get().join(), fetch);
  }
}
