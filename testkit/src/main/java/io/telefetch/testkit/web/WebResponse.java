package io.telefetch.testkit.web;

import io.telefetch.testkit.world.FileContent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the server answers to one request: status, content type, extra headers and a body that is
 * either bytes or a range of a {@link FileContent} streamed without buffering it whole.
 */
record WebResponse(int status, String contentType, Map<String, String> headers, Body body) {
  static final String HTML = "text/html; charset=utf-8";

  /** A response body of known length. */
  interface Body {
    long length();

    void writeTo(OutputStream out) throws IOException;
  }

  static WebResponse html(int status, String html) {
    return new WebResponse(status, HTML, Map.of(), bytes(html.getBytes(StandardCharsets.UTF_8)));
  }

  static WebResponse redirect(int status, String location) {
    String html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Moved</title></head><body>"
        + "<a href=\"" + Html.esc(location) + "\">" + Html.esc(location) + "</a></body></html>\n";
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Location", location);
    return new WebResponse(status, HTML, headers, bytes(html.getBytes(StandardCharsets.UTF_8)));
  }

  static Body bytes(byte[] bytes) {
    return new Body() {
      @Override
      public long length() {
        return bytes.length;
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
      }
    };
  }

  /** {@code length} bytes of {@code content} from {@code offset}, read in 64 KiB pieces. */
  static Body content(FileContent content, long offset, long length) {
    return new Body() {
      @Override
      public long length() {
        return length;
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        byte[] buffer = new byte[(int) Math.min(64 * 1024, Math.max(1, length))];
        for (long at = offset, end = offset + length; at < end; ) {
          int n = (int) Math.min(buffer.length, end - at);
          content.read(at, buffer, 0, n);
          out.write(buffer, 0, n);
          at += n;
        }
      }
    };
  }
}
