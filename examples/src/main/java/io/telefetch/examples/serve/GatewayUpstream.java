package io.telefetch.examples.serve;

import io.telefetch.link.LinkResolver;
import io.telefetch.link.ResolvedLink;
import io.telefetch.link.TelegramLink;
import io.telefetch.media.DownloadRequest;
import io.telefetch.media.MediaFetcher;
import io.telefetch.mtproto.client.TelegramClient;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Where the {@link Gateway} gets links and bytes from: one logged-in account ({@link #of}), or an
 * account pool, alone or as a node of a group sharing Redis ({@link PoolNode}).
 */
public interface GatewayUpstream {
  /** Resolves {@code link} (from a cache when one holds it). */
  CompletableFuture<ResolvedLink> resolve(TelegramLink link);

  /**
   * The download of media {@code index} of {@code link}, which {@code resolved} describes. Nothing
   * is fetched until the request is consumed.
   */
  CompletableFuture<DownloadRequest> download(TelegramLink link, ResolvedLink resolved, int index);

  /** The accounts behind this upstream and their state, for {@code /v1/accounts}. */
  Accounts accounts();

  /**
   * The state of the accounts of one gateway node.
   *
   * @param node this node's id in a group, or null alone
   * @param redis "up" or "down" with a group's Redis, null without one
   * @param accounts every account, in order
   */
  record Accounts(@Nullable String node, @Nullable String redis, List<AccountState> accounts) {
    public Accounts {
      accounts = List.copyOf(accounts);
    }
  }

  /** The gateway of one logged-in {@code client} (not closed here): its resolver and fetcher. */
  static GatewayUpstream of(TelegramClient client) {
    Objects.requireNonNull(client, "client");
    LinkResolver resolver = LinkResolver.create(client);
    MediaFetcher fetcher = MediaFetcher.create(client);
    java.util.concurrent.atomic.AtomicLong userId = new java.util.concurrent.atomic.AtomicLong();
    return new GatewayUpstream() {
      @Override
      public CompletableFuture<ResolvedLink> resolve(TelegramLink link) {
        return resolver.resolve(link);
      }

      @Override
      public CompletableFuture<DownloadRequest> download(TelegramLink link, ResolvedLink resolved, int index) {
        return CompletableFuture.completedFuture(fetcher.download(resolved.media().get(index)));
      }

      @Override
      public Accounts accounts() {
        boolean in = client.isLoggedIn();
        if (in && userId.get() == 0) {
          userId.set(client.session().userId()); // once: reading the session saves it
        }
        return new Accounts(null, null, List.of(AccountState.single(in ? userId.get() : 0, in)));
      }
    };
  }
}
