package io.telefetch.tl;

/**
 * A value of a TL type: a constructor of the MTProto or API schema (or a method, which is also
 * serialised as a combinator).
 *
 * <p>Implementations are generated at build time, immutable and safe to share between threads.
 */
public interface TlObject {

  /** The constructor id declared in the schema ({@code #id}); 0 for id-less bare constructors. */
  int constructorId();

  /** The TL name of the constructor, e.g. {@code upload.file}. */
  String tlName();

  /** Writes the fields only (the bare form, without the constructor id). */
  void writeBody(TlWriter writer);

  /** Writes the boxed form: the constructor id followed by the fields. */
  default void write(TlWriter writer) {
    if (constructorId() == 0) {
      throw new UnsupportedOperationException(tlName() + " has no constructor id and exists only in bare form");
    }
    writer.writeInt(constructorId());
    writeBody(writer);
  }

  /** Appends this value as JSON-like text (used by {@code toString()} and the decode tool). */
  void appendJson(TlJson json);
}
