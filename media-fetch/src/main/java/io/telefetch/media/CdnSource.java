package io.telefetch.media;

import io.telefetch.media.SourceState.Cdn;
import io.telefetch.media.engine.BadPartException;
import io.telefetch.mtproto.client.DcClient;
import io.telefetch.mtproto.crypto.AesCtr;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.FileHashType;
import io.telefetch.tl.api.upload.CdnFile;
import io.telefetch.tl.api.upload.CdnFileReuploadNeeded;
import io.telefetch.tl.api.upload.CdnFileType;
import io.telefetch.tl.api.upload.FileCdnRedirect;
import io.telefetch.tl.api.upload.GetCdnFile;
import io.telefetch.tl.api.upload.ReuploadCdnFile;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * upload.getCdnFile on the CDN DC of one {@link Cdn} state: the part decrypted (AES-256-CTR with
 * the redirect's key and an IV whose counter is the offset / 16) after the size check. On
 * upload.cdnFileReuploadNeeded it asks the master DC to put the file back (upload.reuploadCdnFile)
 * and tries again, at most {@value #MAX_REUPLOADS} times for one part; after that, or when the
 * file or request token is refused (FILE_TOKEN_INVALID, REQUEST_TOKEN_INVALID), it answers {@link
 * CdnFailed} and the router has the master DC serve the file. Its bytes are not verified here: the
 * router always wraps it in a {@link VerifyingSource}.
 */
final class CdnSource implements FileSource {
  /** upload.reuploadCdnFile calls for one part before the DC is asked for it instead. */
  static final int MAX_REUPLOADS = 3;
  /** Hash windows a redirect or reupload answer may carry (Telegram sends a few). */
  static final int MAX_HASHES_PER_ANSWER = 1024;
  /** The longest CDN file token accepted. */
  static final int MAX_TOKEN = 1024;

  private final DcClient cdn;
  private final DcClient master;
  private final Cdn state;
  private final LongSupplier fileSize;
  private final Consumer<List<FileHashType>> reuploadHashes;

  /**
   * @param cdn the handle on the CDN DC ({@code client.cdn(state.cdnDc())})
   * @param master the handle on the master DC, where reuploads go
   * @param state the redirect this source serves (token, key, IV)
   * @param fileSize the file size (-1 unknown), for the size check
   * @param reuploadHashes receives the hash windows a reupload answers (at most {@value
   *     #MAX_HASHES_PER_ANSWER} of them)
   */
  CdnSource(DcClient cdn, DcClient master, Cdn state, LongSupplier fileSize,
      Consumer<List<FileHashType>> reuploadHashes) {
    this.cdn = cdn;
    this.master = master;
    this.state = state;
    this.fileSize = fileSize;
    this.reuploadHashes = reuploadHashes;
  }

  /** Whether a CDN redirect is well-formed: a DC id, a token, a 256-bit key, a 128-bit IV, bounded hashes. */
  static boolean followable(FileCdnRedirect r) {
    return r.dcId() > 0 && r.fileToken().length() > 0 && r.fileToken().length() <= MAX_TOKEN
        && r.encryptionKey().length() == 32 && r.encryptionIv().length() == 16
        && r.fileHashes().size() <= MAX_HASHES_PER_ANSWER;
  }

  /** Whether {@code e} says the CDN file token (or a reupload's request token) is no longer valid. */
  static boolean tokenInvalid(Throwable e) {
    return e instanceof RpcException rpc && (rpc.errorMessage().equals("FILE_TOKEN_INVALID")
        || rpc.errorMessage().equals("REQUEST_TOKEN_INVALID"));
  }

  @Override
  public CompletableFuture<Outcome> fetch(long offset, int limit) {
    return fetch(offset, limit, 0);
  }

  private CompletableFuture<Outcome> fetch(long offset, int limit, int reuploads) {
    GetCdnFile request = new GetCdnFile(state.token(), offset, limit);
    return cdn.getCdnFile(request, PART_CALLS).handle((CdnFileType r, Throwable e) -> {
      if (e != null) {
        return refused(FileSource.unwrap(e));
      }
      if (r instanceof CdnFileReuploadNeeded needed) {
        if (reuploads >= MAX_REUPLOADS) {
          return done(new CdnFailed("the CDN asked for a reupload " + (reuploads + 1) + " times"));
        }
        return reupload(needed, offset, limit, reuploads);
      }
      TlBytes encrypted = ((CdnFile) r).bytes();
      BadPartException bad = FileSource.checkSize(encrypted, offset, limit, fileSize.getAsLong());
      if (bad != null) {
        return CompletableFuture.<Outcome>failedFuture(bad);
      }
      byte[] plain;
      try {
        plain = encrypted.toByteArray();
      } finally {
        encrypted.release();
      }
      AesCtr.forCdnPart(state.key(), state.iv(), offset).apply(plain, 0, plain.length);
      return done(new Bytes(TlBytes.wrap(plain)));
    }).thenCompose(Function.identity());
  }

  private CompletableFuture<Outcome> reupload(CdnFileReuploadNeeded needed, long offset, int limit, int reuploads) {
    ReuploadCdnFile request = new ReuploadCdnFile(state.token(), needed.requestToken());
    return master.reuploadCdnFile(request).handle((List<FileHashType> hashes, Throwable e) -> {
      if (e != null) {
        return refused(FileSource.unwrap(e));
      }
      if (hashes.size() <= MAX_HASHES_PER_ANSWER) {
        reuploadHashes.accept(hashes);
      }
      return fetch(offset, limit, reuploads + 1);
    }).thenCompose(Function.identity());
  }

  /** A refused token ends this CDN state; any other error goes to the retry policy. */
  private static CompletableFuture<Outcome> refused(Throwable cause) {
    return tokenInvalid(cause) ? done(new CdnFailed(((RpcException) cause).errorMessage()))
        : CompletableFuture.failedFuture(cause);
  }

  private static CompletableFuture<Outcome> done(Outcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }

  @Override
  public String toString() {
    return "CdnSource[" + state + "]";
  }
}
