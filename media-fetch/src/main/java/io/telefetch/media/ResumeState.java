package io.telefetch.media;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The small state file next to a {@code .part} download: which file and range it belongs to, the
 * part size, and how many bytes of the range are on disk. Written atomically (temp + rename).
 */
final class ResumeState {
  private static final String VERSION = "1";
  private final String identity;
  private final int partSize;
  private final long offset;
  private final long length;
  private volatile long committed;

  private ResumeState(String identity, int partSize, long offset, long length, long committed) {
    this.identity = identity;
    this.partSize = partSize;
    this.offset = offset;
    this.length = length;
    this.committed = committed;
  }

  /** The bytes of the range already on disk, aligned down to a part boundary. */
  long committed() {
    return committed;
  }

  void commit(long bytes) {
    committed = bytes;
  }

  /**
   * Loads the state for this download if it matches (same file, part size and range) and the
   * .part file holds what it says; otherwise a fresh state.
   */
  static ResumeState load(Path statePath, Path part, MediaFile file, int partSize, long offset, long length)
      throws IOException {
    ResumeState fresh = new ResumeState(file.identity(), partSize, offset, length, 0);
    if (!Files.exists(statePath) || !Files.exists(part)) {
      return fresh;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(statePath, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      return fresh; // unreadable state: start over
    }
    try {
      if (!VERSION.equals(p.getProperty("version")) || !fresh.identity.equals(p.getProperty("file"))
          || partSize != Integer.parseInt(p.getProperty("partSize")) || offset != Long.parseLong(p.getProperty("offset"))
          || length != Long.parseLong(p.getProperty("length"))) {
        return fresh;
      }
      long committed = Math.min(Long.parseLong(p.getProperty("committed")), Files.size(part));
      // parts are written whole and in order; never trust a partial tail
      long aligned = (offset + committed) / partSize * partSize - offset;
      return new ResumeState(fresh.identity, partSize, offset, length, Math.max(0, aligned));
    } catch (RuntimeException e) {
      return fresh;
    }
  }

  void save(Path statePath) throws IOException {
    Properties p = new Properties();
    p.setProperty("version", VERSION);
    p.setProperty("file", identity);
    p.setProperty("partSize", Integer.toString(partSize));
    p.setProperty("offset", Long.toString(offset));
    p.setProperty("length", Long.toString(length));
    p.setProperty("committed", Long.toString(committed));
    Path tmp = statePath.resolveSibling(statePath.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, "telefetch download state");
    }
    Files.move(tmp, statePath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
