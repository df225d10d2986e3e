package io.telefetch.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** A ByteArrayOutputStream that also writes everything to another stream (a pipe a test reads while the command runs). */
final class TeeOutputStream extends ByteArrayOutputStream {
  private final OutputStream other;

  TeeOutputStream(OutputStream other) {
    this.other = other;
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    super.write(b, off, len);
    try {
      other.write(b, off, len);
      other.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }
}
