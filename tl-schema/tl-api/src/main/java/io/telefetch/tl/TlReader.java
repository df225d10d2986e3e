package io.telefetch.tl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes TL values from a Netty {@link ByteBuf}, advancing its reader index.
 *
 * <p>The reader never releases its buffer: the caller that owns the buffer keeps owning it. With
 * {@link Options#zeroCopyThreshold()} set, {@code bytes} values at least that long are returned as
 * retained slices of the buffer (see {@link TlBytes}), which the owner of the decoded object must
 * release. Every malformed input raises {@link TlDecodeException}; nothing else escapes. When a
 * read fails, the slices it had already taken are released: a failed decode leaves the buffer as
 * it found it, whatever the peer sent.
 */
public final class TlReader {
  /** gzip_packed constructor id. */
  public static final int GZIP_PACKED_ID = 0x3072cfa1;

  /**
   * Decoder limits.
   *
   * @param zeroCopyThreshold {@code bytes} values of at least this many bytes become retained
   *     slices instead of copies; {@link Integer#MAX_VALUE} (the default) always copies
   * @param maxInflatedSize the most bytes that all gzip_packed values of one message may inflate
   *     to together (one {@link InflateBudget} per reader, or the one shared through {@link
   *     TlReader#TlReader(ByteBuf, TlRegistry, Options, InflateBudget)})
   * @param maxDepth the deepest nesting of boxed objects accepted; a gzip_packed level counts as
   *     one
   * @param allowGzip whether gzip_packed is accepted at all; unencrypted (key exchange) messages
   *     never carry it, so {@link #PLAIN} rejects it
   */
  public record Options(int zeroCopyThreshold, int maxInflatedSize, int maxDepth, boolean allowGzip) {
    /** Copies all bytes, inflates up to 32 MiB per message, nests up to 64 levels. */
    public static final Options DEFAULT = new Options(Integer.MAX_VALUE, 32 << 20, 64, true);

    /** For unencrypted messages (the key exchange): as {@link #DEFAULT} but with no gzip_packed. */
    public static final Options PLAIN = new Options(Integer.MAX_VALUE, 0, 64, false);

    public Options {
      if (zeroCopyThreshold < 1 || maxInflatedSize < 0 || maxDepth < 1) {
        throw new IllegalArgumentException("invalid TlReader options");
      }
    }

    /** Options that accept gzip_packed. */
    public Options(int zeroCopyThreshold, int maxInflatedSize, int maxDepth) {
      this(zeroCopyThreshold, maxInflatedSize, maxDepth, true);
    }

    /** These options with zero-copy slicing of {@code bytes} values from {@code threshold} bytes. */
    public Options withZeroCopyThreshold(int threshold) {
      return new Options(threshold, maxInflatedSize, maxDepth, allowGzip);
    }

    /** These options rejecting every gzip_packed value. */
    public Options withoutGzip() {
      return new Options(zeroCopyThreshold, maxInflatedSize, maxDepth, false);
    }
  }

  private final ByteBuf in;
  private final TlRegistry registry;
  private final Options options;
  private final InflateBudget budget;
  /** Whether this reader reads an inflated gzip_packed body (where gzip_packed is refused). */
  private final boolean inflated;
  /** Zero-copy slices taken by the reads in progress; shared with the readers of gzip bodies. */
  private final Slices slices;
  private int depth;
  private int currentId;

  /** Reads from {@code in} (not released by the reader) using the standard registry. */
  public TlReader(ByteBuf in) {
    this(in, TlRegistry.standard(), Options.DEFAULT);
  }

  /**
   * Reads from {@code in} (not released by the reader); everything this reader inflates comes
   * from one budget of {@link Options#maxInflatedSize()} bytes.
   */
  public TlReader(ByteBuf in, TlRegistry registry, Options options) {
    this(in, registry, options, InflateBudget.of(options.maxInflatedSize()));
  }

  /**
   * Reads from {@code in} (not released by the reader), inflating gzip_packed values from {@code
   * budget}: pass the same budget to every reader that decodes a part of one message.
   */
  public TlReader(ByteBuf in, TlRegistry registry, Options options, InflateBudget budget) {
    this(in, registry, options, budget, 0, false, new Slices());
  }

  private TlReader(ByteBuf in, TlRegistry registry, Options options, InflateBudget budget,
      int depth, boolean inflated, Slices slices) {
    this.in = in;
    this.registry = registry;
    this.options = options;
    this.budget = Objects.requireNonNull(budget, "budget");
    this.depth = depth;
    this.inflated = inflated;
    this.slices = slices;
  }

  /**
   * The zero-copy slices handed out since the outermost read in progress began. A read that fails
   * releases those it took (the object that would have owned them never reaches anyone); once the
   * outermost read succeeds they belong to its result and are forgotten.
   */
  private static final class Slices {
    private final List<TlBytes> taken = new ArrayList<>();
    private int open;

    int enter() {
      open++;
      return taken.size();
    }

    void exit(int mark, boolean succeeded) {
      open--;
      if (!succeeded) {
        for (int i = taken.size() - 1; i >= mark; i--) {
          taken.remove(i).release();
        }
      } else if (open == 0) {
        taken.clear();
      }
    }

    void add(TlBytes slice) {
      if (open > 0) {
        taken.add(slice);
      }
    }
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

  /**
   * The length prefix of the string or bytes just read (1 or 4): a long prefix may carry a length
   * under 254 (not canonical, but TDLib's parser accepts it), and the padding follows the prefix.
   */
  private int lastPrefix;

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
    lastPrefix = prefix;
    return len;
  }

  private void skipPadding(int len) {
    in.skipBytes((4 - ((lastPrefix + len) & 3)) & 3);
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
    TlBytes result = readBytesUntracked();
    if (result.isSlice()) {
      slices.add(result);
    }
    return result;
  }

  /** Reads a TL {@code bytes} that the caller releases itself, whatever happens later. */
  private TlBytes readBytesUntracked() {
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
    int mark = slices.enter();
    boolean succeeded = false;
    try {
      TlObject o = readObjectUnguarded();
      succeeded = true;
      return o;
    } finally {
      slices.exit(mark, succeeded);
    }
  }

  private TlObject readObjectUnguarded() {
    int id = readInt();
    if (id == GZIP_PACKED_ID) {
      return readPacked(in.readerIndex() - 4, TlReader::readObject);
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
    int mark = slices.enter();
    boolean succeeded = false;
    try {
      int start = in.readerIndex();
      TlObject o = readObject();
      if (!type.isInstance(o)) {
        throw new TlDecodeException(
            "expected " + type.getSimpleName() + ", got " + o.tlName(), o.constructorId(), start);
      }
      succeeded = true;
      return type.cast(o);
    } finally {
      slices.exit(mark, succeeded);
    }
  }

  /**
   * Reads a value with {@code body}, inflating it first when it is a gzip_packed (then {@code
   * body} reads the inflated bytes, through a reader sharing this one's budget). For values whose
   * type the caller knows but that may arrive packed, such as the result of an rpc_result, which
   * can be a bare vector that {@link #readObject()} cannot read.
   *
   * <p>Inflated bytes live in a heap buffer released when {@code body} returns; zero-copy {@code
   * bytes} read from it hold their own reference.
   *
   * @throws TlDecodeException if the value does not decode, gzip_packed is not allowed here, the
   *     budget runs out, or the inflated value holds another gzip_packed
   */
  public <T> T readUnpacked(Function<TlReader, T> body) {
    int mark = slices.enter();
    boolean succeeded = false;
    try {
      T value;
      if (in.readableBytes() >= 4 && in.getIntLE(in.readerIndex()) == GZIP_PACKED_ID) {
        int start = in.readerIndex();
        in.skipBytes(4);
        value = readPacked(start, body);
      } else {
        value = body.apply(this);
      }
      succeeded = true;
      return value;
    } finally {
      slices.exit(mark, succeeded);
    }
  }

  /** Reads a gzip_packed whose constructor id (at {@code start}) was just read. */
  private <T> T readPacked(int start, Function<TlReader, T> body) {
    if (!options.allowGzip()) {
      throw new TlDecodeException("gzip_packed is not allowed in this message", GZIP_PACKED_ID, start);
    }
    if (inflated) {
      throw new TlDecodeException("gzip_packed inside gzip_packed", GZIP_PACKED_ID, start);
    }
    if (depth + 1 > options.maxDepth()) {
      throw new TlDecodeException("nesting deeper than " + options.maxDepth(), GZIP_PACKED_ID, start);
    }
    ByteBuf inflatedBody = inflate(readBytesUntracked(), start);
    try {
      return body.apply(new TlReader(inflatedBody, registry, options, budget, depth + 1, true, slices));
    } catch (TlDecodeException e) {
      throw new TlDecodeException("inside gzip_packed: " + e.getMessage(), GZIP_PACKED_ID, start, e);
    } finally {
      inflatedBody.release();
    }
  }

  /**
   * Inflates {@code packed} (released here) within the budget: one gzip member (RFC 1952, CRC32
   * and size checked) or one zlib stream (RFC 1950, Adler-32 checked by the inflater), nothing
   * after it. Inflates with one {@link Inflater} in a loop: no stream classes, no recursion (JDK's
   * GZIPInputStream recurses once per concatenated member).
   *
   * @return a new heap buffer the caller releases
   */
  private ByteBuf inflate(TlBytes packed, int start) {
    Inflater inflater = null;
    try {
      boolean zlib = isZlib(packed);
      ByteBuffer src = packed.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if (!zlib) {
        skipGzipHeader(src, start);
      }
      inflater = new Inflater(!zlib);
      inflater.setInput(src);
      // grows by doubling but never past what the budget still allows: at most about twice the
      // budget is ever allocated, whatever the compression ratio
      long allowed = Math.min(budget.remaining(), Integer.MAX_VALUE - 16);
      byte[] out = new byte[(int) Math.min(allowed, Math.max(64, (long) packed.length() * 4))];
      int size = 0;
      while (!inflater.finished()) {
        if (size == out.length) {
          if (size == allowed) {
            byte[] probe = new byte[1];
            if (inflater.inflate(probe) > 0) {
              budget.take(size + 1, start); // throws: one byte more than remains
            }
            if (inflater.finished()) {
              break; // ends exactly at the budget
            }
            throw corrupt(inflater, start);
          }
          out = Arrays.copyOf(out, (int) Math.min(allowed, Math.max(64, 2L * size)));
        }
        int n = inflater.inflate(out, size, out.length - size);
        if (n == 0 && !inflater.finished()) {
          throw corrupt(inflater, start);
        }
        size += n;
      }
      if (!zlib) {
        checkGzipTrailer(src, out, size, start);
      }
      if (src.hasRemaining()) {
        throw new TlDecodeException("corrupt gzip_packed: " + src.remaining()
            + " bytes after the compressed stream", GZIP_PACKED_ID, start);
      }
      budget.take(size, start);
      return Unpooled.wrappedBuffer(out, 0, size);
    } catch (DataFormatException e) {
      throw new TlDecodeException("corrupt gzip_packed: " + e.getMessage(), GZIP_PACKED_ID, start, e);
    } finally {
      if (inflater != null) {
        inflater.end();
      }
      packed.release();
    }
  }

  private static TlDecodeException corrupt(Inflater inflater, int start) {
    String why = inflater.needsDictionary() ? "needs a preset dictionary" : "truncated compressed stream";
    return new TlDecodeException("corrupt gzip_packed: " + why, GZIP_PACKED_ID, start);
  }

  /** Skips the RFC 1952 member header at the start of {@code src}, checking what it can. */
  private static void skipGzipHeader(ByteBuffer src, int start) {
    int headerStart = src.position();
    if (src.remaining() < 10 || (src.get() & 0xff) != 0x1f || (src.get() & 0xff) != 0x8b
        || src.get() != 8) {
      throw new TlDecodeException("corrupt gzip_packed: not a gzip or zlib stream", GZIP_PACKED_ID, start);
    }
    int flags = src.get() & 0xff;
    if ((flags & 0xe0) != 0) {
      throw new TlDecodeException("corrupt gzip_packed: reserved header flags", GZIP_PACKED_ID, start);
    }
    src.position(src.position() + 6); // mtime, xfl, os
    if ((flags & 4) != 0) { // FEXTRA: a 2-byte length, then that many bytes
      skipHeaderBytes(src, 2, start);
      skipHeaderBytes(src, Short.toUnsignedInt(src.getShort(src.position() - 2)), start);
    }
    for (int field : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
      if ((flags & field) != 0) {
        while (true) {
          if (!src.hasRemaining()) {
            throw new TlDecodeException("corrupt gzip_packed: truncated header", GZIP_PACKED_ID, start);
          }
          if (src.get() == 0) {
            break;
          }
        }
      }
    }
    if ((flags & 2) != 0) { // FHCRC: the low 16 bits of the CRC32 of the header so far
      int headerEnd = src.position();
      skipHeaderBytes(src, 2, start);
      CRC32 crc = new CRC32();
      crc.update(src.duplicate().position(headerStart).limit(headerEnd));
      if ((short) crc.getValue() != src.getShort(headerEnd)) {
        throw new TlDecodeException("corrupt gzip_packed: header CRC mismatch", GZIP_PACKED_ID, start);
      }
    }
  }

  /** Skips {@code n} header bytes. */
  private static void skipHeaderBytes(ByteBuffer src, int n, int start) {
    if (src.remaining() < n) {
      throw new TlDecodeException("corrupt gzip_packed: truncated header", GZIP_PACKED_ID, start);
    }
    src.position(src.position() + n);
  }

  /** Checks the CRC32 and size that follow a gzip member's compressed data. */
  private static void checkGzipTrailer(ByteBuffer src, byte[] out, int size, int start) {
    if (src.remaining() < 8) {
      throw new TlDecodeException("corrupt gzip_packed: truncated trailer", GZIP_PACKED_ID, start);
    }
    CRC32 crc = new CRC32();
    crc.update(out, 0, size);
    int expectedCrc = src.getInt();
    int expectedSize = src.getInt();
    if (expectedCrc != (int) crc.getValue() || expectedSize != size) {
      throw new TlDecodeException("corrupt gzip_packed: CRC or size mismatch", GZIP_PACKED_ID, start);
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
    return readElements(readVectorHeader(4), r -> r.readObject(type));
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
    int mark = slices.enter();
    boolean succeeded = false;
    try {
      Object[] a = new Object[n];
      for (int i = 0; i < n; i++) {
        a[i] = element.apply(this);
      }
      succeeded = true;
      return list(a);
    } finally {
      slices.exit(mark, succeeded);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> list(Object[] a) {
    return (List<T>) Collections.unmodifiableList(Arrays.asList(a));
  }
}
