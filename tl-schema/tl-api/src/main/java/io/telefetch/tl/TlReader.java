package io.telefetch.tl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Decodes TL values from a Netty {@link ByteBuf}, advancing its reader index.
 *
 * <p>The reader never releases its buffer: the caller that owns the buffer keeps owning it. With
 * {@link Options#zeroCopyThreshold()} set, {@code bytes} values at least that long are returned as
 * retained slices of the buffer (see {@link TlBytes}), which the owner of the decoded object must
 * release. Every malformed input raises {@link TlDecodeException}; nothing else escapes.
 */
public final class TlReader {
  /** gzip_packed constructor id. */
  public static final int GZIP_PACKED_ID = 0x3072cfa1;

  /**
   * Decoder limits.
   *
   * @param zeroCopyThreshold {@code bytes} values of at least this many bytes become retained
   *     slices instead of copies; {@link Integer#MAX_VALUE} (the default) always copies
   * @param maxInflatedSize the largest body a gzip_packed value may inflate to
   * @param maxDepth the deepest nesting of boxed objects accepted
   */
  public record Options(int zeroCopyThreshold, int maxInflatedSize, int maxDepth) {
    /** Copies all bytes, inflates up to 32 MiB, nests up to 64 levels. */
    public static final Options DEFAULT = new Options(Integer.MAX_VALUE, 32 << 20, 64);

    public Options {
      if (zeroCopyThreshold < 1 || maxInflatedSize < 0 || maxDepth < 1) {
        throw new IllegalArgumentException("invalid TlReader options");
      }
    }

    /** These options with zero-copy slicing of {@code bytes} values from {@code threshold} bytes. */
    public Options withZeroCopyThreshold(int threshold) {
      return new Options(threshold, maxInflatedSize, maxDepth);
    }
  }

  private final ByteBuf in;
  private final TlRegistry registry;
  private final Options options;
  private int depth;
  private int currentId;

  /** Reads from {@code in} (not released by the reader) using the standard registry. */
  public TlReader(ByteBuf in) {
    this(in, TlRegistry.standard(), Options.DEFAULT);
  }

  /** Reads from {@code in} (not released by the reader). */
  public TlReader(ByteBuf in, TlRegistry registry, Options options) {
    this(in, registry, options, 0);
  }

  private TlReader(ByteBuf in, TlRegistry registry, Options options, int depth) {
    this.in = in;
    this.registry = registry;
    this.options = options;
    this.depth = depth;
  }

  /** The buffer being read (owned by the caller). */
  public ByteBuf buffer() {
    return in;
  }

  /** Bytes not yet read. */
  public int remaining() {
    return in.readableBytes();
  }

  /** Raises a {@link TlDecodeException} at the current position. */
  public TlDecodeException error(String message) {
    return new TlDecodeException(message, currentId, in.readerIndex());
  }

  private void need(int n) {
    if (in.readableBytes() < n) {
      throw error("truncated input: need " + n + " bytes, " + in.readableBytes() + " left");
    }
  }

  public int readInt() {
    need(4);
    return in.readIntLE();
  }

  public long readLong() {
    need(8);
    return in.readLongLE();
  }

  public double readDouble() {
    return Double.longBitsToDouble(readLong());
  }

  public boolean readBool() {
    int id = readInt();
    if (id == TlWriter.BOOL_TRUE) {
      return true;
    }
    if (id == TlWriter.BOOL_FALSE) {
      return false;
    }
    throw error("expected Bool, got constructor " + TlDecodeException.hex(id));
  }

  public TlBytes readInt128() {
    return readFixed(16);
  }

  public TlBytes readInt256() {
    return readFixed(32);
  }

  private TlBytes readFixed(int n) {
    need(n);
    byte[] b = new byte[n];
    in.readBytes(b);
    return TlBytes.wrap(b);
  }

  private int readLength() {
    need(1);
    int len = in.readUnsignedByte();
    int prefix = 1;
    if (len == 254) {
      need(3);
      len = in.readUnsignedMediumLE();
      prefix = 4;
    } else if (len == 255) {
      throw error("invalid string length prefix 0xff");
    }
    int padded = (prefix + len + 3 & ~3) - prefix;
    if (padded > in.readableBytes()) {
      throw error("string of " + len + " bytes exceeds the " + in.readableBytes() + " bytes left");
    }
    return len;
  }

  private void skipPadding(int len) {
    int prefix = len <= 253 ? 1 : 4;
    in.skipBytes((4 - ((prefix + len) & 3)) & 3);
  }

  public String readString() {
    int len = readLength();
    String s = in.toString(in.readerIndex(), len, StandardCharsets.UTF_8);
    in.skipBytes(len);
    skipPadding(len);
    return s;
  }

  /** Reads a TL {@code bytes}; a retained slice when zero-copy applies (see {@link TlBytes}). */
  public TlBytes readBytes() {
    int len = readLength();
    TlBytes result;
    if (len == 0) {
      result = TlBytes.EMPTY;
    } else if (len >= options.zeroCopyThreshold()) {
      result = new TlBytes.Slice(in.readRetainedSlice(len));
    } else {
      byte[] b = new byte[len];
      in.readBytes(b);
      result = TlBytes.wrap(b);
    }
    skipPadding(len);
    return result;
  }

  /** Reads a boxed object of any type (gzip_packed is inflated transparently). */
  public TlObject readObject() {
    int id = readInt();
    if (id == GZIP_PACKED_ID) {
      return readGzipped();
    }
    TlDeserializer d = registry.deserializer(id);
    if (d == null) {
      throw new TlDecodeException("unknown constructor id", id, in.readerIndex() - 4);
    }
    if (++depth > options.maxDepth()) {
      throw new TlDecodeException("nesting deeper than " + options.maxDepth(), id, in.readerIndex());
    }
    int outer = currentId;
    currentId = id;
    try {
      return d.read(this);
    } catch (RuntimeException e) {
      throw wrap(e, id);
    } finally {
      currentId = outer;
      depth--;
    }
  }

  private TlDecodeException wrap(RuntimeException e, int id) {
    if (e instanceof TlDecodeException t) {
      return t;
    }
    return new TlDecodeException("malformed value: " + e, id, in.readerIndex(), e);
  }

  /** Reads a boxed object and checks it is a {@code type}. */
  public <T> T readObject(Class<T> type) {
    int start = in.readerIndex();
    TlObject o = readObject();
    if (!type.isInstance(o)) {
      throw new TlDecodeException(
          "expected " + type.getSimpleName() + ", got " + o.tlName(), o.constructorId(), start);
    }
    return type.cast(o);
  }

  private TlObject readGzipped() {
    int start = in.readerIndex() - 4;
    byte[] inflated = inflate(readBytes(), start);
    ByteBuf body = Unpooled.wrappedBuffer(inflated);
    try {
      return new TlReader(body, registry, options, depth + 1).readObject();
    } catch (TlDecodeException e) {
      throw new TlDecodeException("inside gzip_packed: " + e.getMessage(), GZIP_PACKED_ID, start, e);
    } finally {
      body.release();
    }
  }

  private byte[] inflate(TlBytes packed, int start) {
    int cap = options.maxInflatedSize();
    try (InputStream gz = isZlib(packed)
        ? new InflaterInputStream(new ByteArrayInputStreamOf(packed))
        : new GZIPInputStream(new ByteArrayInputStreamOf(packed), 8192)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(cap, packed.length() * 4 + 64));
      byte[] chunk = new byte[8192];
      int n;
      while ((n = gz.read(chunk)) > 0) {
        if (out.size() + n > cap) {
          throw new TlDecodeException("gzip_packed inflates past " + cap + " bytes", GZIP_PACKED_ID, start);
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new TlDecodeException("corrupt gzip_packed: " + e.getMessage(), GZIP_PACKED_ID, start, e);
    } finally {
      packed.release();
    }
  }

  /**
   * Whether gzip_packed data is a zlib stream (RFC 1950: CM 8, CINFO at most 7, header check
   * multiple of 31) rather than gzip (RFC 1952, which starts 1f 8b and so never passes this
   * check). mtcute packs its requests with zlib's deflate, and Telegram accepts them.
   */
  private static boolean isZlib(TlBytes packed) {
    if (packed.length() < 2) {
      return false;
    }
    int cmf = packed.byteAt(0) & 0xff;
    int flg = packed.byteAt(1) & 0xff;
    return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
  }

  /** An InputStream over a TlBytes without copying heap content. */
  private static final class ByteArrayInputStreamOf extends ByteBufInputStream {
    ByteArrayInputStreamOf(TlBytes b) {
      super(Unpooled.wrappedBuffer(b.asReadOnlyByteBuffer()), true);
    }
  }

  private int readVectorHeader(int minElementSize) {
    int id = readInt();
    if (id != TlWriter.VECTOR_ID) {
      throw new TlDecodeException("expected Vector, got constructor " + TlDecodeException.hex(id),
          currentId, in.readerIndex() - 4);
    }
    return readCount(minElementSize);
  }

  private int readCount(int minElementSize) {
    int count = readInt();
    if (count < 0 || (long) count * minElementSize > in.readableBytes()) {
      throw error("vector count " + count + " exceeds the " + in.readableBytes() + " bytes left");
    }
    return count;
  }

  public List<Integer> readIntVector() {
    int n = readVectorHeader(4);
    Integer[] a = new Integer[n];
    for (int i = 0; i < n; i++) {
      a[i] = in.readIntLE();
    }
    return Collections.unmodifiableList(Arrays.asList(a));
  }

  public List<Long> readLongVector() {
    int n = readVectorHeader(8);
    Long[] a = new Long[n];
    for (int i = 0; i < n; i++) {
      a[i] = in.readLongLE();
    }
    return Collections.unmodifiableList(Arrays.asList(a));
  }

  /** A boxed vector of boxed objects, each checked to be a {@code type}. */
  public <T> List<T> readObjectVector(Class<T> type) {
    int n = readVectorHeader(4);
    Object[] a = new Object[n];
    for (int i = 0; i < n; i++) {
      a[i] = readObject(type);
    }
    return list(a);
  }

  /** A boxed vector with a custom element reader. */
  public <T> List<T> readVector(Function<TlReader, T> element) {
    return readElements(readVectorHeader(4), element);
  }

  /** A bare vector (count only) with a custom element reader. */
  public <T> List<T> readBareVector(Function<TlReader, T> element) {
    return readElements(readCount(4), element);
  }

  private <T> List<T> readElements(int n, Function<TlReader, T> element) {
    Object[] a = new Object[n];
    for (int i = 0; i < n; i++) {
      a[i] = element.apply(this);
    }
    return list(a);
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> list(Object[] a) {
    return (List<T>) Collections.unmodifiableList(Arrays.asList(a));
  }
}
