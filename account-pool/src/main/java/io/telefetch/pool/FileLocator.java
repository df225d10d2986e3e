package io.telefetch.pool;

import io.telefetch.media.MediaFile;
import java.util.concurrent.CompletableFuture;

/**
 * Finds one file as an account sees it: each account re-fetches the message through its own client
 * (for example with {@code LinkResolver.create(account.client())}), so every part it sends carries
 * its own file reference. Fails when the account cannot see the file.
 */
@FunctionalInterface
public interface FileLocator {
  /** The file as {@code account} sees it. */
  CompletableFuture<MediaFile> locate(PoolAccount account);
}
