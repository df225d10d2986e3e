package io.telefetch.media;

import io.telefetch.tl.TlMethod;
import java.util.concurrent.CompletableFuture;

/**
 * The five things the downloader needs from a Telegram client (gotd-style: it depends on this, not
 * on the whole client). {@code TelegramClient} provides it through {@link MediaFetcher#create}.
 */
public interface FileClient {
  /** The account's home DC. */
  int homeDc();

  /** Calls {@code method} on the home DC's main connection. */
  <R> CompletableFuture<R> invoke(TlMethod<R> method);

  /**
   * Calls {@code method} on a download connection of DC {@code dcId}, authorised there (the
   * client exports/imports the authorization once per DC, never per call).
   */
  <R> CompletableFuture<R> invokeDownload(int dcId, TlMethod<R> method);

  /**
   * Calls {@code method} on CDN DC {@code cdnDcId}: an unauthorised connection whose RSA key was
   * checked against help.getCdnConfig, carrying no private initConnection data, whose updates are
   * ignored.
   */
  <R> CompletableFuture<R> invokeCdn(int cdnDcId, TlMethod<R> method);

  /** How many download connections DC {@code dcId} uses (to size the window). */
  default int downloadConnections(int dcId) {
    return 1;
  }
}
