package io.telefetch.media;

import io.telefetch.media.engine.BadPartException;
import io.telefetch.media.SourceState.Cdn;
import io.telefetch.media.engine.PartSource;
import io.telefetch.mtproto.client.DcClient;
import io.telefetch.mtproto.crypto.AesCtr;
import io.telefetch.mtproto.rpc.CallOptions;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.mtproto.rpc.MigrateException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.tl.TlBytes;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import java.util.function.Function;

/**
 * Fetches parts of one {@link MediaFile} with upload.getFile: follows FILE_MIGRATE_X to the DC it
 * names (the client exports the authorization once per DC), switches to the CDN on upload.fileCdnRedirect
 * (decrypting AES-256-CTR and verifying every byte against the file hashes, handling
 * cdnFileReuploadNeeded, falling back to the DC on FILE_TOKEN_INVALID/REQUEST_TOKEN_INVALID, after
 * {@value #MAX_REUPLOADS} reuploads of one part, and instead of following a malformed redirect), and
 * optionally verifies non-CDN parts against upload.getFileHashes. Errors it cannot handle go to the
 * engine's retry policy (FLOOD_WAIT, FILE_REFERENCE_EXPIRED, 500s, lost connections): parts are
 * sent with {@link CallOptions#SINGLE_ATTEMPT}, so the client adds no retries or flood sleeps of
 * its own. Fetched parts, hash mismatches and FILE_MIGRATE moves go to the client's {@link
 * EventListener}.
 *
 * <p>Hashes are requested when a part is scheduled, not when its bytes arrive ({@link FileHashes}),
 * through {@link DcClient#getFileHashes} (the DC's ordinary connection when the client has one); CDN
 * hashes are asked of the master DC ({@link DcClient#getCdnFileHashes}). A part is never delivered before every byte was checked.
 *
 * <p>Structure: a router whose state is one {@link SourceState} (the master DC, the CDN, or fallen
 * back to the DC) swapped atomically through pure transitions, so concurrent parts agree on where
 * the file is; the master DC's upload.getFile and the CDN's upload.getCdnFile (decrypt, reupload)
 * paths; and the verifying stage ({@link PartVerifier}) every CDN part passes through.
 *
 * <p>Ownership: every {@link TlBytes} it completes with belongs to the caller; answers that arrive
 * after the caller cancelled are released here.
 */
final class TelegramPartSource implements PartSource {
  /** How parts are sent: one attempt, the downloader's policy does the rest. */
  static final CallOptions PART_CALLS = CallOptions.SINGLE_ATTEMPT;

  private final DcClient client;
  private final EventListener events;
  private final boolean verify;
  private final boolean cdnAllowed;
  private volatile MediaFile file;
  /** Where parts come from now: one state swapped atomically by {@link #move} (see {@link SourceState}). */
  private final AtomicReference<SourceState> state;
  /** Hash windows of the file (DC or CDN) around the parts in flight, and requests for them. */
  private final FileHashes hashes = new FileHashes();
  /** The verifying stage every CDN part, and every DC part when asked, passes through. */
  private final PartVerifier verifier;

  /** upload.reuploadCdnFile calls for one part before the DC is asked for it instead. */
  static final int MAX_REUPLOADS = 3;
  /** Hash windows a redirect or reupload answer may carry (Telegram sends a few). */
  static final int MAX_HASHES_PER_ANSWER = 1024;
  /** The longest CDN file token accepted. */
  static final int MAX_TOKEN = 1024;

  /** Whether a CDN redirect is well-formed: a DC id, a token, a 256-bit key, a 128-bit IV, bounded hashes. */
  static boolean followable(FileCdnRedirect r) {
    return r.dcId() > 0 && r.fileToken().length() > 0 && r.fileToken().length() <= MAX_TOKEN
        && r.encryptionKey().length() == 32 && r.encryptionIv().length() == 16
        && r.fileHashes().size() <= MAX_HASHES_PER_ANSWER;
  }

