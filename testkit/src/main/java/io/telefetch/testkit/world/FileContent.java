package io.telefetch.testkit.world;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.OptionalLong;
import javax.imageio.ImageIO;

/**
 * The bytes of a file in the world: either generated on the fly from a seed (deterministic, any
 * size up to many GiB, using no memory or disk of that size) or given as bytes.
 *
 * <p>Seeded content is a counter-mode key stream: the 8 bytes at offset {@code 8 i} are the
 * SplitMix64 mix of {@code seed + (i + 1) * 0x9E3779B97F4A7C15} (little-endian), so reading any
 * range costs time proportional to the range only. Two contents with the same seed agree on every
 * common offset.
 *
 * <p>{@link #sha256()} is computed once, lazily, and cached: about 2 to 4 seconds per GiB on one
 * core. Instances are immutable and thread-safe.
 */
public final class FileContent {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final int CHUNK = 1 << 20;

  private final long size;
  private final long seed;
  private final byte[] bytes; // null for seeded content
  private volatile byte[] sha256;

  private FileContent(long size, long seed, byte[] bytes) {
    this.size = size;
    this.seed = seed;
    this.bytes = bytes;
  }

  /** Content of {@code size} bytes generated from {@code seed}. */
  public static FileContent seeded(long seed, long size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    return new FileContent(size, seed, null);
  }

  /** Content holding a copy of {@code bytes}. */
  public static FileContent of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return new FileContent(bytes.length, 0, bytes.clone());
  }

  /**
   * A real baseline JPEG of {@code w x h} pixels (a colour gradient chosen by {@code seed}), for
   * photos that clients or web pages may want to decode.
   */
  public static FileContent jpeg(int w, int h, long seed) {
    if (w < 1 || h < 1 || w > 4096 || h > 4096) {
      throw new IllegalArgumentException("bad JPEG size " + w + "x" + h);
    }
    long mixed = mix(seed);
    Color a = new Color((int) (mixed & 0xFFFFFF));
    Color b = new Color((int) ((mixed >>> 24) & 0xFFFFFF));
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setPaint(new GradientPaint(0, 0, a, w, h, b));
      g.fillRect(0, 0, w, h);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "jpg", out)) {
        throw new IllegalStateException("no JPEG writer in this JDK");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new FileContent(out.size(), 0, out.toByteArray());
  }

  /** The size in bytes. */
  public long size() {
    return size;
  }

  /** The seed of seeded content; empty for content given as bytes. */
  public OptionalLong seed() {
    return bytes == null ? OptionalLong.of(seed) : OptionalLong.empty();
  }

  /**
   * Reads up to {@code length} bytes from {@code offset}: fewer at the end of the file, none at or
   * past it. Costs O(returned bytes).
   */
  public byte[] read(long offset, int length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length");
    }
    int n = (int) Math.max(0, Math.min(length, size - offset));
    byte[] out = new byte[n];
    read(offset, out, 0, n);
    return out;
  }

  /** Copies {@code length} bytes from {@code offset}, which must lie inside the file, into {@code dst}. */
  public void read(long offset, byte[] dst, int dstOffset, int length) {
    Objects.checkFromIndexSize(dstOffset, length, dst.length);
    if (length == 0 && offset >= 0) {
      return;
    }
    if (offset < 0 || offset + length > size) {
      throw new IndexOutOfBoundsException("range " + offset + "+" + length + " outside " + size);
    }
    if (bytes != null) {
      System.arraycopy(bytes, (int) offset, dst, dstOffset, length);
      return;
    }
    generate(seed, offset, dst, dstOffset, length);
  }

  /** A stream over the whole content. */
  public InputStream openStream() {
    return openStream(0);
  }

  /** A stream over the content from {@code offset}. */
  public InputStream openStream(long offset) {
    return new InputStream() {
      private long position = Math.min(Math.max(0, offset), size);

      @Override
      public int read() {
        if (position >= size) {
          return -1;
        }
        byte[] one = new byte[1];
        FileContent.this.read(position++, one, 0, 1);
        return one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
          return 0;
        }
        if (position >= size) {
          return -1;
        }
        int n = (int) Math.min(len, size - position);
        FileContent.this.read(position, b, off, n);
        position += n;
        return n;
      }

      @Override
      public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, size - position));
        position += skipped;
        return skipped;
      }

      @Override
      public int available() {
        return (int) Math.min(Integer.MAX_VALUE, size - position);
      }
    };
  }

  /** SHA-256 of the whole content (computed on first use, then cached); a copy. */
  public byte[] sha256() {
    byte[] h = sha256;
    if (h == null) {
      synchronized (this) {
        h = sha256;
        if (h == null) {
          h = sha256(0, size);
          sha256 = h;
        }
      }
    }
    return h.clone();
  }

  /** SHA-256 of the whole content as lowercase hex. */
  public String sha256Hex() {
    return HexFormat.of().formatHex(sha256());
  }

  /** SHA-256 of {@code length} bytes from {@code offset} (clipped at the end of the file). */
  public byte[] sha256(long offset, long length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length");
    }
    long end = Math.min(size, offset + length);
    MessageDigest digest = newSha256();
    if (bytes != null) {
      if (offset < end) {
        digest.update(bytes, (int) offset, (int) (end - offset));
      }
      return digest.digest();
    }
    byte[] buffer = new byte[(int) Math.min(CHUNK, Math.max(0, end - offset))];
    for (long at = offset; at < end; ) {
      int n = (int) Math.min(buffer.length, end - at);
      generate(seed, at, buffer, 0, n);
      digest.update(buffer, 0, n);
      at += n;
    }
    return digest.digest();
  }

  @Override
  public String toString() {
    return bytes == null ? "FileContent[seed=" + seed + ", " + size + " bytes]" : "FileContent[" + size + " bytes]";
  }

  // ------------------------------------------------------------------ generation

  private static void generate(long seed, long offset, byte[] dst, int dstOffset, int length) {
    long word = offset >>> 3;
    int skip = (int) (offset & 7);
    int done = 0;
    if (skip != 0) {
      byte[] head = new byte[8];
      LONGS.set(head, 0, valueAt(seed, word++));
      int n = Math.min(8 - skip, length);
      System.arraycopy(head, skip, dst, dstOffset, n);
      done = n;
    }
    int whole = (length - done) >>> 3;
    int at = dstOffset + done;
    for (int i = 0; i < whole; i++, at += 8) {
      LONGS.set(dst, at, valueAt(seed, word++));
    }
    done += whole << 3;
    if (done < length) {
      byte[] tail = new byte[8];
      LONGS.set(tail, 0, valueAt(seed, word));
      System.arraycopy(tail, 0, dst, dstOffset + done, length - done);
    }
  }

  private static long valueAt(long seed, long word) {
    return mix(seed + (word + 1) * GOLDEN);
  }

  /** The SplitMix64 finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
