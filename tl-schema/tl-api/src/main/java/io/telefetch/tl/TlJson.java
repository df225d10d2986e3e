package io.telefetch.tl;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Renders TL values as JSON-like text: objects as {@code {"_": "name", field: value}}, byte strings
 * as hex (long ones shortened), lists as arrays. Used by {@code toString()} of every generated type
 * and by the decode tool.
 */
public final class TlJson {
  private final StringBuilder sb;
  private final int maxBytes;
  private final java.util.function.@Nullable Consumer<TlBytes> bytesVisitor;

  private TlJson(StringBuilder sb, int maxBytes, java.util.function.@Nullable Consumer<TlBytes> bytesVisitor) {
    this.sb = sb;
    this.maxBytes = maxBytes;
    this.bytesVisitor = bytesVisitor;
  }

  /** Calls {@code visitor} for every byte string inside {@code o}, however deeply nested. */
  static void forEachBytes(TlObject o, java.util.function.Consumer<TlBytes> visitor) {
    new TlJson(new StringBuilder(), 0, visitor).value(o);
  }

  /** Renders {@code o}, shortening byte strings longer than 64 bytes. */
  public static String toString(TlObject o) {
    return render(o, 64);
  }

  /** Renders {@code o}, shortening byte strings longer than {@code maxBytes}. */
  public static String render(Object o, int maxBytes) {
    TlJson j = new TlJson(new StringBuilder(), maxBytes, null);
    j.value(o);
    return j.sb.toString();
  }

  /** Starts an object of constructor {@code name}. */
  public TlJson begin(String name) {
    sb.append("{\"_\":\"").append(name).append('"');
    return this;
  }

  /** Adds a field. */
  public TlJson field(String name, @Nullable Object value) {
    sb.append(",\"").append(name).append("\":");
    value(value);
    return this;
  }

  /** Adds a field, omitted when {@code value} is null (absent optional field). */
  public TlJson optional(String name, @Nullable Object value) {
    return value == null ? this : field(name, value);
  }

  /** Ends the current object. */
  public TlJson end() {
    sb.append('}');
    return this;
  }

  private void value(@Nullable Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof TlObject o) {
      o.appendJson(this);
    } else if (v instanceof String s) {
      quote(s);
    } else if (v instanceof TlBytes b) {
      if (bytesVisitor != null) {
        bytesVisitor.accept(b);
      } else {
        bytes(b);
      }
    } else if (v instanceof List<?> l) {
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        value(l.get(i));
      }
      sb.append(']');
    } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
      quote(d.toString());
    } else {
      sb.append(v);
    }
  }

  private void bytes(TlBytes b) {
    if (b.length() <= maxBytes) {
      sb.append('"').append(b.toHex()).append('"');
      return;
    }
    byte[] head = new byte[Math.min(16, b.length())];
    b.asReadOnlyByteBuffer().get(head);
    sb.append("\"").append(java.util.HexFormat.of().formatHex(head)).append("...(")
        .append(b.length()).append(" bytes)\"");
  }

  private void quote(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
