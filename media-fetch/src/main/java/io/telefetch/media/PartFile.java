package io.telefetch.media;

import io.telefetch.media.DownloadIOException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The files of one download to a path: {@code path.part} (the bytes), {@code path.part.state} (a
 * {@link ResumeState}) and its temporary {@code path.part.state.tmp}. No link is ever followed:
 * each of them and the destination must be absent or a regular file ({@link DownloadIOException}
 * of kind LINK or NOT_A_REGULAR_FILE otherwise, and nothing is written); an existing partial or
 * state file must belong to this user (NOT_OWNED otherwise); the partial and state files are
 * created owner-only (mode 600 where the file system is POSIX), atomically with the file.
 * Every failure is a {@link DownloadIOException} naming the file, with the first error as its
 * cause and cleanup errors suppressed; the channel is always closed and the temporary removed.
 *
 * <p>Not thread-safe: the download writes through it from one sink at a time.
 */
final class PartFile implements AutoCloseable {
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  /** A state file larger than this is not ours (4 GiB in 128 KiB parts is under 2 MiB). */
  private static final long MAX_STATE_BYTES = 16L << 20;

  final Path target;
  final Path part;
  final Path statePath;
  final Path tmpPath;
  private final FileIo io;
  private FileChannel channel;
  private boolean existed;
  /** Heap bytes go to the file through this (allocated at the first heap write; {@value #STAGING} bytes). */
  private ByteBuffer staging;
  static final int STAGING = 256 * 1024;

  private PartFile(Path target, FileIo io) {
    this.target = target;
    this.part = target.resolveSibling(target.getFileName() + ".part");
    this.statePath = target.resolveSibling(target.getFileName() + ".part.state");
    this.tmpPath = target.resolveSibling(target.getFileName() + ".part.state.tmp");
    this.io = io;
  }

  /**
   * Checks the destination and the state file, loads the state if it belongs to this download and
   * opens (or creates) the partial file.
   */
  static PartFile open(Path target, FileIo io) throws DownloadIOException {
    PartFile f = new PartFile(target, io);
    requireRegularOrAbsent(target);
    requireRegularOrAbsent(f.statePath);
    requireRegularOrAbsent(f.part);
    requireOwnedOrAbsent(f.part);
    requireOwnedOrAbsent(f.statePath);
    f.existed = Files.exists(f.part, LinkOption.NOFOLLOW_LINKS);
    f.channel = f.openPart();
    return f;
  }

  /** Whether the partial file existed before {@link #open} (a resume). */
  boolean existed() {
    return existed;
  }

