package io.telefetch.tl;

/** Reads the fields (bare body) of one constructor; the id has already been consumed. */
@FunctionalInterface
public interface TlDeserializer {
  TlObject read(TlReader reader);
}
