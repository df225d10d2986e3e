package io.telefetch.examples.tl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlJson;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlWriter;
import java.io.PrintStream;
import java.util.HexFormat;

/**
 * A debugging entry point: hex bytes in, the decoded object as JSON-like text and its re-encoding
 * out. {@code java -cp ... io.telefetch.tl.TlDecodeTool 15c4b51c...}; whitespace and {@code 0x}
 * prefixes in the hex are ignored. The CLI exposes it as {@code telefetch tl decode HEX}.
 */
public final class TlDecodeTool {
  private TlDecodeTool() {}

  /**
   * The outcome of decoding one boxed object.
   *
   * @param json the decoded value as JSON-like text (byte strings in full)
   * @param reencodedHex the value encoded again
   * @param trailingBytes bytes left after the object
   */
  public record Result(String json, String reencodedHex, int trailingBytes) {
    /** Whether re-encoding reproduced the input exactly. */
    public boolean identical(String inputHex) {
      return reencodedHex.equals(normalise(inputHex).substring(0, normalise(inputHex).length() - trailingBytes * 2));
    }
  }

  /** Decodes one boxed object from {@code hex}; throws {@link TlDecodeException} or IllegalArgumentException. */
  public static Result decode(String hex) {
    byte[] bytes = HexFormat.of().parseHex(normalise(hex));
    ByteBuf in = Unpooled.wrappedBuffer(bytes);
    ByteBuf out = Unpooled.buffer();
    try {
      TlObject o = new TlReader(in).readObject();
      o.write(new TlWriter(out));
      return new Result(TlJson.render(o, Integer.MAX_VALUE), HexFormat.of().formatHex(ByteBufUtil.getBytes(out)),
          in.readableBytes());
    } finally {
      in.release();
      out.release();
    }
  }

  static String normalise(String hex) {
    String h = hex.replaceAll("\\s+", "").replace("0x", "").toLowerCase(java.util.Locale.ROOT);
    if (h.length() % 2 != 0) {
      throw new IllegalArgumentException("odd number of hex digits");
    }
    return h;
  }

  public static void main(String[] args) {
    System.exit(run(String.join("", args), System.out, System.err));
  }

  /** Runs the tool; returns the process exit code (0 ok, 1 undecodable, 2 usage). */
  public static int run(String hex, PrintStream out, PrintStream err) {
    if (hex.isBlank()) {
      err.println("usage: TlDecodeTool HEX");
      return 2;
    }
    try {
      Result r = decode(hex);
      out.println(r.json());
      out.println("re-encoded: " + r.reencodedHex() + (r.identical(hex) ? " (identical)" : " (DIFFERS)"));
      if (r.trailingBytes() > 0) {
        out.println("trailing bytes: " + r.trailingBytes());
      }
      return 0;
    } catch (TlDecodeException | IllegalArgumentException e) {
      err.println("cannot decode: " + e.getMessage());
      return 1;
    }
  }
}
