package io.telefetch.testkit.world;

import io.telefetch.testkit.TestCluster;
import io.telefetch.testkit.server.CallContext;
import io.telefetch.testkit.server.DcServer;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.FileHash;
import io.telefetch.tl.api.FileHashType;
import io.telefetch.tl.api.InputDocumentFileLocation;
import io.telefetch.tl.api.InputFileLocationType;
import io.telefetch.tl.api.InputPeerChannel;
import io.telefetch.tl.api.InputPeerPhotoFileLocation;
import io.telefetch.tl.api.InputPhotoFileLocation;
import io.telefetch.tl.api.storage.FileGif;
import io.telefetch.tl.api.storage.FileJpeg;
import io.telefetch.tl.api.storage.FileMov;
import io.telefetch.tl.api.storage.FileMp3;
import io.telefetch.tl.api.storage.FileMp4;
import io.telefetch.tl.api.storage.FilePartial;
import io.telefetch.tl.api.storage.FilePdf;
import io.telefetch.tl.api.storage.FilePng;
import io.telefetch.tl.api.storage.FileType;
import io.telefetch.tl.api.storage.FileUnknown;
import io.telefetch.tl.api.storage.FileWebp;
import io.telefetch.tl.api.upload.File;
import io.telefetch.tl.api.upload.FileCdnRedirect;
import io.telefetch.tl.api.upload.GetCdnFileHashes;
import io.telefetch.tl.api.upload.GetFile;
import io.telefetch.tl.api.upload.GetFileHashes;
import io.telefetch.tl.api.upload.ReuploadCdnFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Downloads on a DC (and its media-only options): {@code upload.getFile} with Telegram's rules,
 * {@code upload.getFileHashes}, and the master-DC side of the CDN ({@code upload.reuploadCdnFile},
 * {@code upload.getCdnFileHashes}). Only the requested range is generated.
 */
final class FileApi {
  static final int MIB = 1 << 20;

  private final TestCluster cluster;
  private final World world;

  FileApi(TestCluster cluster, World world) {
    this.cluster = cluster;
    this.world = world;
  }

  /** The answer, or null if {@code method} is not a file method. */
  Object handle(CallContext ctx, TlMethod<?> method) {
    if (method instanceof GetFile m) {
      return getFile(ctx, m);
    } else if (method instanceof GetFileHashes m) {
      return getFileHashes(ctx, m);
    } else if (method instanceof ReuploadCdnFile m) {
      return reuploadCdnFile(ctx, m);
    } else if (method instanceof GetCdnFileHashes m) {
      Errors.requireUser(ctx, world);
      CdnFiles.Entry e = world.cdnFiles.byToken(m.fileToken().toByteArray())
          .orElseThrow(() -> Errors.badRequest("FILE_TOKEN_INVALID"));
      return hashes(e.document().content(), m.offset());
    }
    return null;
  }

  /** What a file location names: a media item and one of its contents; {@code reference} is null for a profile photo (no file reference). */
  record Target(WorldMedia media, FileContent content, boolean main, byte[] reference) {}

  /**
   * Checks {@code offset}/{@code limit} against the rules of upload.getFile (and, without {@code
   * precise}, of upload.getCdnFile).
   */
  static void checkPart(long offset, int limit, boolean precise) {
    if (offset < 0) {
      throw Errors.badRequest("OFFSET_INVALID");
    }
    if (limit <= 0 || limit > MIB) {
      throw Errors.badRequest("LIMIT_INVALID");
    }
    if (precise) {
      if (offset % 1024 != 0) {
        throw Errors.badRequest("OFFSET_INVALID");
      }
      if (limit % 1024 != 0) {
        throw Errors.badRequest("LIMIT_INVALID");
      }
    } else {
      if (offset % 4096 != 0) {
        throw Errors.badRequest("OFFSET_INVALID");
      }
      if (limit % 4096 != 0 || MIB % limit != 0) {
        throw Errors.badRequest("LIMIT_INVALID");
      }
    }
    if (offset / MIB != (offset + limit - 1) / MIB) {
      throw Errors.badRequest("LIMIT_INVALID");
    }
  }

  private Object getFile(CallContext ctx, GetFile m) {
    Errors.requireUser(ctx, world);
    checkPart(m.offset(), m.limit(), m.precise());
    Target t = locate(ctx, m.location(), true);
    if (t.media() instanceof WorldDocument d && t.main() && d.cdn() && m.cdnSupported()) {
      Optional<DcServer> cdn = cluster.cdnDc();
      Optional<CdnFiles.Entry> entry = world.cdnFiles.entry(d.id());
      if (cdn.isPresent() && entry.isPresent()) {
        CdnFiles.Entry e = entry.get();
        return new FileCdnRedirect(cdn.get().id(), TlBytes.wrap(e.fileToken()), TlBytes.wrap(e.key()),
            TlBytes.wrap(e.iv()), hashes(d.content(), m.offset()));
      }
    }
    byte[] data = t.content().read(m.offset(), m.limit());
    world.applyCorruption(t.media().id(), m.offset(), data);
    return new File(storageType(t, m.offset()), t.media().date(), TlBytes.wrap(data));
  }

