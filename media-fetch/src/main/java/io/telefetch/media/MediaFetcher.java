package io.telefetch.media;

import io.telefetch.mtproto.client.DcClient;
import io.telefetch.mtproto.client.TelegramClient;
import java.util.Objects;

/**
 * Downloads media from Telegram in parallel: {@code fetcher.download(file)} returns a request to
 * send to a path, a stream, a channel or a Flow publisher.
 *
 * <pre>{@code
 * MediaFetcher fetcher = MediaFetcher.create(client);
 * fetcher.download(video).withProgress(p -> ...).toPath(Path.of("video.mp4")).join();
 * try (InputStream in = fetcher.download(video).range(0, 4 << 20).openStream()) { ... }
 * }</pre>
 */
public final class MediaFetcher {
  private final DcClient client;
  private final FetchOptions options;

  private MediaFetcher(DcClient client, FetchOptions options) {
    this.client = Objects.requireNonNull(client, "client");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** A fetcher with the default options. */
  public static MediaFetcher create(TelegramClient client) {
    return create(client, FetchOptions.defaults());
  }

  /**
   * A fetcher downloading through {@code client}'s download connections; the file hashes it
   * verifies parts against are asked for on each DC's ordinary connection, so they do not queue
   * behind parts.
   */
  public static MediaFetcher create(TelegramClient client, FetchOptions options) {
    Objects.requireNonNull(client, "client");
    return create(client.dc(client.mainDc()), options);
  }

  /**
   * A fetcher over any {@link DcClient} (the interface the downloader depends on; a fake in tests).
   * File hashes go where the DcClient's typed {@link DcClient#getFileHashes} sends them (a {@link
   * TelegramClient}'s handles: each DC's ordinary connection).
   */
  public static MediaFetcher create(DcClient client, FetchOptions options) {
    return new MediaFetcher(client, options);
  }

  public FetchOptions options() {
    return options;
  }

  /** A download of the whole file (narrow it with {@link DownloadRequest#range}). */
  public DownloadRequest download(MediaFile file) {
    return DownloadRequest.newBuilder(client, options, Objects.requireNonNull(file, "file")).build();
  }
}
