package io.telefetch.testkit.world;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The file references of every media item: one current reference per item, reissued when a
 * message carrying the item is fetched after the current one expired. Thread-safe.
 *
 * <p>A reference is 21 bytes: {@code 'T' | media id (8, LE) | serial (4, LE) | random tag (8)}.
 */
final class FileReferences {
  /** The outcome of checking a reference a client sent. */
  enum Verdict {
    VALID, EMPTY, INVALID, EXPIRED
  }

  private static final int LENGTH = 21;
  private static final byte MAGIC = 'T';

  private static final class Ref {
    final byte[] bytes;
    final int serial;
    final long issuedMillis;
    final AtomicInteger uses = new AtomicInteger();
    volatile boolean revoked;

    Ref(byte[] bytes, int serial, long issuedMillis) {
      this.bytes = bytes;
      this.serial = serial;
      this.issuedMillis = issuedMillis;
    }
  }

  private final Clock clock;
  private final SplittableRandom random;
  private final Map<Long, Ref> current = new ConcurrentHashMap<>();
  private volatile FileReferencePolicy policy = FileReferencePolicy.never();

  FileReferences(Clock clock, SplittableRandom random) {
    this.clock = clock;
    this.random = random;
  }

  void policy(FileReferencePolicy policy) {
    this.policy = policy;
  }

  FileReferencePolicy policy() {
    return policy;
  }

  /** The current reference of {@code mediaId}, issuing a new one if there is none or it expired. */
  byte[] current(long mediaId) {
    return current.compute(mediaId, (id, ref) -> ref == null || expired(ref) ? issue(id, ref) : ref).bytes.clone();
  }

  /** Checks a reference sent for {@code mediaId}; with {@code countUse}, a valid one spends one use. */
  Verdict check(long mediaId, byte[] sent, boolean countUse) {
    if (sent.length == 0) {
      return Verdict.EMPTY;
    }
    if (sent.length != LENGTH || sent[0] != MAGIC) {
      return Verdict.INVALID;
    }
    ByteBuffer b = ByteBuffer.wrap(sent).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getLong(1) != mediaId) {
      return Verdict.INVALID;
    }
    int serial = b.getInt(9);
    Ref ref = current.get(mediaId);
    if (ref == null || serial > ref.serial) {
      return Verdict.INVALID;
    }
    if (serial < ref.serial) {
      return Verdict.EXPIRED;
    }
    if (!Arrays.equals(ref.bytes, sent)) {
      return Verdict.INVALID;
    }
    if (expired(ref)) {
      return Verdict.EXPIRED;
    }
    int maxUses = policy.maxUses().orElse(0);
    if (countUse && maxUses > 0 && ref.uses.incrementAndGet() > maxUses) {
      return Verdict.EXPIRED;
    }
    return Verdict.VALID;
  }

  void expireAll() {
    for (Ref r : current.values()) {
      r.revoked = true;
    }
  }

  private boolean expired(Ref ref) {
    if (ref.revoked) {
      return true;
    }
    FileReferencePolicy p = policy;
    if (p.ttl().isPresent() && clock.millis() - ref.issuedMillis >= p.ttl().get().toMillis()) {
      return true;
    }
    int maxUses = p.maxUses().orElse(0);
    return maxUses > 0 && ref.uses.get() >= maxUses;
  }

  private Ref issue(long mediaId, Ref previous) {
    int serial = previous == null ? 1 : previous.serial + 1;
    long tag;
    synchronized (random) {
      tag = random.nextLong();
    }
    byte[] bytes = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN)
        .put(MAGIC).putLong(mediaId).putInt(serial).putLong(tag).array();
    return new Ref(bytes, serial, clock.millis());
  }
}
