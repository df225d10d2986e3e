package io.telefetch.media.e2e;

import io.telefetch.media.FetchOptions;
import io.telefetch.media.MediaFetcher;
import io.telefetch.media.MediaFile;
import io.telefetch.mtproto.client.TelegramClient;
import java.nio.file.Path;

/**
 * Child-JVM half of the killed-download test: downloads a channel post's file to a path from a
 * running cluster (arguments: DC list "id:host:port,...", RSA PEM file, bot token, channel username,
 * message id, target path) and prints "started" once the download runs. The parent kills it with
 * SIGKILL midway.
 */
public final class ResumeChildMain {
  private ResumeChildMain() {}

  public static void main(String[] args) throws Exception {
    try (TelegramClient client = Fixture.childClient(args[0], Path.of(args[1]), args[2])) {
      MediaFile file = Fixture.file(client, args[3], Integer.parseInt(args[4]));
      System.out.println("started");
      System.out.flush();
      MediaFetcher.create(client, FetchOptions.builder().window(4, 8).build()).download(file)
          .toPath(Path.of(args[5])).join();
      System.out.println("finished"); // the parent kills us before this
    }
  }
}
