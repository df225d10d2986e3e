package io.telefetch.examples.ffmpeg;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the {@code ffmpeg} (and, when known, {@code ffprobe}) executables are: a configured system
 * binary ({@code --ffmpeg PATH}, else the environment variable {@value #ENV}), else the build
 * bundled in the {@code org.bytedeco:ffmpeg} platform jar, which JavaCPP's {@code Loader} extracts
 * into its cache on first use. Nothing is run here; {@link Remuxer} runs it.
 */
public final class Ffmpeg {
  /** The environment variable naming a system {@code ffmpeg}. */
  public static final String ENV = "TELEFETCH_FFMPEG";

  private final Path executable;
  private final Path ffprobe;
  private final String origin;
  private final boolean bundledBuild;

  private Ffmpeg(Path executable, Path ffprobe, String origin) {
    this.executable = executable;
    this.ffprobe = ffprobe;
    this.origin = origin;
    this.bundledBuild = origin.equals("bundled");
  }

  /**
   * {@code configured} when not null, else {@value #ENV} when set and not blank, else the bundled
   * build.
   *
   * @throws FfmpegException ({@link FfmpegException.Reason#UNAVAILABLE}) when that one is missing
   */
  public static Ffmpeg locate(Path configured) {
    return locate(configured, System.getenv());
  }

  static Ffmpeg locate(Path configured, Map<String, String> env) {
    if (configured != null) {
      return system(configured);
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return system(Path.of(fromEnv.strip()));
    }
    return bundled();
  }

  /**
   * A system binary at {@code path} (an {@code ffprobe} next to it is used when present).
   *
   * @throws FfmpegException ({@link FfmpegException.Reason#UNAVAILABLE}) when it is not an
   *     executable regular file
   */
  public static Ffmpeg system(Path path) {
    Objects.requireNonNull(path, "path");
    if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
      throw new FfmpegException(FfmpegException.Reason.UNAVAILABLE,
          "FFmpeg not found: " + path + " is not an executable file");
    }
    Path dir = path.toAbsolutePath().getParent();
    Path probe = dir == null ? null : dir.resolve("ffprobe");
    return new Ffmpeg(path, probe != null && Files.isExecutable(probe) ? probe : null, "system");
  }

  /**
   * The build bundled in the {@code org.bytedeco:ffmpeg} jar for this platform (Linux x86-64 in the
   * telefetch jar), extracted by JavaCPP.
   *
   * @throws FfmpegException ({@link FfmpegException.Reason#UNAVAILABLE}) when there is none for this
   *     platform or it cannot be extracted
   */
  public static Ffmpeg bundled() {
    Path ff = extract(org.bytedeco.ffmpeg.ffmpeg.class, "ffmpeg");
    Path probe;
    try {
      probe = extract(org.bytedeco.ffmpeg.ffprobe.class, "ffprobe");
    } catch (FfmpegException e) {
      probe = null;
    }
    return new Ffmpeg(ff, probe, "bundled");
  }

  private static Path extract(Class<?> program, String name) {
    String path;
    try {
      path = org.bytedeco.javacpp.Loader.load(program);
    } catch (RuntimeException | LinkageError e) {
      throw new FfmpegException(FfmpegException.Reason.UNAVAILABLE, "the bundled " + name
          + " is not available on this platform (" + e.getMessage() + "): install FFmpeg and pass --ffmpeg PATH",
          "", e);
    }
    if (path == null || !Files.isExecutable(Path.of(path))) {
      throw new FfmpegException(FfmpegException.Reason.UNAVAILABLE,
          "the bundled " + name + " could not be extracted: install FFmpeg and pass --ffmpeg PATH");
    }
    return Path.of(path);
  }

  /** The {@code ffmpeg} executable. */
  public Path executable() {
    return executable;
  }

  /** The {@code ffprobe} executable, when known (always for the bundled build). */
  public Optional<Path> ffprobe() {
    return Optional.ofNullable(ffprobe);
  }

  /**
   * A process builder for {@code program} ({@link #executable()} or {@link #ffprobe()}) with {@code
   * args}. For the bundled build the library directory is put first on {@code LD_LIBRARY_PATH}: the
   * executables find FFmpeg's own libraries through their RUNPATH, but those libraries' own
   * dependencies (libva, libdrm) are found only that way.
   */
  public ProcessBuilder command(Path program, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(program.toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Path dir = program.toAbsolutePath().getParent();
    if (bundledBuild && dir != null) {
      String old = pb.environment().get("LD_LIBRARY_PATH");
      pb.environment().put("LD_LIBRARY_PATH", dir + (old == null || old.isEmpty() ? "" : ":" + old));
    }
    return pb;
  }

  /** Starts a {@link Remuxer} writing {@code format} to {@code out}; see {@link Remuxer#start}. */
  public Remuxer remux(RemuxFormat format, OutputStream out) {
    return Remuxer.start(this, format, out);
  }

  @Override
  public String toString() {
    return "Ffmpeg[" + origin + " " + executable + "]";
  }
}
