package io.telefetch.media;

import io.telefetch.mtproto.crypto.ConstantTime;
import io.telefetch.mtproto.crypto.CryptoProviderException;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.FileHash;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;

/**
 * The verifying decorator: a part another source fetched is delivered only when every SHA-256 hash
 * window it covers matches (compared in constant time); a mismatch fails it with {@link
 * HashMismatchException} (reported to the {@link EventListener}) and its bytes are released. The
 * router puts every CDN source behind one, and the DC's when {@link FetchOptions#verify()} asks.
 *
 * <p>The hashes of a part are requested when the part is sent, not when its bytes arrive ({@link
 * FileHashes#scheduled}), through the requester of the source's hashes: the DC's
 * (upload.getFileHashes) or the CDN's (upload.getCdnFileHashes, on the master DC). When those are
 * bound to a CDN file token ({@code tokenBound}), a refused token means the CDN state ended: the
 * part answers {@link CdnFailed} so that the master DC serves it.
 */
final class VerifyingSource implements FileSource {
  private final FileSource inner;
  private final FileHashes hashes;
  private final FileHashes.Requester requester;
  private final LongSupplier fileSize;
  private final boolean tokenBound;
  private final EventListener events;

  /**
   * @param inner the source whose parts are checked
   * @param hashes the file's hash windows (shared by the router's sources; reset when the source changes)
   * @param requester asks for the windows from an offset on
   * @param fileSize the file size, or -1 (prefetching stops at the end of the file)
   * @param tokenBound whether the hashes are those of a CDN file token
   * @param events told of every mismatch (guarded: never throws)
   */
  VerifyingSource(FileSource inner, FileHashes hashes, FileHashes.Requester requester, LongSupplier fileSize,
      boolean tokenBound, EventListener events) {
    this.inner = inner;
    this.hashes = hashes;
    this.requester = requester;
    this.fileSize = fileSize;
    this.tokenBound = tokenBound;
    this.events = events;
  }

  /** The source whose parts are checked. */
  FileSource inner() {
    return inner;
  }

  @Override
  public CompletableFuture<Outcome> fetch(long offset, int limit) {
    hashes.scheduled(offset, limit, fileSize.getAsLong(), requester);
    CompletableFuture<Outcome> out;
    try {
      out = inner.fetch(offset, limit);
    } catch (RuntimeException e) {
      out = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Outcome> checked = out.thenCompose(o -> o instanceof Bytes b ? check(b.data(), offset)
        : CompletableFuture.completedFuture(o));
    checked.whenComplete((o, e) -> {
      if (o instanceof Bytes) {
        hashes.done(offset, limit); // verified: its windows are no longer needed
      } else {
        hashes.failed(offset); // failed or moving elsewhere: a retry schedules it again
      }
    });
    return checked;
  }

  /** Completes with {@code data} checked, or {@link CdnFailed} when the token of the hashes was refused. */
  private CompletableFuture<Outcome> check(TlBytes data, long offset) {
    CompletableFuture<Outcome> verified = verified(data, offset).thenApply(Bytes::new);
    if (!tokenBound) {
      return verified;
    }
    // a token revoked between the part's bytes and its hashes: the DC serves the part itself
    return verified.exceptionallyCompose(e -> {
      Throwable cause = FileSource.unwrap(e);
      return CdnSource.tokenInvalid(cause) ? CompletableFuture.completedFuture(new CdnFailed("hashes: " + cause.getMessage()))
          : CompletableFuture.failedFuture(cause);
    });
  }

  /**
   * Checks every hash window of {@code [offset, offset + data.length)} and completes with {@code
   * data}, which then belongs to the caller; on a mismatch ({@link HashMismatchException}) or an
   * error getting the hashes, {@code data} is released here.
   */
  CompletableFuture<TlBytes> verified(TlBytes data, long offset) {
    long end = offset + data.length();
    return hashes.covering(offset, end, requester).handle((windows, e) -> {
      if (e != null) {
        data.release();
        throw new CompletionException(FileSource.unwrap(e));
      }
      MessageDigest sha = sha256();
      for (FileHash h : windows) {
        int from = (int) (h.offset() - offset);
        int to = (int) Math.min(data.length(), h.offset() + h.limit() - offset);
        sha.reset();
        data.updateDigest(sha, from, to - from);
        if (!ConstantTime.equals(sha.digest(), h.hash().toByteArray())) {
          data.release();
          events.hashMismatch(h.offset(), h.limit());
          throw new HashMismatchException(h.offset(), h.limit());
        }
      }
      return data;
    });
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new CryptoProviderException("SHA-256 is unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "VerifyingSource[" + inner + "]";
  }
}
