package io.telefetch.tl.codegen;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The CRC32 cross-check of a declared constructor id: the CRC32 of the normalised declaration.
 *
 * <p>Normalisation: the declaration without id and semicolon, {@code bytes} written as {@code
 * string}, {@code <} as a space and {@code >} dropped, braces dropped, {@code flags.N?true} fields
 * dropped. Generic functions reproduce their ids too ({@code {X:Type}} becomes {@code X:Type}).
 */
public final class TlCrc {
  private TlCrc() {}

  public static String normalise(TlSchema.Combinator c) {
    String s = c.canonicalWithoutId();
    s = s.replaceAll(" \\w+:\\w+\\.\\d+\\?true", "");
    s = s.replace(":bytes ", ":string ").replace("?bytes ", "?string ")
        .replace("<", " ").replace(">", "").replace("{", "").replace("}", "");
    return s.replaceAll(" +", " ").trim();
  }

  public static int crc(TlSchema.Combinator c) {
    CRC32 crc = new CRC32();
    crc.update(normalise(c).getBytes(StandardCharsets.US_ASCII));
    return (int) crc.getValue();
  }
}
