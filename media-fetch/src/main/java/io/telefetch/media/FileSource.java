package io.telefetch.media;

import io.telefetch.media.engine.BadPartException;
import io.telefetch.mtproto.rpc.CallOptions;
import io.telefetch.mtproto.rpc.MigrateException;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.upload.FileCdnRedirect;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * One place the parts of a file come from, as the {@link SourceRouter} sees it: the file's master DC
 * ({@link MasterSource}), a CDN ({@link CdnSource}), or either behind the hash check ({@link
 * VerifyingSource}). A fetch completes with an {@link Outcome}: the part's bytes, or why the file
 * must be fetched elsewhere (the router decides where). Errors a source cannot act on (FLOOD_WAIT,
 * 500s, a lost connection, a part of the wrong size, a hash mismatch) fail the future and reach the
 * engine's retry policy: parts are sent with {@link #PART_CALLS}, so the client adds no retries or
 * flood sleeps of its own.
 */
interface FileSource {
  /** How parts are sent: one attempt, the downloader's policy does the rest. */
  CallOptions PART_CALLS = CallOptions.SINGLE_ATTEMPT;

  /**
   * Fetches {@code limit} bytes at {@code offset}. The data of a {@link Bytes} outcome belongs to
   * whoever the future completes for; a source that drops an outcome releases it.
   */
  CompletableFuture<Outcome> fetch(long offset, int limit);

  /** What one fetch ended with. */
  sealed interface Outcome permits Bytes, Migrated, Redirected, CdnFailed {}

  /** The part: at most {@code limit} bytes, fewer only at the end of the file (owned by the receiver). */
  record Bytes(TlBytes data) implements Outcome {}

  /** FILE_MIGRATE_X: the file lives on DC {@code error.dc()}. */
  record Migrated(MigrateException error) implements Outcome {}

  /** upload.fileCdnRedirect: the file is served by a CDN (its small fields are heap copies). */
  record Redirected(FileCdnRedirect redirect) implements Outcome {}

  /**
   * The CDN cannot serve the part (FILE_TOKEN_INVALID, REQUEST_TOKEN_INVALID, too many reuploads):
   * the master DC has to.
   */
  record CdnFailed(String reason) implements Outcome {}

  /**
   * Null when {@code data} has a size the request allows: at most {@code limit} bytes, and fewer
   * only at the end of the file (when its size, {@code fileSize}, is known). Otherwise {@code data}
   * is released here and the error returned.
   */
  static @Nullable BadPartException checkSize(TlBytes data, long offset, int limit, long fileSize) {
    int n = data.length();
    String problem = null;
    if (n > limit) {
      problem = n + " bytes for a " + limit + "-byte request";
    } else if (n < limit && fileSize >= 0 && offset + n < fileSize) {
      problem = "ended early: " + n + " bytes at offset " + offset + " of a " + fileSize + "-byte file";
    }
    if (problem == null) {
      return null;
    }
    data.release();
    return new BadPartException(offset / limit, n, problem);
  }

  /** {@code e} without the {@link CompletionException}s around it. */
  static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
