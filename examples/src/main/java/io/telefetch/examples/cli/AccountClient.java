package io.telefetch.examples.cli;

import io.telefetch.link.LinkPreviews;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.launcher.DemoCluster;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An open account: its {@link TelegramClient}, where its session lives, and, for a testkit, the
 * cluster's t.me pages (and the embedded cluster, closed with this). Close it when done.
 */
public final class AccountClient implements AutoCloseable {
  private final String account;
  private final TelegramClient client;
  private final @Nullable Path sessionFile;
  private final @Nullable String webBaseUrl;
  private final @Nullable DemoCluster embedded;

  AccountClient(String account, TelegramClient client, @Nullable Path sessionFile, @Nullable String webBaseUrl,
      @Nullable DemoCluster embedded) {
    this.account = account;
    this.client = client;
    this.sessionFile = sessionFile;
    this.webBaseUrl = webBaseUrl;
    this.embedded = embedded;
  }

  /** The account's name (or what stands in for it with a testkit). */
  public String account() {
    return account;
  }

  public TelegramClient client() {
    return client;
  }

  /** The session file, or empty when the session is in memory (a testkit stand-in). */
  public Optional<Path> sessionFile() {
    return Optional.ofNullable(sessionFile);
  }

  /** The base of the t.me pages: the testkit's web server, else {@link LinkPreviews#TELEGRAM}. */
  public String webBaseUrl() {
    return webBaseUrl == null ? LinkPreviews.TELEGRAM : webBaseUrl;
  }

  /** The embedded testkit cluster of {@code --testkit} alone, if this started one. */
  public Optional<DemoCluster> embeddedCluster() {
    return Optional.ofNullable(embedded);
  }

  /** Closes the client (saving the session) and the embedded cluster. */
  @Override
  public void close() {
    try {
      client.close();
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  @Override
  public String toString() {
    return "AccountClient[" + account + "]";
  }
}
