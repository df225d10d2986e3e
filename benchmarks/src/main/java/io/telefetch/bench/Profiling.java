package io.telefetch.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import one.profiler.AsyncProfiler;

/**
 * async-profiler (its native library ships in the {@code tools.profiler:async-profiler} jar) around
 * one timed download, so that start-up, the key exchange and the warm-up stay out of the profile:
 * collapsed stacks to a file (for a flame graph) and the top frames, self and by thread group,
 * printed. {@link #NONE} does nothing.
 */
final class Profiling {
  static final Profiling NONE = new Profiling(null, null, null);
  private static final PrintStream OUT = System.out;

  private final AsyncProfiler profiler;
  private final String event;
  private final Path out;

  private Profiling(AsyncProfiler profiler, String event, Path out) {
    this.profiler = profiler;
    this.event = event;
    this.out = out;
  }

  /** Starts profiling {@code event} (cpu, itimer, wall, alloc), or returns {@link #NONE} for "none" or on failure. */
  static Profiling start(String event, String prefix, String run) {
    if (event.equals("none")) {
      return NONE;
    }
    try {
      AsyncProfiler p = AsyncProfiler.getInstance();
      String options = switch (event) {
        case "alloc" -> "start,event=alloc,alloc=512k";
        case "wall" -> "start,event=wall,interval=5ms,threads";
        default -> "start,event=" + event + ",interval=1ms,threads";
      };
      p.execute(options);
      return new Profiling(p, event, Paths.get(prefix + "-" + run + "-" + event + ".collapsed"));
    } catch (Exception | LinkageError e) {
      OUT.printf(Locale.ROOT, "[profile] async-profiler unavailable (%s): not profiling%n", e);
      return NONE;
    }
  }

  /** Stops, writes the collapsed stacks and prints a summary. */
  void stop() {
    if (profiler == null) {
      return;
    }
    try {
      profiler.execute("stop");
      String collapsed = profiler.execute("collapsed");
      Files.writeString(out, collapsed, StandardCharsets.UTF_8);
      summarize(collapsed);
    } catch (IOException | RuntimeException e) {
      OUT.printf(Locale.ROOT, "[profile] failed: %s%n", e);
    }
  }

  private void summarize(String collapsed) {
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> groups = new HashMap<>();
    long total = 0;
    for (String line : collapsed.split("\n")) {
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      long n = Long.parseLong(line.substring(space + 1).trim());
      String[] frames = line.substring(0, space).split(";");
      total += n;
      self.merge(frames[frames.length - 1], n, Long::sum);
      if (!event.equals("alloc")) {
        groups.merge(frames[0].replaceAll("[-#]?\\d+", "-N").replaceAll("tid=-N", ""), n, Long::sum);
      }
    }
    OUT.printf(Locale.ROOT, "[profile] %s: %d %s in the timed download, collapsed stacks in %s%n", event, total,
        event.equals("alloc") ? "bytes sampled" : "samples", out.toAbsolutePath());
    print(event.equals("alloc") ? "allocated types" : "self frames", self, total, 25);
    if (!groups.isEmpty()) {
      print("threads", groups, total, 10);
    }
  }

  private static void print(String title, Map<String, Long> counts, long total, int limit) {
    List<Map.Entry<String, Long>> top = new ArrayList<>(counts.entrySet());
    top.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
    OUT.printf(Locale.ROOT, "  top %s:%n", title);
    for (int i = 0; i < Math.min(limit, top.size()); i++) {
      String name = top.get(i).getKey();
      OUT.printf(Locale.ROOT, "    %5.1f %%  %s%n", 100.0 * top.get(i).getValue() / total,
          name.length() > 120 ? name.substring(0, 120) : name);
    }
  }
}
