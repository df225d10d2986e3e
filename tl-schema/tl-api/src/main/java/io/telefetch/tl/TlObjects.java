package io.telefetch.tl;

/** Utilities over decoded TL values. */
public final class TlObjects {
  private TlObjects() {}

  /**
   * Releases every zero-copy {@link TlBytes} slice held anywhere inside {@code o} (see {@link
   * TlReader.Options#zeroCopyThreshold()}); heap-backed values are unaffected. The owner of an
   * object decoded with zero-copy calls this once it no longer needs the object's byte strings.
   */
  public static void releaseSlices(TlObject o) {
    TlJson.forEachBytes(o, TlBytes::release);
  }
}