  private Object getFileHashes(CallContext ctx, GetFileHashes m) {
    Errors.requireUser(ctx, world);
    if (m.offset() < 0) {
      throw Errors.badRequest("OFFSET_INVALID");
    }
    Target t = locate(ctx, m.location(), false);
    return hashes(t.content(), m.offset());
  }

  private Object reuploadCdnFile(CallContext ctx, ReuploadCdnFile m) {
    Errors.requireUser(ctx, world);
    CdnFiles.Entry e = world.cdnFiles.byToken(m.fileToken().toByteArray())
        .filter(x -> x.document().dc() == ctx.dc().id())
        .orElseThrow(() -> Errors.badRequest("FILE_TOKEN_INVALID"));
    CdnFiles.Request r = world.cdnFiles.redeem(m.requestToken().toByteArray())
        .filter(x -> x.documentId() == e.document().id())
        .orElseThrow(() -> Errors.badRequest("REQUEST_TOKEN_INVALID"));
    e.present().set(true);
    return hashes(e.document().content(), r.offset());
  }

  /**
   * The media and content a location names, after the location, DC and file reference checks:
   * LOCATION_INVALID, FILE_MIGRATE_X, FILE_REFERENCE_EMPTY / _INVALID / _EXPIRED.
   */
  private Target locate(CallContext ctx, InputFileLocationType location, boolean countUse) {
    Target t = resolve(location);
    if (t.media().dc() != ctx.dc().id()) {
      throw Errors.migrate("FILE", t.media().dc());
    }
    if (t.reference() == null) {
      return t;
    }
    switch (world.references.check(t.media().id(), t.reference(), countUse)) {
      case VALID:
        return t;
      case EMPTY:
        throw Errors.badRequest("FILE_REFERENCE_EMPTY");
      case EXPIRED:
        throw Errors.badRequest("FILE_REFERENCE_EXPIRED");
      default:
        throw Errors.badRequest("FILE_REFERENCE_INVALID");
    }
  }

  private Target resolve(InputFileLocationType location) {
    if (location instanceof InputDocumentFileLocation l) {
      WorldDocument d = world.document(l.id()).filter(x -> x.accessHash() == l.accessHash())
          .orElseThrow(() -> Errors.badRequest("LOCATION_INVALID"));
      byte[] ref = l.fileReference().toByteArray();
      if (l.thumbSize().isEmpty()) {
        return new Target(d, d.content(), true, ref);
      }
      WorldPhotoSize thumb = d.thumbs().stream().filter(s -> s.type().equals(l.thumbSize())).findFirst()
          .orElseThrow(() -> Errors.badRequest("LOCATION_INVALID"));
      return new Target(d, thumb.content(), false, ref);
    }
    if (location instanceof InputPhotoFileLocation l) {
      WorldPhoto p = world.photo(l.id()).filter(x -> x.accessHash() == l.accessHash())
          .orElseThrow(() -> Errors.badRequest("LOCATION_INVALID"));
      WorldPhotoSize size = p.size(l.thumbSize()).orElseThrow(() -> Errors.badRequest("LOCATION_INVALID"));
      return new Target(p, size.content(), false, l.fileReference().toByteArray());
    }
    if (location instanceof InputPeerPhotoFileLocation l) {
      // a channel's profile photo: big = the largest size, else the smallest; no file reference
      if (!(l.peer() instanceof InputPeerChannel c)) {
        throw Errors.badRequest("LOCATION_INVALID");
      }
      WorldPhoto p = world.channel(c.channelId()).filter(x -> x.accessHash() == c.accessHash() || c.accessHash() == 0)
          .flatMap(WorldChannel::photo).filter(x -> x.id() == l.photoId())
          .orElseThrow(() -> Errors.badRequest("LOCATION_INVALID"));
      WorldPhotoSize size = l.big() ? p.largest() : p.sizes().get(0);
      return new Target(p, size.content(), false, null);
    }
    throw Errors.badRequest("LOCATION_INVALID");
  }

  /** {@value World#HASHES_PER_CALL} SHA-256 hashes of consecutive 128 KiB windows from the one holding {@code offset}. */
  static List<FileHashType> hashes(FileContent content, long offset) {
    if (offset < 0) {
      throw Errors.badRequest("OFFSET_INVALID");
    }
    List<FileHashType> out = new ArrayList<>();
    if (offset >= content.size()) {
      return out;
    }
    long start = offset - offset % World.HASH_WINDOW;
    for (int i = 0; i < World.HASHES_PER_CALL && start < content.size(); i++) {
      int limit = (int) Math.min(World.HASH_WINDOW, content.size() - start);
      out.add(new FileHash(start, limit, TlBytes.wrap(content.sha256(start, limit))));
      start += limit;
    }
    return out;
  }

  private static FileType storageType(Target t, long offset) {
    if (offset > 0) {
      return new FilePartial();
    }
    if (!(t.media() instanceof WorldDocument d) || !t.main()) {
      return new FileJpeg();
    }
    switch (d.mimeType()) {
      case "video/mp4":
        return new FileMp4();
      case "video/quicktime":
        return new FileMov();
      case "image/jpeg":
        return new FileJpeg();
      case "image/png":
        return new FilePng();
      case "image/gif":
        return new FileGif();
      case "image/webp":
        return new FileWebp();
      case "audio/mpeg":
        return new FileMp3();
      case "application/pdf":
        return new FilePdf();
      default:
        return new FileUnknown();
    }
  }
}
