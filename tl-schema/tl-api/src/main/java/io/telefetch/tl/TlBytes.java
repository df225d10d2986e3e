package io.telefetch.tl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import java.util.HexFormat;

/**
 * An immutable TL byte string ({@code bytes}, {@code int128}, {@code int256}).
 *
 * <p>Most instances are backed by a private {@code byte[]}. A reader configured for zero-copy (see
 * {@link TlReader.Options#zeroCopyThreshold()}) returns large values as <em>retained slices</em> of
 * the decoded buffer instead: such a value pins the source memory until {@link #release()} is
 * called, and whoever decoded the enclosing object owns that release. {@link #release()} is a no-op
 * for heap-backed values, so code that consumes {@code bytes} can always call it once it is done.
 */
public abstract sealed class TlBytes permits TlBytes.Heap, TlBytes.Slice {

  /** The empty byte string. */
  public static final TlBytes EMPTY = new Heap(new byte[0]);

  TlBytes() {}

  /** Returns a byte string holding a copy of {@code bytes}. */
  public static TlBytes of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Heap(bytes.clone());
  }

  /** Returns a byte string holding a copy of {@code bytes[offset, offset+length)}. */
  public static TlBytes of(byte[] bytes, int offset, int length) {
    return length == 0 ? EMPTY : new Heap(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  /** Parses lowercase or uppercase hex digits. */
  public static TlBytes ofHex(String hex) {
    return wrap(HexFormat.of().parseHex(hex));
  }

  /** Wraps {@code bytes} without copying; the caller must never modify the array afterwards. */
  public static TlBytes wrap(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Heap(bytes);
  }

  /** The number of bytes. */
  public abstract int length();

  /** The byte at {@code index}. */
  public abstract byte byteAt(int index);

  /** A fresh copy of the content. */
  public abstract byte[] toByteArray();

  /** Copies the content into {@code dst} at {@code dstOffset}. */
  public abstract void copyTo(byte[] dst, int dstOffset);

  /** Copies {@code length} bytes starting at {@code srcIndex} into {@code dst}, advancing it. */
  public abstract void copyTo(int srcIndex, ByteBuffer dst, int length);

  /** A read-only view of the content (no copy). Valid until {@link #release()}. */
  public abstract ByteBuffer asReadOnlyByteBuffer();

  /**
   * Feeds bytes {@code [index, index + length)} to {@code digest}, straight from the backing array
   * when there is one (a read-only view would make the digest copy them out first).
   *
   * @throws IndexOutOfBoundsException if the range is not inside the content
   */
  public final void updateDigest(MessageDigest digest, int index, int length) {
    Objects.checkFromIndexSize(index, length, length());
    digestRange(digest, index, length);
  }

  abstract void digestRange(MessageDigest digest, int index, int length);

  /**
   * Releases the source buffer of a zero-copy slice; a no-op for heap-backed values. Call once,
   * when the content is no longer needed; the value must not be used afterwards.
   */
  public abstract void release();

  /** Whether this value pins a decoded buffer (and so must be released). */
  public abstract boolean isSlice();

  /** Writes the raw content (no TL length prefix) into {@code out}; {@code out} is not released. */
  abstract void writeRaw(ByteBuf out);

  /** Lowercase hex of the content. */
  public String toHex() {
    return HexFormat.of().formatHex(toByteArray());
  }

  @Override
  public final boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TlBytes other) || other.length() != length()) {
      return false;
    }
    return asReadOnlyByteBuffer().equals(other.asReadOnlyByteBuffer());
  }

  @Override
  public final int hashCode() {
    return asReadOnlyByteBuffer().hashCode();
  }

  @Override
  public String toString() {
    int n = length();
    if (n <= 64) {
      return "TlBytes[" + n + "]{" + toHex() + "}";
    }
    byte[] head = new byte[32];
    asReadOnlyByteBuffer().get(head);
    return "TlBytes[" + n + "]{" + HexFormat.of().formatHex(head) + "...}";
  }

  static final class Heap extends TlBytes {
    private final byte[] bytes;

    Heap(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int length() {
      return bytes.length;
    }

    @Override
    public byte byteAt(int index) {
      return bytes[index];
    }

    @Override
    public byte[] toByteArray() {
      return bytes.clone();
    }

    @Override
    public void copyTo(byte[] dst, int dstOffset) {
      System.arraycopy(bytes, 0, dst, dstOffset, bytes.length);
    }

    @Override
    public void copyTo(int srcIndex, ByteBuffer dst, int length) {
      dst.put(bytes, srcIndex, length);
    }

    @Override
    public ByteBuffer asReadOnlyByteBuffer() {
      return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    @Override
    public void release() {}

    @Override
    public boolean isSlice() {
      return false;
    }

    @Override
    void writeRaw(ByteBuf out) {
      out.writeBytes(bytes);
    }

    @Override
    void digestRange(MessageDigest digest, int index, int length) {
      digest.update(bytes, index, length);
    }

    byte[] array() {
      return bytes;
    }
  }

  static final class Slice extends TlBytes {
    private final ByteBuf buf;

    /** Takes ownership of {@code buf} (a retained slice); {@link #release()} releases it. */
    Slice(ByteBuf buf) {
      this.buf = buf;
    }

    @Override
    public int length() {
      return buf.readableBytes();
    }

    @Override
    public byte byteAt(int index) {
      return buf.getByte(buf.readerIndex() + index);
    }

    @Override
    public byte[] toByteArray() {
      return ByteBufUtil.getBytes(buf);
    }

    @Override
    public void copyTo(byte[] dst, int dstOffset) {
      buf.getBytes(buf.readerIndex(), dst, dstOffset, buf.readableBytes());
    }

    @Override
    public void copyTo(int srcIndex, ByteBuffer dst, int length) {
      ByteBuffer d = dst.duplicate();
      d.limit(d.position() + length);
      buf.getBytes(buf.readerIndex() + srcIndex, d);
      dst.position(dst.position() + length);
    }

    @Override
    public ByteBuffer asReadOnlyByteBuffer() {
      return buf.nioBuffer().asReadOnlyBuffer();
    }

    @Override
    void digestRange(MessageDigest digest, int index, int length) {
      int at = buf.readerIndex() + index;
      if (buf.hasArray()) {
        digest.update(buf.array(), buf.arrayOffset() + at, length);
      } else {
        digest.update(buf.nioBuffer(at, length));
      }
    }

    @Override
    public void release() {
      buf.release();
    }

    @Override
    public boolean isSlice() {
      return true;
    }

    @Override
    void writeRaw(ByteBuf out) {
      out.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
    }

    ByteBuf buffer() {
      return buf;
    }
  }
}
