package io.telefetch.mtproto.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SessionStore#file(Path)}: the binary session format in one file, replaced atomically
 * (write a temporary file in the same directory with permissions 600, fsync it, rename it over the
 * old file, fsync the directory).
 */
final class FileSessionStore implements SessionStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileSessionStore.class);
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final Path path;

  FileSessionStore(Path path) {
    this.path = Objects.requireNonNull(path, "path").toAbsolutePath();
  }

  @Override
  public synchronized Optional<SessionData> load() {
    byte[] data;
    try {
      data = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new SessionStoreException(SessionStoreException.Kind.IO, "cannot read " + path + ": " + e, e);
    }
    if (posix()) {
      try {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
        if (!OWNER_ONLY.containsAll(perms)) {
          LOG.warn("session file {} is readable by others ({}); it holds login keys", path,
              PosixFilePermissions.toString(perms));
        }
      } catch (IOException e) {
        LOG.debug("cannot read the permissions of {}", path, e);
      }
    }
    return Optional.of(SessionCodec.decode(data, path.toString()));
  }

  @Override
  public synchronized void save(SessionData session) {
    byte[] data = SessionCodec.encode(session);
    Path dir = path.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      FileAttribute<?>[] attrs = posix()
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
          : new FileAttribute<?>[0];
      tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp", attrs);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
      syncDirectory(dir);
    } catch (IOException e) {
      throw new SessionStoreException(SessionStoreException.Kind.IO, "cannot write " + path + ": " + e, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          LOG.debug("cannot delete {}", tmp, e);
        }
      }
    }
  }

  private boolean posix() {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Makes the rename durable; not every platform can open a directory, which is fine. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.trace("cannot fsync {}", dir, e);
    }
  }

  @Override
  public String toString() {
    return "SessionStore[" + path + "]";
  }
}
