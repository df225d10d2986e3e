package io.telefetch.testkit.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Escaping and formatting helpers for the pages: every string that comes from the world goes through {@link #esc}. */
final class Html {
  private static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Html() {}

  /** Escapes text for element content and for double- or single-quoted attribute values. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (r != null) {
        if (out == null) {
          out = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        out.append(r);
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? s : out.toString();
  }

  /** Escapes message text, turning newlines into {@code <br/>} as t.me does. */
  static String text(String s) {
    return esc(s).replace("\r\n", "\n").replace("\n", "<br/>");
  }

  /** Percent-encodes one URL path segment (spaces as {@code %20}). */
  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Unix seconds as {@code 2024-01-31T12:00:00+00:00}. */
  static String datetime(int unixSeconds) {
    return DATETIME.format(Instant.ofEpochSecond(unixSeconds));
  }

  /** Unix seconds as {@code 12:00} (UTC). */
  static String time(int unixSeconds) {
    return TIME.format(Instant.ofEpochSecond(unixSeconds));
  }

  /** A view counter as t.me prints it: 999, 1.2K, 3.4M. */
  static String count(long n) {
    if (n < 1000) {
      return Long.toString(n);
    }
    if (n < 1_000_000) {
      return trim(n / 1000.0) + "K";
    }
    return trim(n / 1_000_000.0) + "M";
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.1f", Math.floor(v * 10) / 10);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  /** A file size as t.me prints it under a document: 512 B, 1.5 KB, 64.0 MB, 1.0 GB (1024-based). */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** A duration as {@code m:ss} or {@code h:mm:ss}. */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    long h = s / 3600;
    long m = (s % 3600) / 60;
    long sec = s % 60;
    return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
  }
}
