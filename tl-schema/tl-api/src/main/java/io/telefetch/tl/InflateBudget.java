package io.telefetch.tl;

/**
 * How many bytes the gzip_packed values of one message may still inflate to, all together.
 *
 * <p>A peer chooses how many gzip_packed values a message holds (siblings in a vector or a
 * msg_container, the result of an rpc_result...), so a cap per value bounds nothing: one budget is
 * shared by every {@link TlReader} that decodes parts of the same message, and each inflated byte
 * is taken from it. Once it is spent, decoding fails with {@link TlDecodeException}. Not
 * thread-safe: one message is decoded on one thread.
 */
public final class InflateBudget {
  private final long limit;
  private long used;

  private InflateBudget(long limit) {
    this.limit = limit;
  }

  /** A budget of {@code bytes} inflated bytes (at least 0). */
  public static InflateBudget of(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative inflate budget: " + bytes);
    }
    return new InflateBudget(bytes);
  }

  /** The bytes this budget started with. */
  public long limit() {
    return limit;
  }

  /** The bytes inflated so far. */
  public long used() {
    return used;
  }

  /** The bytes that may still be inflated. */
  public long remaining() {
    return limit - used;
  }

  /**
   * Takes {@code n} inflated bytes.
   *
   * @throws TlDecodeException if fewer than {@code n} remain (nothing is taken then)
   */
  void take(int n, int offset) {
    if (n > remaining()) {
      throw new TlDecodeException("gzip_packed inflates past " + limit + " bytes (the budget of one message)",
          TlReader.GZIP_PACKED_ID, offset);
    }
    used += n;
  }

  @Override
  public String toString() {
    return "InflateBudget[" + used + "/" + limit + "]";
  }
}
