package io.telefetch.mtproto.client;

import io.telefetch.mtproto.rpc.CallOptions;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.FileHashType;
import io.telefetch.tl.api.upload.CdnFileType;
import io.telefetch.tl.api.upload.FileType;
import io.telefetch.tl.api.upload.GetCdnFile;
import io.telefetch.tl.api.upload.GetCdnFileHashes;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.api.upload.GetFileHashes;
import io.telefetch.tl.api.upload.ReuploadCdnFile;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An authorised handle on one data center for file transfer: the five methods the downloader
 * needs from the client (gotd's {@code downloader.Client} idea), so it can be tested with a fake.
 * Get one from {@link TelegramClient#dc(int)}; {@code client.dc(client.mainDc())} is the home DC.
 *
 * <p>The typed file methods ({@link #getFile}, {@link #getCdnFile}, {@link #getFileHashes}, {@link
 * #getCdnFileHashes}, {@link #reuploadCdnFile}) say where each call belongs; their defaults send
 * it through {@link #invoke(TlMethod, CallOptions)}, so a fake implements only {@code invoke}.
 *
 * <p>Handles are cheap and thread-safe. The first call through a handle on a DC other than the
 * home DC exports the account's authorization there ({@code auth.exportAuthorization} on the home
 * DC, {@code auth.importAuthorization} on this one); that happens once per DC and session, shared
 * by every concurrent caller, never once per call or per file.
 */
public interface DcClient {

  /** The DC this handle talks to. */
  int dcId();

  /**
   * Sends {@code method} to {@link #dcId()} over the DC's file-transfer connections (a media-only
   * address when the DC has one), through the client's interceptors. Errors are typed as {@link
   * TelegramClient#invoke(TlMethod)} documents; FILE_MIGRATE_X is surfaced as a {@link
   * io.telefetch.mtproto.rpc.MigrateException} for the caller to follow with {@link #dc(int)}.
   *
   * <p>Large {@code bytes} fields of the result (at least {@link
   * ClientOptions.Builder#zeroCopyThreshold}, 64 KiB by default: file parts) are zero-copy slices of
   * the received buffer: the caller owns them and releases them with {@link
   * io.telefetch.tl.TlObjects#releaseSlices} (or {@link io.telefetch.tl.TlBytes#release()}) once
   * consumed. Cancelling the future cancels the request on its connection and any retry.
   */
  <R> CompletableFuture<R> invoke(TlMethod<R> method);

  /**
   * Like {@link #invoke(TlMethod)} with per-call {@code options} over the client's defaults: the
   * downloader passes {@link CallOptions#SINGLE_ATTEMPT} for its parts, so FLOOD_WAIT and 500s reach
   * its own policy at once. The default ignores {@code options} (for fakes).
   */
  default <R> CompletableFuture<R> invoke(TlMethod<R> method, CallOptions options) {
    return invoke(method);
  }

  /**
   * Where the downloader reports its events (parts, hash mismatches, retries, downloads): the
   * client's {@link EventListener}, guarded. The default is {@link EventListener#NONE}.
   */
  default EventListener eventListener() {
    return EventListener.NONE;
  }

  /**
   * Sends {@code method} to the account's home DC over its ordinary connection, for calls that
   * belong there (upload.reuploadCdnFile, help.getCdnConfig, refetching a message...).
   */
  <R> CompletableFuture<R> invokeMain(TlMethod<R> method);

  /** The handle on DC {@code dcId}; nothing is sent until it is used. */
  DcClient dc(int dcId);

  /**
   * The handle on CDN DC {@code dcId} (from {@code upload.fileCdnRedirect}): its auth key is
   * created trusting only the RSA keys {@code help.getCdnConfig} lists for it, no authorization is
   * imported, nothing private is sent in initConnection and its updates are ignored. Only
   * {@code upload.getCdnFile} belongs there.
   */
  DcClient cdn(int dcId);

  /**
   * Closes this handle's file-transfer connections to its DC (calls in flight on them fail with
   * {@link io.telefetch.mtproto.rpc.ConnectionClosedException}); the next call opens new ones. For
   * a downloader whose requests stopped being answered on a connection that is otherwise alive
   * (its stall watchdog). The default does nothing.
   */
  default CompletableFuture<Void> reconnect() {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * upload.getFile on this DC's file-transfer connections. The {@code bytes} of an {@code
   * upload.file} answer belong to the caller (see {@link #invoke(TlMethod)}).
   */
  default CompletableFuture<FileType> getFile(GetFile request, CallOptions options) {
    return invoke(request, options);
  }

  /**
   * upload.getCdnFile on this (CDN) DC's connections. The {@code bytes} of an {@code
   * upload.cdnFile} answer belong to the caller.
   */
  default CompletableFuture<CdnFileType> getCdnFile(GetCdnFile request, CallOptions options) {
    return invoke(request, options);
  }

  /**
   * upload.getFileHashes on this DC: small answers that should not queue behind the parts, so a
   * client with an ordinary connection to the DC sends them there (the default shares the
   * file-transfer connections). The answer holds no slice (nothing to release).
   */
  default CompletableFuture<List<FileHashType>> getFileHashes(GetFileHashes request) {
    return invoke(request);
  }

  /**
   * upload.getCdnFileHashes on this DC, the file's master DC (never the CDN): on the ordinary
   * connection like {@link #getFileHashes}. The answer holds no slice.
   */
  default CompletableFuture<List<FileHashType>> getCdnFileHashes(GetCdnFileHashes request) {
    return invoke(request);
  }

  /**
   * upload.reuploadCdnFile on this DC, the file's master DC: asks it to put the file back on the
   * CDN; answers the hashes of the reuploaded parts (no slice).
   */
  default CompletableFuture<List<FileHashType>> reuploadCdnFile(ReuploadCdnFile request) {
    return invoke(request);
  }
}
