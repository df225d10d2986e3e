package io.telefetch.mtproto.transport;

import io.netty.buffer.ByteBuf;

/** The MTProto transport protocols: how MTProto packets are framed on a byte stream. */
public enum TransportKind {
  /** One byte (length / 4) or {@code 0x7f} plus three bytes; plain tag {@code 0xef}. */
  ABRIDGED(0xefefefef),
  /** A 4-byte little-endian length; plain tag {@code 0xeeeeeeee}. */
  INTERMEDIATE(0xeeeeeeee),
  /** Intermediate with 0..15 random padding bytes per packet; plain tag {@code 0xdddddddd}. */
  PADDED_INTERMEDIATE(0xdddddddd),
  /** {@code len | seq | payload | crc32}; no tag. */
  FULL(0);

  private final int protocolTag;

  TransportKind(int protocolTag) {
    this.protocolTag = protocolTag;
  }

  /**
   * The identifier a client puts at offset 56 of an obfuscated2 header (read little-endian), or 0
   * for {@link #FULL}, which has none.
   */
  int protocolTag() {
    return protocolTag;
  }

  /** How many tag bytes a client sends first on a plain (not obfuscated) connection. */
  int plainTagLength() {
    switch (this) {
      case ABRIDGED:
        return 1;
      case INTERMEDIATE:
      case PADDED_INTERMEDIATE:
        return 4;
      default:
        return 0;
    }
  }

  /** Appends the plain tag to {@code out}; the caller keeps ownership of {@code out}. */
  void writePlainTag(ByteBuf out) {
    switch (this) {
      case ABRIDGED:
        out.writeByte(0xef);
        break;
      case INTERMEDIATE:
      case PADDED_INTERMEDIATE:
        out.writeIntLE(protocolTag);
        break;
      default:
        break;
    }
  }

  /** The kind whose obfuscation identifier is {@code tag}, or null when it is not a known one. */
  static TransportKind fromProtocolTag(int tag) {
    for (TransportKind kind : values()) {
      if (kind != FULL && kind.protocolTag == tag) {
        return kind;
      }
    }
    return null;
  }
}
