package io.telefetch.tl.codegen;

/** A syntax or consistency error in a TL schema, naming the source, line and column. */
public final class TlParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int line;
  private final int column;

  public TlParseException(String source, int line, int column, String message) {
    super(source + ":" + line + ":" + column + ": " + message);
    this.line = line;
    this.column = column;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
