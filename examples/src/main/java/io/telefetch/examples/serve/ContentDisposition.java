package io.telefetch.examples.serve;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** {@code Content-Disposition} values with an RFC 6266 / RFC 8187 {@code filename*}. */
final class ContentDisposition {
  private static final String ATTR_CHAR = "!#$&+-.^_`|~";

  private ContentDisposition() {}

  /** {@code attachment} or {@code inline}, with an ASCII fallback {@code filename} and the UTF-8 {@code filename*}. */
  static String of(boolean attachment, @Nullable String name) {
    String type = attachment ? "attachment" : "inline";
    if (name == null || name.isBlank()) {
      return type;
    }
    StringBuilder ascii = new StringBuilder();
    for (int i = 0; i < name.length() && ascii.length() < 200; i++) {
      char c = name.charAt(i);
      ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/' ? c : '_');
    }
    return type + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encode(name);
  }

  /** RFC 8187 attr-char percent-encoding of the UTF-8 bytes. */
  static String encode(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ATTR_CHAR.indexOf(c) >= 0) {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return b.toString();
  }
}