  /** The state on disk if it belongs to this download and the partial file exists, else {@code fresh}. */
  ResumeState loadState(ResumeState fresh) throws DownloadIOException {
    requireRegularOrAbsent(statePath);
    byte[] data;
    try {
      long size = Files.readAttributes(statePath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
      if (size > MAX_STATE_BYTES) {
        return fresh;
      }
      try (FileChannel ch = io.open(statePath, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        while (buf.hasRemaining() && ch.read(buf) >= 0) {
          // read it all
        }
        data = buf.array();
      }
    } catch (NoSuchFileException e) {
      return fresh;
    } catch (IOException | DownloadIOException e) {
      throw failure(Kind.IO, statePath, "cannot read the download state", e);
    }
    return ResumeState.decode(data, fresh);
  }

  /**
   * Checks every chunk the state lists against its stored SHA-256.
   *
   * @return the indices of the chunks whose bytes on disk differ (or are missing)
   */
  List<Integer> verify(ResumeState state) throws DownloadIOException {
    List<Integer> bad = new ArrayList<>();
    MessageDigest sha = ResumeState.sha256();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    try {
      for (int i = 0; i < state.chunks(); i++) {
        long pos = state.chunkStart(i);
        long left = state.chunkLength(i);
        boolean complete = true;
        sha.reset();
        while (left > 0) {
          buf.clear().limit((int) Math.min(buf.capacity(), left));
          int n = channel.read(buf, pos);
          if (n < 0) {
            complete = false;
            break;
          }
          buf.flip();
          sha.update(buf);
          pos += n;
          left -= n;
        }
        if (!complete || !MessageDigest.isEqual(sha.digest(), state.hash(i))) {
          bad.add(i);
        }
      }
    } catch (IOException | DownloadIOException e) {
      throw failure(Kind.IO, part, "cannot read the partial file", e);
    }
    return bad;
  }

  /** Writes {@code data} (consumed) at {@code position} of the partial file. */
  void write(ByteBuffer data, long position) throws DownloadIOException {
    try {
      long p = position;
      if (data.isDirect()) {
        while (data.hasRemaining()) {
          p += channel.write(data, p);
        }
        return;
      }
      // a heap buffer would be copied by the JDK into a temporary direct buffer as large as the write,
      // which it then caches on the writing thread (up to 16 per thread, of any size): a part's 1 MiB on
      // every thread that ever completed a part, tens of MiB of native memory over a download
      if (staging == null) {
        staging = ByteBuffer.allocateDirect(STAGING);
      }
      while (data.hasRemaining()) {
        int n = Math.min(STAGING, data.remaining());
        staging.clear();
        staging.put(staging.position(), data, data.position(), n).limit(n);
        data.position(data.position() + n);
        while (staging.hasRemaining()) {
          p += channel.write(staging, p);
        }
      }
    } catch (IOException | DownloadIOException e) {
      throw failure(Kind.IO, part, "cannot write the partial file", e);
    }
  }

  /** Empties the partial file. */
  void truncate() throws DownloadIOException {
    try {
      channel.truncate(0);
    } catch (IOException | DownloadIOException e) {
      throw failure(Kind.IO, part, "cannot truncate the partial file", e);
    }
  }

  /** Syncs the partial file's data, then saves {@code state} (so the state never claims unsynced bytes). */
  void persist(ResumeState state) throws DownloadIOException {
    try {
      channel.force(false);
    } catch (IOException | DownloadIOException e) {
      throw failure(Kind.IO, part, "cannot sync the partial file", e);
    }
    saveState(state);
  }

  /**
   * Writes {@code state} to the temporary file (created owner-only, never through a link) and
   * renames it over the state file; on failure the temporary is removed.
   */
  void saveState(ResumeState state) throws DownloadIOException {
    requireRegularOrAbsent(statePath);
    byte[] bytes = state.encode();
    FileChannel ch = null;
    try {
      Files.deleteIfExists(tmpPath); // a leftover (or a planted link: deleting removes the link itself)
      ch = io.open(tmpPath, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
          ownerOnly(tmpPath));
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      FileChannel done = ch;
      ch = null;
      done.close();
      // rename(2) replaces whatever the name holds (a link is replaced, never followed)
      Files.move(tmpPath, statePath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | DownloadIOException e) {
      DownloadIOException failure = failure(Kind.IO, tmpPath, "cannot save the download state", e);
      closeInto(ch, failure);
      deleteInto(tmpPath, failure);
      throw failure;
    }
  }

  /**
   * Syncs and closes the partial file, then renames it to the destination (which must still be
   * absent or a regular file) and deletes the state file.
   */
  void complete() throws DownloadIOException {
    try {
      channel.force(true);
    } catch (IOException | DownloadIOException e) {
      throw failure(Kind.IO, part, "cannot sync the partial file", e);
    }
    close();
    requireRegularOrAbsent(target);
    requireRegularOrAbsent(part);
    try {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | DownloadIOException e) {
      throw failure(Kind.IO, target, "cannot move the download into place", e);
    }
    try {
      Files.deleteIfExists(statePath);
    } catch (IOException | DownloadIOException e) {
      throw failure(Kind.IO, statePath, "cannot delete the download state", e);
    }
  }

  /** Closes the partial file; throws the close error (typed). Idempotent. */
  @Override
  public void close() throws DownloadIOException {
    FileChannel ch = channel;
    channel = null;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException | DownloadIOException e) {
        throw failure(Kind.IO, part, "cannot close the partial file", e);
      }
    }
  }

  /** Closes the partial file, adding any error to {@code first} as suppressed. */
  void closeInto(Throwable first) {
    try {
      close();
    } catch (DownloadIOException e) {
      first.addSuppressed(e);
    }
  }

  private FileChannel openPart() throws DownloadIOException {
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    FileChannel ch;
    try {
      ch = io.open(part, options, ownerOnly(part));
    } catch (FileSystemException e) {
      // ELOOP: the name became a link between the check and the open
      requireRegularOrAbsent(part);
      throw failure(Kind.IO, part, "cannot open the partial file", e);
    } catch (IOException | DownloadIOException e) {
      throw failure(Kind.IO, part, "cannot open the partial file", e);
    }
    try {
      requireRegularOrAbsent(part); // what we opened is still a regular file under that name
      narrow(part);
    } catch (DownloadIOException e) {
      closeInto(ch, e);
      throw e;
    }
    return ch;
  }

  /** Owner-only permissions for a new file, where the file system knows POSIX permissions. */
  private static FileAttribute<?>[] ownerOnly(Path p) {
    if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
    }
    return new FileAttribute<?>[0];
  }

