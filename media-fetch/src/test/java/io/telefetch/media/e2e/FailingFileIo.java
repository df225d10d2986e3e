package io.telefetch.media.e2e;

import io.telefetch.media.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A {@link FileIo} over the real file system whose channels fail like a full disk: once {@code
 * budget} bytes were written (by every channel of the files {@code applies} accepts) each write,
 * and each force after that, throws {@code IOException("No space left on device")}.
 */
final class FailingFileIo implements FileIo {
  private final AtomicLong budget;
  private final Predicate<Path> applies;
  final AtomicLong failures = new AtomicLong();

  FailingFileIo(long budget, Predicate<Path> applies) {
    this.budget = new AtomicLong(budget);
    this.applies = applies;
  }

  @Override
  public FileChannel open(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
      throws IOException {
    FileChannel real = FileChannel.open(path, options, attributes);
    return applies.test(path) ? new Full(real) : real;
  }

  private IOException full() {
    failures.incrementAndGet();
    return new IOException("No space left on device");
  }

  /** Takes {@code n} bytes from the budget; how many may be written (fewer when it runs out). */
  private int take(int n) throws IOException {
    while (true) {
      long left = budget.get();
      if (left <= 0) {
        throw full();
      }
      int ok = (int) Math.min(left, n);
      if (budget.compareAndSet(left, left - ok)) {
        return ok;
      }
    }
  }

  private final class Full extends FileChannel {
    private final FileChannel d;

    Full(FileChannel d) {
      this.d = d;
    }

    private int write0(ByteBuffer src, long position) throws IOException {
      int ok = take(src.remaining());
      ByteBuffer slice = src.duplicate();
      slice.limit(slice.position() + ok);
      int n = position < 0 ? d.write(slice) : d.write(slice, position);
      src.position(src.position() + n);
      return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return d.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return d.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return write0(src, -1);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long n = 0;
      for (int i = offset; i < offset + length; i++) {
        n += write0(srcs[i], -1);
      }
      return n;
    }

    @Override
    public long position() throws IOException {
      return d.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      d.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return d.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      d.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      if (budget.get() <= 0) {
        throw full();
      }
      d.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return d.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      return write0(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return d.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return d.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      d.close();
    }
  }
}
