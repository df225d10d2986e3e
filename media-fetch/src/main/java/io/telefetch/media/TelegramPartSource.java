package io.telefetch.media;

import io.telefetch.media.engine.PartSource;
import io.telefetch.mtproto.client.DcClient;
import io.telefetch.mtproto.crypto.AesCtr;
import io.telefetch.mtproto.crypto.ConstantTime;
import io.telefetch.mtproto.rpc.MigrateException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.FileHash;
import io.telefetch.tl.api.FileHashType;
import io.telefetch.tl.api.upload.CdnFile;
import io.telefetch.tl.api.upload.CdnFileReuploadNeeded;
import io.telefetch.tl.api.upload.CdnFileType;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.FileCdnRedirect;
import io.telefetch.tl.api.upload.FileType;
import io.telefetch.tl.api.upload.GetCdnFile;
import io.telefetch.tl.api.upload.GetCdnFileHashes;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.api.upload.GetFileHashes;
import io.telefetch.tl.api.upload.ReuploadCdnFile;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;

/**
 * Fetches parts of one {@link MediaFile} with upload.getFile: follows FILE_MIGRATE_X to the DC it
 * names (the client exports the authorization once per DC), switches to the CDN on upload.fileCdnRedirect
 * (decrypting AES-256-CTR and verifying every byte against the file hashes, handling
 * cdnFileReuploadNeeded, falling back to the DC on FILE_TOKEN_INVALID/REQUEST_TOKEN_INVALID), and
 * optionally verifies non-CDN parts against upload.getFileHashes. Errors it cannot handle go to the
 * engine's retry policy (FLOOD_WAIT, FILE_REFERENCE_EXPIRED, 500s, lost connections).
 *
 * <p>Ownership: every {@link TlBytes} it completes with belongs to the caller; answers that arrive
 * after the caller cancelled are released here.
 */
final class TelegramPartSource implements PartSource {
  private final DcClient client;
  private final boolean verify;
  private final boolean cdnAllowed;
  private volatile MediaFile file;
  private volatile int dc;
  private volatile Cdn cdn;
  private volatile boolean cdnDisabled;
  /** Verified hash windows of the file (DC or CDN), by offset. */
  private final Map<Long, FileHash> hashes = new ConcurrentSkipListMap<>();

  private record Cdn(int dcId, TlBytes token, byte[] key, byte[] iv) {}

  TelegramPartSource(DcClient client, MediaFile file, boolean verify, boolean cdnAllowed) {
    this.client = client;
    this.file = file;
    this.dc = file.dcId();
    this.verify = verify;
    this.cdnAllowed = cdnAllowed;
  }

  /** The file as last refreshed. */
  MediaFile file() {
    return file;
  }

  /** Replaces the file (after a file_reference refresh). */
  void refreshed(MediaFile fresh) {
    this.file = fresh;
  }

  /** The DC parts are currently fetched from. */
  int currentDc() {
    return dc;
  }

  boolean usingCdn() {
    return cdn != null;
  }

  @Override
  public CompletableFuture<TlBytes> fetch(long offset, int limit) {
    return bridge(fetchFrom(offset, limit, 0));
  }

  private CompletableFuture<TlBytes> fetchFrom(long offset, int limit, int migrations) {
    Cdn c = cdn;
    if (c != null) {
      return fetchCdn(c, offset, limit, 0);
    }
    GetFile req = GetFile.builder().location(file.location()).offset(offset).limit(limit)
        .cdnSupported(cdnAllowed && !cdnDisabled).build();
    int target = dc;
    return client.dc(target).invoke(req).handle((FileType r, Throwable e) -> {
      if (e != null) {
        Throwable cause = unwrap(e);
        if (cause instanceof MigrateException m && m.kind() == MigrateException.Kind.FILE && migrations < 3) {
          dc = m.dc(); // this request (and the rest of this file) lives on DC X
          return fetchFrom(offset, limit, migrations + 1);
        }
        return CompletableFuture.<TlBytes>failedFuture(cause);
      }
      if (r instanceof File f) {
        return verify ? verified(f.bytes(), offset, false) : CompletableFuture.completedFuture(f.bytes());
      }
      if (r instanceof FileCdnRedirect redirect) {
        Cdn next = new Cdn(redirect.dcId(), redirect.fileToken(), redirect.encryptionKey().toByteArray(),
            redirect.encryptionIv().toByteArray());
        hashes.clear();
        addHashes(redirect.fileHashes());
        cdn = next;
        return fetchCdn(next, offset, limit, 0);
      }
      return CompletableFuture.<TlBytes>failedFuture(new IllegalStateException("unexpected " + r.tlName()));
    }).thenCompose(Function.identity());
  }

