package io.telefetch.mtproto.transport;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;

/** Immutable limits and the randomness source shared by the framing codecs of one connection. */
public final class TransportOptions {

  /**
   * The default largest accepted packet: 16 MiB plus 64 KiB of headroom, well above a 1 MiB file
   * part with its MTProto envelope.
   */
  public static final int DEFAULT_MAX_FRAME_SIZE = (16 << 20) + (64 << 10);

  /** The largest value {@link Builder#maxFrameSize(int)} accepts (what abridged can express). */
  public static final int MAX_FRAME_SIZE_LIMIT = ((1 << 24) - 1) * 4;

  private static final TransportOptions DEFAULTS = new Builder().build();

  private final int maxFrameSize;
  private final SecureRandom random;
  private final Clock clock;

  private TransportOptions(Builder builder) {
    this.maxFrameSize = builder.maxFrameSize;
    this.random = builder.random != null ? builder.random : new SecureRandom();
    this.clock = builder.clock;
  }

  /** The defaults: {@link #DEFAULT_MAX_FRAME_SIZE} and a fresh {@link SecureRandom}. */
  public static TransportOptions defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.maxFrameSize = maxFrameSize;
    b.random = random;
    b.clock = clock;
    return b;
  }

  /** The largest packet (MTProto payload, padding included) accepted or sent, in bytes. */
  public int maxFrameSize() {
    return maxFrameSize;
  }

  /** The source of padding bytes and obfuscation headers. */
  public SecureRandom random() {
    return random;
  }

  /** The time fake-TLS handshakes carry and check. */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "TransportOptions[maxFrameSize=" + maxFrameSize + "]";
  }

  /** Builds {@link TransportOptions}. */
  public static final class Builder {
    private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
    private SecureRandom random;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The largest accepted packet, between 16 and {@link #MAX_FRAME_SIZE_LIMIT} bytes. */
    public Builder maxFrameSize(int maxFrameSize) {
      if (maxFrameSize < 16 || maxFrameSize > MAX_FRAME_SIZE_LIMIT) {
        throw new IllegalArgumentException("maxFrameSize out of range: " + maxFrameSize);
      }
      this.maxFrameSize = maxFrameSize;
      return this;
    }

    /** The randomness source (inject a deterministic one in tests). */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** The clock of fake-TLS handshake times (inject a fixed one in tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The options. */
    public TransportOptions build() {
      return new TransportOptions(this);
    }
  }
}
