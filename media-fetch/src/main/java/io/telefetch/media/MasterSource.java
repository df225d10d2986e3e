package io.telefetch.media;

import io.telefetch.media.engine.BadPartException;
import io.telefetch.mtproto.client.DcClient;
import io.telefetch.mtproto.rpc.MigrateException;
import io.telefetch.mtproto.rpc.ProtocolViolationException;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.FileCdnRedirect;
import io.telefetch.tl.api.upload.FileType;
import io.telefetch.tl.api.upload.GetFile;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * upload.getFile on one DC (the file's master DC, as the router believes): the part's bytes after
 * the size check, {@link Migrated} on FILE_MIGRATE_X, {@link Redirected} on upload.fileCdnRedirect
 * (only when it asked with {@code cdn_supported}; an unasked redirect is a protocol violation).
 * It follows nothing itself: the router does.
 */
final class MasterSource implements FileSource {
  private final DcClient dc;
  private final Supplier<MediaFile> file;
  private final boolean cdnSupported;

  /**
   * @param dc the handle on the DC to ask
   * @param file the file as last refreshed (read at each request: a refresh changes its reference)
   * @param cdnSupported whether requests say {@code cdn_supported}
   */
  MasterSource(DcClient dc, Supplier<MediaFile> file, boolean cdnSupported) {
    this.dc = dc;
    this.file = file;
    this.cdnSupported = cdnSupported;
  }

  /** The DC asked. */
  int dcId() {
    return dc.dcId();
  }

  @Override
  public CompletableFuture<Outcome> fetch(long offset, int limit) {
    MediaFile f = file.get();
    GetFile request = GetFile.builder().location(f.location()).offset(offset).limit(limit)
        .cdnSupported(cdnSupported).build();
    return dc.getFile(request, PART_CALLS).<Outcome>handle((FileType r, Throwable e) -> {
      if (e != null) {
        Throwable cause = FileSource.unwrap(e);
        if (cause instanceof MigrateException m && m.kind() == MigrateException.Kind.FILE) {
          return new Migrated(m);
        }
        throw new CompletionException(cause);
      }
      if (r instanceof File part) {
        BadPartException bad = FileSource.checkSize(part.bytes(), offset, limit, f.size());
        if (bad != null) {
          throw new CompletionException(bad);
        }
        return new Bytes(part.bytes());
      }
      if (r instanceof FileCdnRedirect redirect && cdnSupported) {
        return new Redirected(redirect);
      }
      throw new CompletionException(new ProtocolViolationException("unexpected answer " + r.tlName()
          + " to upload.getFile" + (cdnSupported ? "" : " without cdn_supported")));
    });
  }

  @Override
  public String toString() {
    return "MasterSource[dc=" + dc.dcId() + (cdnSupported ? ", cdn supported" : "") + "]";
  }
}
