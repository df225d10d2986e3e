package io.telefetch.tl.codegen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Locates the tl-codegen module directory whatever the working directory of the test run. */
final class ModuleDir {
  private static final String MARKER = "src/main/java/io/telefetch/tl/codegen/TlParser.java";

  private ModuleDir() {}

  /**
   * The module basedir: surefire's {@code basedir} property or the working directory (both the
   * module when run by Maven), or {@code tl-schema/tl-codegen} below the working directory (an IDE
   * running from the reactor root).
   */
  static Path get() {
    List<Path> candidates = new ArrayList<>();
    String basedir = System.getProperty("basedir");
    if (basedir != null) {
      candidates.add(Path.of(basedir));
    }
    Path cwd = Path.of("").toAbsolutePath();
    candidates.add(cwd);
    candidates.add(cwd.resolve("tl-schema/tl-codegen"));
    candidates.add(cwd.resolve("tl-codegen"));
    for (Path p : candidates) {
      if (Files.isRegularFile(p.resolve(MARKER))) {
        return p.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("cannot find the tl-codegen module from " + candidates);
  }

  /** A file of the sibling tl-api module's schema directory, e.g. {@code api.tl}. */
  static Path apiSchema(String fileName) {
    Path p = get().resolve("../tl-api/src/main/tl").resolve(fileName).normalize();
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("schema not found: " + p);
    }
    return p;
  }
}
