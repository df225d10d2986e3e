package io.telefetch.tl;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Serialises TL values into a Netty {@link ByteBuf}: little-endian integers, the string/bytes
 * length-and-padding rule, Bool, boxed and bare vectors.
 *
 * <p>The writer never releases its buffer: the caller that created the buffer owns it.
 */
public final class TlWriter {
  /** Boxed vector constructor id. */
  public static final int VECTOR_ID = 0x1cb5c415;
  /** boolTrue constructor id. */
  public static final int BOOL_TRUE = 0x997275b5;
  /** boolFalse constructor id. */
  public static final int BOOL_FALSE = 0xbc799737;

  private final ByteBuf out;

  /** Writes to {@code out} from its writer index; {@code out} stays owned by the caller. */
  public TlWriter(ByteBuf out) {
    this.out = out;
  }

  /** The underlying buffer (still owned by whoever created it). */
  public ByteBuf buffer() {
    return out;
  }

  public TlWriter writeInt(int v) {
    out.writeIntLE(v);
    return this;
  }

  public TlWriter writeLong(long v) {
    out.writeLongLE(v);
    return this;
  }

  public TlWriter writeDouble(double v) {
    out.writeLongLE(Double.doubleToRawLongBits(v));
    return this;
  }

  public TlWriter writeBool(boolean v) {
    out.writeIntLE(v ? BOOL_TRUE : BOOL_FALSE);
    return this;
  }

  public TlWriter writeString(String s) {
    return writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code b} with the TL length prefix and padding. */
  public TlWriter writeBytes(byte[] b) {
    int len = b.length;
    writeLengthPrefix(len);
    out.writeBytes(b);
    writePadding(len);
    return this;
  }

  /** Writes {@code b} with the TL length prefix and padding. */
  public TlWriter writeBytes(TlBytes b) {
    int len = b.length();
    writeLengthPrefix(len);
    b.writeRaw(out);
    writePadding(len);
    return this;
  }

  /** Writes exactly 16 raw bytes. */
  public TlWriter writeInt128(TlBytes b) {
    return writeFixed(b, 16, "int128");
  }

  /** Writes exactly 32 raw bytes. */
  public TlWriter writeInt256(TlBytes b) {
    return writeFixed(b, 32, "int256");
  }

  private TlWriter writeFixed(TlBytes b, int n, String type) {
    if (b.length() != n) {
      throw new IllegalArgumentException(type + " needs " + n + " bytes, got " + b.length());
    }
    b.writeRaw(out);
    return this;
  }

  /** Writes a boxed object (constructor id and fields). */
  public TlWriter writeObject(TlObject o) {
    o.write(this);
    return this;
  }

  public TlWriter writeIntVector(List<Integer> v) {
    out.writeIntLE(VECTOR_ID).writeIntLE(v.size());
    for (int i = 0; i < v.size(); i++) {
      out.writeIntLE(v.get(i));
    }
    return this;
  }

  public TlWriter writeLongVector(List<Long> v) {
    out.writeIntLE(VECTOR_ID).writeIntLE(v.size());
    for (int i = 0; i < v.size(); i++) {
      out.writeLongLE(v.get(i));
    }
    return this;
  }

  /** A boxed vector whose elements are boxed objects. */
  public TlWriter writeObjectVector(List<? extends TlObject> v) {
    out.writeIntLE(VECTOR_ID).writeIntLE(v.size());
    for (int i = 0; i < v.size(); i++) {
      v.get(i).write(this);
    }
    return this;
  }

  /** A boxed vector with a custom element writer. */
  public <T> TlWriter writeVector(List<T> v, BiConsumer<TlWriter, T> element) {
    out.writeIntLE(VECTOR_ID).writeIntLE(v.size());
    for (int i = 0; i < v.size(); i++) {
      element.accept(this, v.get(i));
    }
    return this;
  }

  /** A bare vector (no vector id, only the count) with a custom element writer. */
  public <T> TlWriter writeBareVector(List<T> v, BiConsumer<TlWriter, T> element) {
    out.writeIntLE(v.size());
    for (int i = 0; i < v.size(); i++) {
      element.accept(this, v.get(i));
    }
    return this;
  }

  private void writeLengthPrefix(int len) {
    if (len <= 253) {
      out.writeByte(len);
    } else if (len <= 0xFFFFFF) {
      out.writeByte(254);
      out.writeMediumLE(len);
    } else {
      throw new IllegalArgumentException("TL bytes longer than 16 MiB: " + len);
    }
  }

  private void writePadding(int len) {
    int total = (len <= 253 ? 1 : 4) + len;
    int pad = (4 - (total & 3)) & 3;
    out.writeZero(pad);
  }

  /** The encoded size of a TL string/bytes value of {@code len} bytes, prefix and padding included. */
  public static int bytesSize(int len) {
    int total = (len <= 253 ? 1 : 4) + len;
    return (total + 3) & ~3;
  }
}
