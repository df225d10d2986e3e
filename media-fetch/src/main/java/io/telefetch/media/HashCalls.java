package io.telefetch.media;

import io.telefetch.mtproto.client.DcClient;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.tl.TlMethod;
import java.util.concurrent.CompletableFuture;

/**
 * Where upload.getFileHashes and upload.getCdnFileHashes go: small answers that should not queue
 * behind the 1 MiB parts on the download connections. With a {@link TelegramClient} they use the
 * DC's ordinary (MAIN) connection; over a bare {@link DcClient} (which can only reach another DC's
 * download connections) they share the download connections.
 */
interface HashCalls {
  /**
   * Sends {@code method} to DC {@code dcId}. The caller owns any zero-copy slice in the result; hash
   * answers hold none (their 32-byte hashes are heap copies), so there is nothing to release.
   */
  <R> CompletableFuture<R> invoke(int dcId, TlMethod<R> method);

  /** The DC's ordinary connection (the account's authorization is imported there once per DC key). */
  static HashCalls mainConnections(TelegramClient client) {
    return new HashCalls() {
      @Override
      public <R> CompletableFuture<R> invoke(int dcId, TlMethod<R> method) {
        return client.invoke(dcId, method);
      }
    };
  }

  /** The DC's download connections, through {@code client}. */
  static HashCalls downloadConnections(DcClient client) {
    return new HashCalls() {
      @Override
      public <R> CompletableFuture<R> invoke(int dcId, TlMethod<R> method) {
        return client.dc(dcId).invoke(method);
      }
    };
  }
}
