package io.telefetch.testkit.world;

import io.telefetch.mtproto.crypto.AesCtr;
import io.telefetch.testkit.server.ApiHandler;
import io.telefetch.testkit.server.CallContext;
import io.telefetch.testkit.server.RpcError;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.api.upload.CdnFile;
import io.telefetch.tl.api.upload.CdnFileReuploadNeeded;
import io.telefetch.tl.api.upload.GetCdnFile;
import java.util.concurrent.CompletableFuture;

/**
 * The CDN DC: serves {@code upload.getCdnFile} (AES-256-CTR encrypted parts, the IV's last 4 bytes
 * being {@code offset / 16} big-endian), answers {@code upload.cdnFileReuploadNeeded} for
 * documents it does not hold, and {@code 400 CDN_METHOD_INVALID} to every other method. No login
 * is needed.
 */
final class CdnApi implements ApiHandler {
  private final World world;

  CdnApi(World world) {
    this.world = world;
  }

  @Override
  public CompletableFuture<Object> handle(CallContext ctx, TlMethod<?> method) {
    try {
      if (method instanceof GetCdnFile m) {
        return CompletableFuture.completedFuture(getCdnFile(m));
      }
      throw Errors.badRequest("CDN_METHOD_INVALID");
    } catch (RpcError e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Object getCdnFile(GetCdnFile m) {
    CdnFiles.Entry e = world.cdnFiles.byToken(m.fileToken().toByteArray())
        .orElseThrow(() -> Errors.badRequest("FILE_TOKEN_INVALID"));
    FileApi.checkPart(m.offset(), m.limit(), false);
    WorldDocument d = e.document();
    if (!e.present().get()) {
      return new CdnFileReuploadNeeded(TlBytes.wrap(world.cdnFiles.newRequest(d.id(), m.offset())));
    }
    byte[] data = d.content().read(m.offset(), m.limit());
    world.applyCorruption(d.id(), m.offset(), data);
    AesCtr.forCdnPart(e.key(), e.iv(), m.offset()).apply(data, 0, data.length);
    return new CdnFile(TlBytes.wrap(data));
  }
}