  private CompletableFuture<TlBytes> fetchCdn(Cdn c, long offset, int limit, int reuploads) {
    return client.cdn(c.dcId()).invoke(new GetCdnFile(c.token(), offset, limit)).handle((CdnFileType r, Throwable e) -> {
      if (e != null) {
        Throwable cause = unwrap(e);
        if (cause instanceof RpcException rpc && (rpc.errorMessage().equals("FILE_TOKEN_INVALID")
            || rpc.errorMessage().equals("REQUEST_TOKEN_INVALID"))) {
          fallBackFromCdn(c);
          return fetchFrom(offset, limit, 0);
        }
        return CompletableFuture.<TlBytes>failedFuture(cause);
      }
      if (r instanceof CdnFileReuploadNeeded reupload) {
        if (reuploads >= 3) {
          return CompletableFuture.<TlBytes>failedFuture(new IllegalStateException("CDN keeps asking for a reupload"));
        }
        return client.dc(dc).invoke(new ReuploadCdnFile(c.token(), reupload.requestToken()))
            .handle((List<FileHashType> hs, Throwable re) -> {
              if (re != null) {
                Throwable cause = unwrap(re);
                if (cause instanceof RpcException rpc && (rpc.errorMessage().equals("FILE_TOKEN_INVALID")
                    || rpc.errorMessage().equals("REQUEST_TOKEN_INVALID"))) {
                  fallBackFromCdn(c);
                  return fetchFrom(offset, limit, 0);
                }
                return CompletableFuture.<TlBytes>failedFuture(cause);
              }
              addHashes(hs);
              return fetchCdn(c, offset, limit, reuploads + 1);
            }).thenCompose(Function.identity());
      }
      TlBytes encrypted = ((CdnFile) r).bytes();
      byte[] plain;
      try {
        plain = encrypted.toByteArray();
      } finally {
        encrypted.release();
      }
      AesCtr.forCdnPart(c.key(), c.iv(), offset).apply(plain, 0, plain.length);
      return verified(TlBytes.wrap(plain), offset, true); // CDN bytes are always verified
    }).thenCompose(Function.identity());
  }

  private synchronized void fallBackFromCdn(Cdn c) {
    if (cdn == c) {
      cdn = null;
      cdnDisabled = true;
      hashes.clear();
    }
  }

  private void addHashes(List<FileHashType> list) {
    for (FileHashType h : list) {
      if (h instanceof FileHash fh) {
        hashes.put(fh.offset(), fh);
      }
    }
  }

  /** Checks every hash window of {@code [offset, offset + data.length)} and completes with {@code data}. */
  private CompletableFuture<TlBytes> verified(TlBytes data, long offset, boolean fromCdn) {
    long end = offset + data.length();
    return hashesCovering(offset, end, fromCdn, 0).handle((v, e) -> {
      if (e != null) {
        data.release();
        throw new CompletionException(unwrap(e));
      }
      MessageDigest sha = sha256();
      ByteBuffer view = data.asReadOnlyByteBuffer();
      for (FileHash h : ((ConcurrentSkipListMap<Long, FileHash>) hashes).subMap(offset, end).values()) {
        int from = (int) (h.offset() - offset);
        int to = (int) Math.min(data.length(), h.offset() + h.limit() - offset);
        ByteBuffer window = view.duplicate();
        window.position(from).limit(to);
        sha.reset();
        sha.update(window);
        if (!ConstantTime.equals(sha.digest(), h.hash().toByteArray())) {
          data.release();
          throw new HashMismatchException(h.offset(), h.limit());
        }
      }
      return data;
    });
  }

  private CompletableFuture<Void> hashesCovering(long offset, long end, boolean fromCdn, int calls) {
    long missing = firstUncovered(offset, end);
    if (missing < 0) {
      return CompletableFuture.completedFuture(null);
    }
    if (calls > 64) {
      return CompletableFuture.failedFuture(new IllegalStateException("server gave no hash for offset " + missing));
    }
    CompletableFuture<List<FileHashType>> more;
    Cdn c = cdn;
    if (fromCdn && c != null) {
      more = client.dc(dc).invoke(new GetCdnFileHashes(c.token(), missing)); // asked of the master DC, never the CDN
    } else {
      more = client.dc(dc).invoke(new GetFileHashes(file.location(), missing));
    }
    return more.thenCompose(list -> {
      int before = hashes.size();
      addHashes(list);
      if (hashes.size() == before && firstUncovered(offset, end) == missing) {
        return CompletableFuture.failedFuture(new IllegalStateException("no file hash covers offset " + missing));
      }
      return hashesCovering(offset, end, fromCdn, calls + 1);
    });
  }

  /** The first byte of {@code [offset, end)} not covered by a known hash window, or -1. */
  private long firstUncovered(long offset, long end) {
    long pos = offset;
    ConcurrentSkipListMap<Long, FileHash> map = (ConcurrentSkipListMap<Long, FileHash>) hashes;
    while (pos < end) {
      Map.Entry<Long, FileHash> e = map.floorEntry(pos);
      if (e == null || e.getKey() + e.getValue().limit() <= pos) {
        return pos;
      }
      if (e.getKey() < offset) {
        throw new IllegalStateException("hash window at " + e.getKey() + " straddles part " + offset
            + ": use a part size that is a multiple of the hash window");
      }
      pos = e.getKey() + e.getValue().limit();
    }
    return -1;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns a future the engine may cancel; bytes that arrive after the cancellation are released
   * here rather than leaked.
   */
  private static CompletableFuture<TlBytes> bridge(CompletableFuture<TlBytes> upstream) {
    CompletableFuture<TlBytes> result = new CompletableFuture<>();
    upstream.whenComplete((b, e) -> {
      if (e != null) {
        result.completeExceptionally(unwrap(e));
      } else if (!result.complete(b)) {
        b.release();
      }
    });
    // Cancelling the result does not cancel upstream: a cancelled stage would drop a value that
    // completes later (a leaked slice). The request finishes and its bytes are released above.
    return result;
  }

  static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