  /** Removes group and other permissions from an existing partial file (one from an older version). */
  private static void narrow(Path p) throws DownloadIOException {
    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view == null) {
      return;
    }
    try {
      Set<PosixFilePermission> perms = view.readAttributes().permissions();
      if (!OWNER_ONLY.containsAll(perms)) {
        Set<PosixFilePermission> narrowed = EnumSet.noneOf(PosixFilePermission.class);
        narrowed.addAll(perms);
        narrowed.retainAll(OWNER_ONLY);
        view.setPermissions(narrowed);
      }
    } catch (IOException | DownloadIOException e) {
      throw failure(Kind.IO, p, "cannot restrict the permissions of", e);
    }
  }

  /**
   * Fails unless {@code p} is absent or owned by the user this JVM runs as (where the file system
   * knows owners): a file planted by someone else in a shared directory is never written to.
   */
  static void requireOwnedOrAbsent(Path p) throws DownloadIOException {
    try {
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)
          || !p.getFileSystem().supportedFileAttributeViews().contains("owner")) {
        return;
      }
      UserPrincipal owner = Files.getOwner(p, LinkOption.NOFOLLOW_LINKS);
      UserPrincipal me = p.getFileSystem().getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
      if (!owner.equals(me)) {
        throw new DownloadIOException(Kind.NOT_OWNED, p, "owned by " + owner.getName() + ", not by " + me.getName(), null);
      }
    } catch (UserPrincipalNotFoundException | UnsupportedOperationException e) {
      // no way to tell who we are here: the link and regular-file checks still apply
    } catch (NoSuchFileException e) {
      // removed meanwhile
    } catch (IOException | DownloadIOException e) {
      throw failure(Kind.IO, p, "cannot inspect", e);
    }
  }

  /** Fails unless {@code p} is absent or a regular file (links are not followed). */
  static void requireRegularOrAbsent(Path p) throws DownloadIOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException | DownloadIOException e) {
      throw failure(Kind.IO, p, "cannot inspect", e);
    }
    if (a.isSymbolicLink()) {
      throw new DownloadIOException(Kind.LINK, p, "refusing to follow a symbolic link", null);
    }
    if (!a.isRegularFile()) {
      throw new DownloadIOException(Kind.NOT_A_REGULAR_FILE, p, "not a regular file", null);
    }
  }

  private static DownloadIOException failure(Kind kind, Path p, String message, Exception cause) {
    return cause instanceof DownloadIOException d ? d : new DownloadIOException(kind, p, message, cause);
  }

  private static void closeInto(FileChannel ch, Throwable first) {
    if (ch == null) {
      return;
    }
    try {
      ch.close();
    } catch (IOException e) {
      first.addSuppressed(e);
    }
  }

  private static void deleteInto(Path p, Throwable first) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      first.addSuppressed(e);
    }
  }
}
