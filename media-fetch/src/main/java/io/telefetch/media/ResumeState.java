package io.telefetch.media;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;

/**
 * What the small state file next to a {@code .part} download holds: a SHA-256 of the file's
 * identity (never its id, access_hash or file_reference), the part size and range, how many bytes
 * of the range are on disk and the SHA-256 of each part on disk, so that a resume can check the
 * bytes it keeps ({@link PartFile} reads and writes it).
 *
 * <p>Parts here are the chunks the engine delivers: the first runs from the range's start to the
 * next multiple of the part size, every other one is a whole part, the last may be short.
 * Thread-safe.
 */
final class ResumeState {
  private static final String VERSION = "2";
  static final int HASH = 32;

  private final String identity;
  private final int partSize;
  private final long offset;
  private final long length;
  // guarded by this
  private long committed;
  private byte[] hashes;
  private int count;

  private ResumeState(String identity, int partSize, long offset, long length, long committed, byte[] hashes, int count) {
    this.identity = identity;
    this.partSize = partSize;
    this.offset = offset;
    this.length = length;
    this.committed = committed;
    this.hashes = hashes;
    this.count = count;
  }

  /** A state with nothing on disk yet; {@code length} is the range's length, or -1 if the file size is unknown. */
  static ResumeState fresh(MediaFile file, int partSize, long offset, long length) {
    return new ResumeState(identityHash(file), partSize, offset, length, 0, new byte[HASH * 16], 0);
  }

  /** The SHA-256 (hex) of the file's identity: detects another file without storing what names this one. */
  static String identityHash(MediaFile file) {
    return HexFormat.of().formatHex(sha256().digest(file.identity().getBytes(StandardCharsets.UTF_8)));
  }

  /** Bytes of the range on disk (whole chunks, each with its hash). */
  synchronized long committed() {
    return committed;
  }

  /** Chunks on disk. */
  synchronized int chunks() {
    return count;
  }

  /** Where chunk {@code i} starts, relative to the range. */
  long chunkStart(int i) {
    if (i == 0) {
      return 0;
    }
    long first = partSize - offset % partSize;
    return first + (long) (i - 1) * partSize;
  }

  /** The length of chunk {@code i} on disk. */
  synchronized int chunkLength(int i) {
    long end = i + 1 < count ? chunkStart(i + 1) : committed;
    return (int) (end - chunkStart(i));
  }

  /** The stored SHA-256 of chunk {@code i}. */
  synchronized byte[] hash(int i) {
    return Arrays.copyOfRange(hashes, i * HASH, (i + 1) * HASH);
  }

  /** Chunk {@code index} was written whole with {@code sha256}; the range up to {@code end} is on disk. */
  synchronized void append(int index, byte[] sha256, long end) {
    if (index != count) {
      throw new IllegalStateException("chunk " + index + " out of order, expected " + count);
    }
    if (hashes.length < (count + 1) * HASH) {
      hashes = Arrays.copyOf(hashes, hashes.length * 2);
    }
    System.arraycopy(sha256, 0, hashes, count * HASH, HASH);
    count++;
    committed = end;
  }

  /** Chunk {@code index} (already on disk) was rewritten with {@code sha256}. */
  synchronized void replace(int index, byte[] sha256) {
    System.arraycopy(sha256, 0, hashes, index * HASH, HASH);
  }

  /** Forgets chunk {@code index} and everything after it. */
  synchronized void truncate(int index) {
    if (index < count) {
      count = index;
      committed = chunkStart(index);
    }
  }

  /** The state file's contents. */
  byte[] encode() {
    Properties p = new Properties();
    synchronized (this) {
      p.setProperty("version", VERSION);
      p.setProperty("file", identity);
      p.setProperty("partSize", Integer.toString(partSize));
      p.setProperty("offset", Long.toString(offset));
      p.setProperty("length", Long.toString(length));
      p.setProperty("committed", Long.toString(committed));
      p.setProperty("parts", Base64.getEncoder().withoutPadding().encodeToString(Arrays.copyOf(hashes, count * HASH)));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
      p.store(w, "telefetch download state");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // in memory
    }
    return out.toByteArray();
  }

  /**
   * The state in {@code data} if it belongs to this download (same file, part size and range),
   * else {@code fresh}. Claims are only bounded here; {@link PartFile} checks the bytes on disk.
   */
  static ResumeState decode(byte[] data, ResumeState fresh) {
    Properties p = new Properties();
    try {
      p.load(new InputStreamReader(new ByteArrayInputStream(data), StandardCharsets.UTF_8));
      if (!VERSION.equals(p.getProperty("version")) || !fresh.identity.equals(p.getProperty("file"))
          || fresh.partSize != Integer.parseInt(p.getProperty("partSize"))
          || fresh.offset != Long.parseLong(p.getProperty("offset"))
          || fresh.length != Long.parseLong(p.getProperty("length"))) {
        return fresh;
      }
      long committed = Long.parseLong(p.getProperty("committed"));
      byte[] hashes = Base64.getDecoder().decode(p.getProperty("parts"));
      if (committed < 0 || fresh.length >= 0 && committed > fresh.length || hashes.length % HASH != 0) {
        return fresh;
      }
      int count = hashes.length / HASH;
      // the chunks must end exactly at committed: the last one whole, or short only at the range's end
      if (count == 0 ? committed != 0
          : committed <= fresh.chunkStart(count - 1) || committed > fresh.chunkStart(count)
              || committed < fresh.chunkStart(count) && fresh.length >= 0 && committed != fresh.length) {
        return fresh;
      }
      return new ResumeState(fresh.identity, fresh.partSize, fresh.offset, fresh.length, committed,
          Arrays.copyOf(hashes, Math.max(hashes.length, HASH * 16)), count);
    } catch (IOException | RuntimeException e) {
      return fresh; // unreadable state: start over
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new io.telefetch.mtproto.crypto.CryptoProviderException("SHA-256 is unavailable", e);
    }
  }
}
