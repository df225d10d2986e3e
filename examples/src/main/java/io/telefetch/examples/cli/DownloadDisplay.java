package io.telefetch.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What {@code telefetch download} shows, in one of three modes:
 * <ul>
 *   <li>{@link Mode#LIVE} (standard output is a terminal): one line per file in progress with a
 *       bar, bytes, rate and ETA, plus a total line, redrawn in place five times a second; a
 *       finished file leaves a line {@code <sha256>  <path>} above them.</li>
 *   <li>{@link Mode#PLAIN}: one line per finished file on standard output, {@code <sha256>
 *       <path>} (what {@code sha256sum -c} checks); failures and skips on standard error.</li>
 *   <li>{@link Mode#JSON}: one JSON object a line on standard output for every event: {@code
 *       start}, {@code progress} (at most one a second per file), {@code done}, {@code skipped},
 *       {@code failed} and a final {@code summary}.</li>
 * </ul>
 * Thread-safe: downloads report from their own threads.
 */
final class DownloadDisplay implements AutoCloseable {
  enum Mode { LIVE, PLAIN, JSON }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BAR = 24;

  private final Mode mode;
  private final PrintStream out;
  private final PrintStream err;
  private final Map<Path, Active> active = new LinkedHashMap<>();
  private final ScheduledExecutorService redraw;
  private int drawn;
  private long doneBytes;
  private long totalBytes;
  private long started = System.nanoTime();

  private static final class Active {
    final String name;
    final long total;
    long done;
    double rate;
    long lastJsonNanos;

    Active(String name, long total) {
      this.name = name;
      this.total = total;
    }
  }

  DownloadDisplay(Mode mode, PrintStream out, PrintStream err) {
    this.mode = mode;
    this.out = out;
    this.err = err;
    if (mode == Mode.LIVE) {
      redraw = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "telefetch-display");
        t.setDaemon(true);
        return t;
      });
      redraw.scheduleAtFixedRate(this::draw, 200, 200, TimeUnit.MILLISECONDS);
    } else {
      redraw = null;
    }
  }

  synchronized void started(String link, Path path, long size) {
    active.put(path, new Active(path.getFileName().toString(), size));
    totalBytes += Math.max(0, size);
    if (mode == Mode.JSON) {
      ObjectNode n = event("start", link);
      n.put("path", path.toString());
      n.put("size", size);
      print(n);
    }
  }

  synchronized void progress(String link, Path path, long done, double bytesPerSecond) {
    Active a = active.get(path);
    if (a == null) {
      return;
    }
    a.done = done;
    a.rate = bytesPerSecond;
    if (mode == Mode.JSON) {
      long now = System.nanoTime();
      if (now - a.lastJsonNanos >= 1_000_000_000L) {
        a.lastJsonNanos = now;
        ObjectNode n = event("progress", link);
        n.put("path", path.toString());
        n.put("bytes", done);
        n.put("size", a.total);
        n.put("bytes_per_second", Math.round(bytesPerSecond));
        print(n);
      }
    }
  }

  synchronized void done(String link, Path path, long size, String sha256, boolean resumed) {
    Active a = active.remove(path);
    doneBytes += size;
    if (a != null) {
      totalBytes -= Math.max(0, a.total) - size;
    }
    switch (mode) {
      case JSON -> {
        ObjectNode n = event("done", link);
        n.put("path", path.toString());
        n.put("size", size);
        n.put("sha256", sha256);
        n.put("resumed", resumed);
        print(n);
      }
      case PLAIN -> out.println(sha256 + "  " + path);
      case LIVE -> above(sha256 + "  " + path);
    }
  }

  synchronized void skipped(String link, Path path, long size) {
    switch (mode) {
      case JSON -> {
        ObjectNode n = event("skipped", link);
        n.put("path", path.toString());
        n.put("size", size);
        print(n);
      }
      case PLAIN -> err.println("telefetch download: skipped " + path + ": already there (" + size + " bytes)");
      case LIVE -> above("skipped " + path + " (already there)");
    }
  }

  synchronized void failed(String link, Path path, Throwable error) {
    if (path != null) {
      Active a = active.remove(path);
      if (a != null) {
        totalBytes -= Math.max(0, a.total);
      }
    }
    CliErrors.Problem p = CliErrors.describe(error);
    switch (mode) {
      case JSON -> {
        ObjectNode n = event("failed", link);
        if (path != null) {
          n.put("path", path.toString());
        }
        n.put("error", p.message());
        n.put("hint", p.hint());
        print(n);
      }
      case PLAIN -> err.println("telefetch download: " + link.strip() + ": " + p.message() + " (hint: " + p.hint() + ")");
      case LIVE -> above("failed " + link.strip() + ": " + p.message() + " (hint: " + p.hint() + ")");
    }
  }

  synchronized void summary(int files, int skipped, int failed, boolean interrupted) {
    if (mode == Mode.JSON) {
      ObjectNode n = JSON.createObjectNode();
      n.put("event", "summary");
      n.put("files", files);
      n.put("skipped", skipped);
      n.put("failed", failed);
      n.put("bytes", doneBytes);
      n.put("interrupted", interrupted);
      print(n);
    } else if (mode == Mode.LIVE) {
      draw();
      double secs = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
      above(String.format(Locale.ROOT, "%d file(s), %s in %.1f s (%s/s)%s%s", files, bytes(doneBytes), secs,
          bytes((long) (doneBytes / secs)), skipped > 0 ? ", " + skipped + " skipped" : "",
          failed > 0 ? ", " + failed + " failed" : ""));
    }
    out.flush();
  }

  private ObjectNode event(String name, String link) {
    ObjectNode n = JSON.createObjectNode();
    n.put("event", name);
    n.put("link", link.strip());
    return n;
  }

  private void print(ObjectNode n) {
    out.println(n.toString());
    out.flush();
  }

  /** A permanent line above the live bars (LIVE). */
  private void above(String line) {
    clear();
    out.println(line);
    paint();
  }

  private synchronized void draw() {
    clear();
    paint();
  }

  private void clear() {
    if (drawn > 0) {
      out.print("\033[" + drawn + "A");
      for (int i = 0; i < drawn; i++) {
        out.print("\r\033[2K\n");
      }
      out.print("\033[" + drawn + "A");
      drawn = 0;
    }
  }

  private void paint() {
    if (active.isEmpty()) {
      out.flush();
      return;
    }
    long done = doneBytes;
    double rate = 0;
    for (Active a : active.values()) {
      out.println(line(a.name, a.done, a.total, a.rate));
      done += a.done;
      rate += a.rate;
      drawn++;
    }
    out.println(line("total", done, totalBytes, rate));
    drawn++;
    out.flush();
  }

  static String line(String name, long done, long total, double rate) {
    String shown = name.length() > 28 ? name.substring(0, 27) + "…" : name;
    int filled = total > 0 ? (int) Math.min(BAR, done * BAR / total) : 0;
    String bar = "#".repeat(filled) + "-".repeat(BAR - filled);
    String eta = rate > 0 && total > done ? eta((long) ((total - done) / rate)) : "--:--";
    return String.format(Locale.ROOT, "%-28s [%s] %9s / %-9s %9s/s ETA %s", shown, bar, bytes(done),
        total >= 0 ? bytes(total) : "?", bytes((long) rate), eta);
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double v = n;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  static String eta(long seconds) {
    return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%02d:%02d", seconds / 60, seconds % 60);
  }

  @Override
  public void close() {
    if (redraw != null) {
      redraw.shutdownNow();
    }
  }
}
