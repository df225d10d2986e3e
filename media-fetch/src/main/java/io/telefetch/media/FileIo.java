package io.telefetch.media;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;

/**
 * How {@link DownloadRequest#toPath} opens the {@code .part} file and writes its state file: {@link
 * #system()} in production; a test can return channels that fail (a full disk) to check that the
 * downloader closes them, removes temporaries and reports the first error.
 */
@FunctionalInterface
public interface FileIo {
  /** Opens {@code path} as {@link FileChannel#open(Path, Set, FileAttribute[])} does; the caller closes it. */
  FileChannel open(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attributes) throws IOException;

  /** The default file system. */
  static FileIo system() {
    return FileChannel::open;
  }
}
