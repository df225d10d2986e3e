package io.telefetch.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of this JVM's own threads that {@link java.lang.management.ThreadMXBean} does not show
 * (the JIT compilers, the garbage collector), from {@code /proc/self/task/TID/stat} on Linux: the
 * threads alive now, so a compiler thread that ended meanwhile is missing. An empty map elsewhere.
 */
final class VmThreads {
  static final String JIT = "jit";
  static final String GC = "gc";
  private static final double TICKS = 100; // USER_HZ

  private VmThreads() {}

  /** Seconds of user + system CPU per group ({@link #JIT}, {@link #GC}) of the threads alive now. */
  static Map<String, Double> cpuSeconds() {
    Map<String, Double> groups = new HashMap<>();
    Path tasks = Paths.get("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return groups;
    }
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
      for (Path task : dir) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String name = stat.substring(open + 1, close);
          String group = name.contains("CompilerThre") ? JIT
              : name.startsWith("GC Thread") || name.startsWith("G1 ") ? GC : null;
          if (group == null) {
            continue;
          }
          String[] f = stat.substring(close + 2).trim().split("\\s+");
          double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS; // utime, stime
          groups.merge(group, seconds, Double::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended while we looked
        }
      }
    } catch (IOException e) {
      return new HashMap<>();
    }
    groups.putIfAbsent(JIT, 0.0);
    groups.putIfAbsent(GC, 0.0);
    return groups;
  }
}
