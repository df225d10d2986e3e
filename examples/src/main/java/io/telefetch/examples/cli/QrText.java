package io.telefetch.examples.cli;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.util.Map;

/**
 * Draws a QR code as text (zxing encodes it): two modules a character with the half blocks
 * {@code ▀ ▄ █}, a quiet zone of 2 modules. Light modules are drawn, dark ones are blank, so the
 * code reads right on a terminal with a dark background (the usual one) — the characters are the
 * light paper, the background the dark ink.
 */
public final class QrText {
  /** Modules of quiet zone around the code. */
  public static final int QUIET = 2;

  private QrText() {}

  /** The lines of the drawing of {@code text} (error correction level L: the smallest code). */
  public static String render(String text) {
    ByteMatrix m;
    try {
      m = Encoder.encode(text, ErrorCorrectionLevel.L, Map.of(EncodeHintType.CHARACTER_SET, "UTF-8")).getMatrix();
    } catch (WriterException e) {
      throw new IllegalArgumentException("cannot encode " + text.length() + " characters as a QR code", e);
    }
    int size = m.getWidth() + 2 * QUIET;
    StringBuilder out = new StringBuilder();
    for (int y = 0; y < size; y += 2) {
      for (int x = 0; x < size; x++) {
        boolean top = light(m, x - QUIET, y - QUIET);
        boolean bottom = y + 1 >= size || light(m, x - QUIET, y + 1 - QUIET);
        out.append(top ? (bottom ? '█' : '▀') : (bottom ? '▄' : ' '));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static boolean light(ByteMatrix m, int x, int y) {
    return x < 0 || y < 0 || x >= m.getWidth() || y >= m.getHeight() || m.get(x, y) != 1;
  }
}
