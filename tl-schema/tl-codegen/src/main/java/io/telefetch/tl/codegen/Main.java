package io.telefetch.tl.codegen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Command-line entry point run by the build: {@code Main --out DIR [--samples] [--module-info
 * TEMPLATE] SCHEMA.tl=package.name:SchemaClass ...}. With {@code --samples} the random-instance
 * classes ({@code <Name>Samples}, see {@link JavaGenerator#generateSamples()}) are written to {@code
 * DIR} too. With {@code --module-info} a {@code module-info.java} is written to {@code DIR} from
 * {@code TEMPLATE}, exporting every package generated from the schemas (see {@link
 * JavaGenerator#moduleInfo}). Writes only files whose content changed.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the generator.
   *
   * @param args the command line, see the class comment
   * @throws IOException if a schema cannot be read or a file cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path out = null;
    Path moduleTemplate = null;
    java.util.SortedSet<String> packages = new java.util.TreeSet<>();
    boolean samples = false;
    String docBase = "https://core.telegram.org";
    int i = 0;
    int generated = 0;
    for (; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--samples" -> samples = true;
        case "--doc-base" -> docBase = args[++i];
        case "--module-info" -> moduleTemplate = Path.of(args[++i]);
        default -> {
          if (out == null) {
            throw new IllegalArgumentException("--out must come before the schemas");
          }
          String[] spec = args[i].split("[=:]");
          if (spec.length != 3) {
            throw new IllegalArgumentException("expected FILE.tl=package:SchemaClass, got " + args[i]);
          }
          Path file = Path.of(spec[0]);
          TlSchema schema = TlParser.parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
          JavaGenerator gen = new JavaGenerator(schema, spec[1], spec[2], file.getFileName().toString(), docBase);
          Map<String, String> files = gen.generate();
          packages.addAll(JavaGenerator.packages(files));
          generated += write(out, files);
          if (samples) {
            generated += write(out, gen.generateSamples());
          }
        }
      }
    }
    if (moduleTemplate != null) {
      if (out == null || packages.isEmpty()) {
        throw new IllegalArgumentException("--module-info needs --out and at least one schema");
      }
      String template = Files.readString(moduleTemplate, StandardCharsets.UTF_8);
      generated += write(out, Map.of("module-info.java", JavaGenerator.moduleInfo(template, packages)));
    }
    System.out.println("tl-codegen: " + generated + " files written");
  }

  private static int write(Path root, Map<String, String> files) throws IOException {
    int n = 0;
    for (Map.Entry<String, String> e : files.entrySet()) {
      Path p = root.resolve(e.getKey());
      if (Files.exists(p) && Files.readString(p, StandardCharsets.UTF_8).equals(e.getValue())) {
        continue;
      }
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
      n++;
    }
    return n;
  }
}
