package io.telefetch.testkit.world;

import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The CDN side of CDN-served documents: each has a file token, an AES-256-CTR key and IV, and a
 * flag saying whether the CDN holds a copy; request tokens handed out with {@code
 * upload.cdnFileReuploadNeeded} are remembered until redeemed. Thread-safe.
 */
final class CdnFiles {
  /** A CDN-served document. */
  record Entry(WorldDocument document, byte[] fileToken, byte[] key, byte[] iv, AtomicBoolean present) {}

  /** A request token: which document and offset the CDN asked the master DC to reupload. */
  record Request(long documentId, long offset) {}

  private final SplittableRandom random;
  private final Map<Long, Entry> byDocument = new ConcurrentHashMap<>();
  private final Map<String, Entry> byToken = new ConcurrentHashMap<>();
  private final Map<String, Request> requests = new ConcurrentHashMap<>();

  CdnFiles(SplittableRandom random) {
    this.random = random;
  }

  void register(WorldDocument document, boolean present) {
    Entry e = new Entry(document, bytes(32), bytes(32), bytes(16), new AtomicBoolean(present));
    byDocument.put(document.id(), e);
    byToken.put(World.hex(e.fileToken()), e);
  }

  /** Issues a new file token (and key) for a document: the old token is answered FILE_TOKEN_INVALID from now on. */
  void revoke(long documentId) {
    Entry old = byDocument.get(documentId);
    if (old == null) {
      throw new IllegalArgumentException("document " + documentId + " is not CDN-served");
    }
    byToken.remove(World.hex(old.fileToken()));
    register(old.document(), old.present().get());
  }

  Optional<Entry> entry(long documentId) {
    return Optional.ofNullable(byDocument.get(documentId));
  }

  Optional<Entry> byToken(byte[] fileToken) {
    return Optional.ofNullable(byToken.get(World.hex(fileToken)));
  }

  /** A new request token for reuploading {@code documentId} (asked at {@code offset}). */
  byte[] newRequest(long documentId, long offset) {
    byte[] token = bytes(32);
    requests.put(World.hex(token), new Request(documentId, offset));
    return token;
  }

  /** Redeems a request token; empty if unknown. */
  Optional<Request> redeem(byte[] requestToken) {
    return Optional.ofNullable(requests.remove(World.hex(requestToken)));
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    synchronized (random) {
      random.nextBytes(b);
    }
    return b;
  }
}
