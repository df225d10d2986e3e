package io.telefetch.examples.serve;

import java.util.Optional;

/**
 * One satisfiable byte range {@code [first, last]} of a representation of {@code size} bytes, parsed
 * from a {@code Range} header (RFC 9110 section 14.2).
 *
 * <p>Choices: only the {@code bytes} unit; a header that does not parse is ignored (the whole
 * representation, 200, as the RFC allows); several ranges are answered with the whole
 * representation (200) rather than {@code multipart/byteranges}, which players never ask for.
 *
 * @param first the first byte
 * @param last the last byte, inclusive
 */
record ByteRange(long first, long last) {
  /** The outcome of reading a {@code Range} header. */
  sealed interface Result {}

  /** Answer with the whole representation (no header, a malformed one, or several ranges). */
  record Whole() implements Result {}

  /** Answer 206 with this range. */
  record Partial(ByteRange range) implements Result {}

  /** Answer 416: the range lies outside the representation. */
  record Unsatisfiable() implements Result {}

  private static final int MAX_HEADER = 1024;

  long length() {
    return last - first + 1;
  }

  /** Reads {@code header} (may be null) against a representation of {@code size} bytes. */
  static Result parse(String header, long size) {
    if (header == null || header.length() > MAX_HEADER) {
      return new Whole();
    }
    String h = header.strip();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
      return new Whole();
    }
    String spec = h.substring(6).strip();
    if (spec.indexOf(',') >= 0) {
      return new Whole(); // several ranges: the whole file (documented choice)
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return new Whole();
    }
    Optional<Long> a = number(spec.substring(0, dash).strip());
    Optional<Long> b = number(spec.substring(dash + 1).strip());
    boolean hasA = !spec.substring(0, dash).isBlank();
    boolean hasB = !spec.substring(dash + 1).isBlank();
    if ((hasA && a.isEmpty()) || (hasB && b.isEmpty()) || (!hasA && !hasB)) {
      return new Whole();
    }
    if (!hasA) { // suffix: the last n bytes
      long n = b.get();
      if (n == 0 || size == 0) {
        return new Unsatisfiable();
      }
      return new Partial(new ByteRange(Math.max(0, size - n), size - 1));
    }
    long first = a.get();
    if (hasB && b.get() < first) {
      return new Whole(); // invalid: ignored
    }
    if (first >= size) {
      return new Unsatisfiable();
    }
    long last = hasB ? Math.min(b.get(), size - 1) : size - 1;
    return new Partial(new ByteRange(first, last));
  }

  private static Optional<Long> number(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return Optional.empty();
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return Optional.empty();
      }
    }
    return Optional.of(Long.parseLong(s));
  }
}
