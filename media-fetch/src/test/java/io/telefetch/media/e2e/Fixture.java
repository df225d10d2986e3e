package io.telefetch.media.e2e;

import io.telefetch.media.MediaFile;
import io.telefetch.media.MediaFiles;
import io.telefetch.mtproto.client.ClientOptions;
import io.telefetch.mtproto.client.DcOption;
import io.telefetch.mtproto.client.DcOptions;
import io.telefetch.mtproto.client.Login;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.testkit.world.World;
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
import io.telefetch.mtproto.client.ServerKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A logged-in client against a test cluster and a way to turn a channel post into a MediaFile (public
 * for the unit tests of the part sources in {@code io.telefetch.media}).
 */
public final class Fixture {
  private Fixture() {}

  /**
   * A bot client with the client's own flood-wait sleeping and retries on (as a user's would be):
   * the downloader's parts opt out of both per call, so FLOOD_WAIT still reaches its window.
   */
  public static TelegramClient botClient(TestCluster cluster, WorldUser bot) {
    return botClient(cluster, bot, b -> b);
  }

  /** A bot client whose options {@code tweak} changes last (e.g. another call timeout). */
  public static TelegramClient botClient(TestCluster cluster, WorldUser bot,
      java.util.function.UnaryOperator<ClientOptions.Builder> tweak) {
    List<DcOption> options = new ArrayList<>();
    for (DcServer dc : cluster.dcs()) {
      if (!dc.mediaOnly() && !dc.cdn()) {
        options.add(DcOption.of(dc.id(), dc.host(), dc.port()));
      }
    }
    TelegramClient client = tweak.apply(TelegramClient.builder()
        .apiId(4242).apiHash("0123456789abcdef0123456789abcdef")
        .dcOptions(DcOptions.of(options))
        .serverKeys(cluster.serverKeys())
        .mainDc(1)
        .downloadConnections(2)
        .callTimeout(Duration.ofSeconds(30))
        .retries(2, Duration.ofMillis(20), Duration.ofMillis(200))
        .floodWait(Duration.ofSeconds(60), 3))
        .build();
    client.login(Login.botToken(bot.botToken().orElseThrow())).join();
    return client;
  }

  /** Resolves the channel by username, fetches the post and returns its file (refreshable). */
  public static MediaFile file(TelegramClient client, WorldChannel channel, int messageId) {
    return file(client, channel.username().orElseThrow(), messageId);
  }

  /** The file of post {@code messageId} of the channel {@code @username} (refreshable). */
  public static MediaFile file(TelegramClient client, String username, int messageId) {
    ResolvedPeer peer = (ResolvedPeer) client.invoke(new ResolveUsername(username, null)).join();
    Channel ch = (Channel) peer.chats().get(0);
    InputChannel input = new InputChannel(ch.id(), ch.accessHash());
    java.util.function.Supplier<CompletableFuture<MessageType>> fetch = () -> client
        .invoke(new GetMessages(input, List.of(new InputMessageID(messageId))))
        .thenApply(r -> ((ChannelMessages) r).messages().get(0));
    return MediaFiles.of(fetch.get().join(), fetch);
  }

  /**
   * A bot client logged in from a child JVM's arguments: {@code dcList} "id:host:port,...", the
   * cluster's RSA key as a PEM file, and the bot token. The caller closes it.
   */
  static TelegramClient childClient(String dcList, Path pem, String botToken) throws IOException {
    List<DcOption> dcs = new ArrayList<>();
    for (String dc : dcList.split(",")) {
      String[] p = dc.split(":");
      dcs.add(DcOption.of(Integer.parseInt(p[0]), p[1], Integer.parseInt(p[2])));
    }
    ServerKeys keys = ServerKeys.fromPem(Files.readString(pem));
    TelegramClient client = TelegramClient.builder().apiId(4242).apiHash("0123456789abcdef0123456789abcdef")
        .dcOptions(DcOptions.of(dcs)).serverKeys(keys).mainDc(1).downloadConnections(2)
        .callTimeout(Duration.ofSeconds(60)).build();
    client.login(Login.botToken(botToken)).join();
    return client;
  }

  /**
   * A started cluster with a bot {@code <name>_bot} and a channel {@code @<name>_test} on DC 1, and
   * the bot's logged-in client; {@link #close} closes the client, then the cluster.
   */
  public record Stage(TestCluster cluster, World world, WorldChannel channel, TelegramClient client) implements AutoCloseable {
    public static Stage start(TestCluster.Builder cluster, String name) {
      return start(cluster, name, b -> b);
    }

    public static Stage start(TestCluster.Builder builder, String name,
        java.util.function.UnaryOperator<ClientOptions.Builder> tweak) {
      TestCluster cluster = builder.build().start();
      World world = cluster.world();
      WorldUser bot = world.bot(name + "_bot").dc(1).create();
      WorldChannel channel = world.channel(name + "_test").dc(1).create();
      return new Stage(cluster, world, channel, botClient(cluster, bot, tweak));
    }

    @Override
    public void close() {
      try {
        client.close();
      } finally {
        cluster.close();
      }
    }
  }
}
