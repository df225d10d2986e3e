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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Child-JVM half of the killed-download test: downloads a channel post's file to a path from a
 * running cluster (arguments: DC list "id:host:port,...", RSA PEM file, bot token, channel username,
 * message id, target path) and prints "started" once the download runs. The parent kills it with
 * SIGKILL midway.
 */
public final class ResumeChildMain {
  private ResumeChildMain() {}

  public static void main(String[] args) throws Exception {
    List<DcOption> dcs = new ArrayList<>();
    for (String dc : args[0].split(",")) {
      String[] p = dc.split(":");
      dcs.add(DcOption.of(Integer.parseInt(p[0]), p[1], Integer.parseInt(p[2])));
    }
    RsaKeys keys = RsaKeys.empty().add(RsaPublicKey.parsePem(Files.readString(Path.of(args[1]))));
    try (TelegramClient client = TelegramClient.builder().apiId(4242).apiHash("0123456789abcdef0123456789abcdef")
        .dcOptions(DcOptions.of(dcs)).rsaKeys(keys).mainDc(1).downloadConnections(2)
        .callTimeout(Duration.ofSeconds(60)).build()) {
      client.login(Login.botToken(args[2])).join();
      ResolvedPeer peer = (ResolvedPeer) client.invoke(new ResolveUsername(args[3], null)).join();
      Channel ch = (Channel) peer.chats().get(0);
      var message = ((ChannelMessages) client.invoke(new GetMessages(new InputChannel(ch.id(), ch.accessHash()),
          List.of(new InputMessageID(Integer.parseInt(args[4]))))).join()).messages().get(0);
      MediaFile file = MediaFiles.of(message, null);
      System.out.println("started");
      System.out.flush();
      MediaFetcher.create(client, FetchOptions.builder().window(4, 8).build()).download(file)
          .toPath(Path.of(args[5])).join();
      System.out.println("finished"); // the parent kills us before this
    }
  }
}
