package io.telefetch.testkit.world;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * When the file references the {@link World} hands out expire. An expired reference makes {@code
 * upload.getFile} answer {@code 400 FILE_REFERENCE_EXPIRED} until the client fetches the message
 * again ({@code channels.getMessages}, {@code messages.getHistory}...), which returns a fresh one.
 *
 * <p>Immutable: {@link #never()}, {@link #after(Duration)} (of the cluster clock, counted from
 * when the reference was issued) or {@link #afterUses(int)} (the reference serves that many {@code
 * upload.getFile} / {@code upload.getFileHashes} calls, then expires).
 */
public final class FileReferencePolicy {
  private static final FileReferencePolicy NEVER = new FileReferencePolicy(null, 0);

  private final Duration ttl;
  private final int maxUses;

  private FileReferencePolicy(Duration ttl, int maxUses) {
    this.ttl = ttl;
    this.maxUses = maxUses;
  }

  /** References never expire (the default). */
  public static FileReferencePolicy never() {
    return NEVER;
  }

  /** A reference expires {@code ttl} after it was issued. */
  public static FileReferencePolicy after(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive");
    }
    return new FileReferencePolicy(ttl, 0);
  }

  /** A reference expires after serving {@code uses} calls. */
  public static FileReferencePolicy afterUses(int uses) {
    if (uses < 1) {
      throw new IllegalArgumentException("uses must be positive");
    }
    return new FileReferencePolicy(null, uses);
  }

  /** The lifetime, if limited by time. */
  public Optional<Duration> ttl() {
    return Optional.ofNullable(ttl);
  }

  /** The number of calls a reference serves, if limited by use. */
  public OptionalInt maxUses() {
    return maxUses == 0 ? OptionalInt.empty() : OptionalInt.of(maxUses);
  }

  @Override
  public String toString() {
    return ttl != null ? "FileReferencePolicy[after " + ttl + "]"
        : maxUses > 0 ? "FileReferencePolicy[after " + maxUses + " uses]" : "FileReferencePolicy[never]";
  }
}
