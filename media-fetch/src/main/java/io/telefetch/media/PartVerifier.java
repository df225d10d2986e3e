package io.telefetch.media;

import io.telefetch.mtproto.crypto.ConstantTime;
import io.telefetch.mtproto.crypto.CryptoProviderException;
import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.FileHash;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The verifying stage of the part source: a part's bytes pass only when every SHA-256 hash window
 * they cover matches (compared in constant time). The windows come from {@link FileHashes}, which
 * asks for missing ones through the requester the router gives (the DC's hashes or the CDN's,
 * always of the master DC).
 */
final class PartVerifier {
  private final FileHashes hashes;
  private final EventListener events;

  /**
   * @param events told of every mismatch (guarded: never throws)
   */
  PartVerifier(FileHashes hashes, EventListener events) {
    this.hashes = hashes;
    this.events = events;
  }

  /**
   * Checks every hash window of {@code [offset, offset + data.length)} and completes with {@code
   * data}, which then belongs to the caller; on a mismatch ({@link HashMismatchException}) or an
   * error getting the hashes, {@code data} is released here.
   */
  CompletableFuture<TlBytes> verified(TlBytes data, long offset, FileHashes.Requester requester) {
    long end = offset + data.length();
    return hashes.covering(offset, end, requester).handle((windows, e) -> {
      if (e != null) {
        data.release();
        throw new CompletionException(TelegramPartSource.unwrap(e));
      }
      MessageDigest sha = sha256();
      ByteBuffer view = data.asReadOnlyByteBuffer();
      for (FileHash h : windows) {
        int from = (int) (h.offset() - offset);
        int to = (int) Math.min(data.length(), h.offset() + h.limit() - offset);
        ByteBuffer window = view.duplicate();
        window.position(from).limit(to);
        sha.reset();
        sha.update(window);
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
}