  TelegramPartSource(DcClient client, MediaFile file, boolean verify, boolean cdnAllowed) {
    this.client = client;
    this.events = EventListener.guarded(client.eventListener());
    this.verifier = new PartVerifier(hashes, events);
    this.file = file;
    this.state = new AtomicReference<>(SourceState.initial(file.dcId()));
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

  /** The file's master DC (where getFile, hashes and reuploads go). */
  int currentDc() {
    return state.get().masterDc();
  }

  boolean usingCdn() {
    return state.get() instanceof Cdn;
  }

  /** The router's current state. */
  SourceState state() {
    return state.get();
  }

  /**
   * Applies {@code transition} to the current state atomically; when the state changed, runs
   * {@code onChange(previous, next)} once (by the caller whose swap won). Returns the state now.
   */
  private SourceState move(UnaryOperator<SourceState> transition, BiConsumer<SourceState, SourceState> onChange) {
    while (true) {
      SourceState prev = state.get();
      SourceState next = transition.apply(prev);
      if (next == prev) {
        return prev;
      }
      if (state.compareAndSet(prev, next)) {
        onChange.accept(prev, next);
        return next;
      }
    }
  }

  /** Closes the file-transfer connections parts currently go to (the stall watchdog's remedy). */
  CompletableFuture<Void> reconnect() {
    SourceState s = state.get();
    return s instanceof Cdn c ? client.cdn(c.cdnDc()).reconnect() : client.dc(s.masterDc()).reconnect();
  }

  /**
   * Fetches the part; its hashes are requested now, alongside the part, when it will be verified.
   * The returned bytes belong to the caller (see {@link #bridge}).
   */
  @Override
  public CompletableFuture<TlBytes> fetch(long offset, int limit) {
    boolean cdnNow = state.get() instanceof Cdn;
    hashes.scheduled(offset, limit, file.size(), verify || cdnNow ? hashRequester(cdnNow) : null);
    CompletableFuture<TlBytes> upstream = fetchFrom(offset, limit, 0).thenApply(b -> {
      SourceState s = state.get();
      events.partFetched(s instanceof Cdn c ? c.cdnDc() : s.masterDc(), offset, b.length()); // guarded: never throws
      return b;
    });
    upstream.whenComplete((b, e) -> {
      if (e == null) {
        hashes.done(offset, limit); // verified when that applies: its windows are no longer needed
      } else {
        hashes.failed(offset);
      }
    });
    return bridge(upstream);
  }

  /** Asks for the hashes from an offset on: the CDN's (of the master DC) while on the CDN, else the DC's. */
  private FileHashes.Requester hashRequester(boolean fromCdn) {
    return from -> {
      SourceState s = state.get();
      if (fromCdn && s instanceof Cdn c) {
        return client.dc(c.masterDc()).getCdnFileHashes(new GetCdnFileHashes(c.token(), from)); // never the CDN
      }
      return client.dc(s.masterDc()).getFileHashes(new GetFileHashes(file.location(), from));
    };
  }

  private CompletableFuture<TlBytes> fetchFrom(long offset, int limit, int migrations) {
    SourceState s = state.get();
    if (s instanceof Cdn c) {
      return fetchCdn(c, offset, limit, 0);
    }
    GetFile req = GetFile.builder().location(file.location()).offset(offset).limit(limit)
        .cdnSupported(cdnAllowed && s.cdnSupported()).build();
    int target = s.masterDc();
    return client.dc(target).getFile(req, PART_CALLS).handle((FileType r, Throwable e) -> {
      if (e != null) {
        Throwable cause = unwrap(e);
        if (cause instanceof MigrateException m && m.kind() == MigrateException.Kind.FILE && migrations < 3) {
          // this request (and the rest of this file) lives on DC X
          move(st -> st.migrated(m.dc()), (prev, next) -> events.migrated(target, m.dc(), m.errorMessage()));
          return fetchFrom(offset, limit, migrations + 1);
        }
        return CompletableFuture.<TlBytes>failedFuture(cause);
      }
      if (r instanceof File f) {
        BadPartException bad = checkSize(f.bytes(), offset, limit);
        if (bad != null) {
          return CompletableFuture.<TlBytes>failedFuture(bad);
        }
        return verify ? verified(f.bytes(), offset, false) : CompletableFuture.completedFuture(f.bytes());
      }
      if (r instanceof FileCdnRedirect redirect) {
        // to the CDN, or (a redirect we cannot follow safely) the DC serves the bytes itself
        SourceState next = move(st -> st.redirected(redirect), (prev, now) -> {
          if (now instanceof Cdn) {
            hashes.reset();
            hashes.add(redirect.fileHashes());
          }
        });
        return next instanceof Cdn c ? fetchCdn(c, offset, limit, 0) : fetchFrom(offset, limit, migrations);
      }
      return CompletableFuture.<TlBytes>failedFuture(new io.telefetch.mtproto.rpc.ProtocolViolationException("unexpected answer " + r.tlName()));
    }).thenCompose(Function.identity());
  }

  private CompletableFuture<TlBytes> fetchCdn(Cdn c, long offset, int limit, int reuploads) {
    return client.cdn(c.cdnDc()).getCdnFile(new GetCdnFile(c.token(), offset, limit), PART_CALLS).handle((CdnFileType r, Throwable e) -> {
      if (e != null) {
        Throwable cause = unwrap(e);
        if (tokenInvalid(cause)) {
          fallBackFromCdn(c);
          return fetchFrom(offset, limit, 0);
        }
        return CompletableFuture.<TlBytes>failedFuture(cause);
      }
      if (r instanceof CdnFileReuploadNeeded reupload) {
        if (reuploads >= MAX_REUPLOADS) {
          fallBackFromCdn(c); // the CDN keeps asking for a reupload: the DC serves the bytes itself
          return fetchFrom(offset, limit, 0);
        }
        return client.dc(c.masterDc()).reuploadCdnFile(new ReuploadCdnFile(c.token(), reupload.requestToken()))
            .handle((List<FileHashType> hs, Throwable re) -> {
              if (re != null) {
                Throwable cause = unwrap(re);
                if (tokenInvalid(cause)) {
                  fallBackFromCdn(c);
                  return fetchFrom(offset, limit, 0);
                }
                return CompletableFuture.<TlBytes>failedFuture(cause);
              }
              if (hs.size() <= MAX_HASHES_PER_ANSWER) {
                hashes.add(hs);
              }
              return fetchCdn(c, offset, limit, reuploads + 1);
            }).thenCompose(Function.identity());
      }
      TlBytes encrypted = ((CdnFile) r).bytes();
      BadPartException bad = checkSize(encrypted, offset, limit);
      if (bad != null) {
        return CompletableFuture.<TlBytes>failedFuture(bad);
      }
      byte[] plain;
      try {
        plain = encrypted.toByteArray();
      } finally {
        encrypted.release();
      }
      AesCtr.forCdnPart(c.key(), c.iv(), offset).apply(plain, 0, plain.length);
      // CDN bytes are always verified, against hashes the master DC gives for the token: a token
      // revoked meanwhile fails those too, and the DC then serves the part itself
      return verified(TlBytes.wrap(plain), offset, true).exceptionallyCompose(ve -> {
        if (tokenInvalid(unwrap(ve))) {
          fallBackFromCdn(c);
          return fetchFrom(offset, limit, 0);
        }
        return CompletableFuture.failedFuture(unwrap(ve));
      });
    }).thenCompose(Function.identity());
  }

  /** Whether {@code e} says the CDN file token (or a reupload's request token) is no longer valid. */
  private static boolean tokenInvalid(Throwable e) {
    return e instanceof RpcException rpc && (rpc.errorMessage().equals("FILE_TOKEN_INVALID")
        || rpc.errorMessage().equals("REQUEST_TOKEN_INVALID"));
  }

  /**
   * Null when {@code data} has a size the request allows: at most {@code limit} bytes, and fewer
   * only at the end of the file (when its size is known). Otherwise {@code data} is released and the
   * error returned.
   */
  private BadPartException checkSize(TlBytes data, long offset, int limit) {
    int n = data.length();
    long size = file.size();
    String problem = null;
    if (n > limit) {
      problem = n + " bytes for a " + limit + "-byte request";
    } else if (n < limit && size >= 0 && offset + n < size) {
      problem = "ended early: " + n + " bytes at offset " + offset + " of a " + size + "-byte file";
    }
    if (problem == null) {
      return null;
    }
    data.release();
    return new BadPartException(offset / limit, n, problem);
  }

  /** The CDN state {@code c} failed: the master DC serves the rest (once, whichever part saw it first). */
  private void fallBackFromCdn(Cdn c) {
    move(st -> st.cdnFailed(c), (prev, next) -> hashes.reset());
  }

  /** {@link PartVerifier#verified} against the DC's hashes, or the CDN's (of the master DC). */
  private CompletableFuture<TlBytes> verified(TlBytes data, long offset, boolean fromCdn) {
    return verifier.verified(data, offset, hashRequester(fromCdn));
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
