package io.telefetch.media.engine;

/**
 * Which {@code upload.getFile} requests a byte range needs: parts of a fixed power-of-two size
 * aligned to that size (so every request obeys Telegram's rules: offset and limit multiples of 4
 * KiB, 1 MiB divisible by the limit, never crossing a 1 MiB boundary), with the bytes before the
 * range in the first part and after it in the last part trimmed away.
 *
 * @param partSize bytes per request, a power of two from 4 KiB to 1 MiB
 * @param start first byte wanted
 * @param end one past the last byte wanted, or -1 when the file size is unknown (read to the end)
 */
public record PartPlan(int partSize, long start, long end) {
  /** The largest part upload.getFile serves. */
  public static final int MAX_PART = 1 << 20;
  /** The smallest part this planner uses. */
  public static final int MIN_PART = 4 << 10;

  public PartPlan {
    if (partSize < MIN_PART || partSize > MAX_PART || Integer.bitCount(partSize) != 1) {
      throw new IllegalArgumentException("part size must be a power of two from 4 KiB to 1 MiB: " + partSize);
    }
    if (start < 0 || (end >= 0 && end < start)) {
      throw new IllegalArgumentException("invalid range [" + start + ", " + end + ")");
    }
  }

  /** A plan for {@code [offset, offset + length)} of a file of {@code size} bytes (-1 if unknown). */
  public static PartPlan of(int partSize, long size, long offset, long length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length");
    }
    if (size >= 0 && offset > size) {
      throw new IllegalArgumentException("offset " + offset + " is past the end of a " + size + "-byte file");
    }
    long end;
    if (length == Long.MAX_VALUE || offset > Long.MAX_VALUE - length) {
      end = size;
    } else {
      end = size >= 0 ? Math.min(size, offset + length) : offset + length;
    }
    return new PartPlan(partSize, offset, end);
  }

  /** Index of the part holding byte {@code start}. */
  public long firstPart() {
    return start / partSize;
  }

  /** Index one past the last part, or -1 if unknown. */
  public long endPart() {
    return end < 0 ? -1 : end == start ? firstPart() : (end - 1) / partSize + 1;
  }

  /** The file offset a part's request starts at. */
  public long offsetOf(long part) {
    return part * partSize;
  }

  /** How many bytes at the head of part {@code part}'s data lie before the range. */
  public int skipOf(long part) {
    long off = offsetOf(part);
    return start > off ? (int) (start - off) : 0;
  }

  /** How many bytes of part {@code part} are wanted at most (before the trim of a short reply). */
  public int wantedOf(long part) {
    long off = offsetOf(part);
    long from = Math.max(off, start);
    long to = end < 0 ? off + partSize : Math.min(off + partSize, end);
    return (int) Math.max(0, to - from);
  }

  /** The number of bytes the range holds, or -1 if unknown. */
  public long length() {
    return end < 0 ? -1 : end - start;
  }
}
