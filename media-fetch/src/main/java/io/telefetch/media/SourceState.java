package io.telefetch.media;

import io.telefetch.tl.TlBytes;
import io.telefetch.tl.api.upload.FileCdnRedirect;

/**
 * Where the parts of one file come from: the router's state ({@link SourceRouter}). Each
 * transition is a pure function from one state to the next; the router applies it, and runs its
 * side effects (events, hash windows), as a task on the download's owner executor.
 *
 * <ul>
 *   <li>{@link Master}: upload.getFile on the file's DC, CDN redirects accepted;
 *   <li>{@link Cdn}: upload.getCdnFile on a CDN DC, decrypted and verified against the master
 *       DC's hashes; reuploads and hashes still go to the master DC;
 *   <li>{@link FallenBack}: upload.getFile on the file's DC without CDN support (the CDN failed,
 *       or sent a redirect that could not be followed safely); final but for a migration.
 * </ul>
 */
sealed interface SourceState permits SourceState.Master, SourceState.Cdn, SourceState.FallenBack {
  /** The DC that owns the file: where getFile, the hashes and reuploads go. */
  int masterDc();

  /** Whether getFile may be answered with a CDN redirect in this state. */
  default boolean cdnSupported() {
    return this instanceof Master;
  }

  /** The first state of a file stored on {@code dc}. */
  static SourceState initial(int dc) {
    return new Master(dc);
  }

  /** FILE_MIGRATE_X: the file lives on DC {@code dc}; the kind of state is kept. */
  default SourceState migrated(int dc) {
    if (dc == masterDc()) {
      return this;
    }
    if (this instanceof Cdn c) {
      return new Cdn(dc, c.cdnDc(), c.token(), c.key(), c.iv());
    }
    return this instanceof FallenBack ? new FallenBack(dc) : new Master(dc);
  }

  /**
   * upload.fileCdnRedirect: to the CDN when the redirect is {@linkplain CdnSource#followable
   * well-formed}, else the DC serves the bytes itself.
   */
  default SourceState redirected(FileCdnRedirect r) {
    if (!CdnSource.followable(r)) {
      return new FallenBack(masterDc());
    }
    return new Cdn(masterDc(), r.dcId(), r.fileToken(), r.encryptionKey().toByteArray(),
        r.encryptionIv().toByteArray());
  }

  /**
   * The CDN state {@code failed} ended (FILE_TOKEN_INVALID, REQUEST_TOKEN_INVALID, too many
   * reuploads): the master DC serves the rest. A part still on an older CDN state changes nothing.
   */
  default SourceState cdnFailed(Cdn failed) {
    return this == failed ? new FallenBack(masterDc()) : this;
  }

  /** Parts from the master DC, CDN redirects accepted. */
  record Master(int dc) implements SourceState {
    @Override
    public int masterDc() {
      return dc;
    }
  }

  /**
   * Parts from CDN DC {@code cdnDc}, for the file of master DC {@code masterDc}: the file token,
   * and the AES-256-CTR key and IV the parts are decrypted with (never printed).
   */
  record Cdn(int masterDc, int cdnDc, TlBytes token, byte[] key, byte[] iv) implements SourceState {
    @Override
    public String toString() {
      return "Cdn[masterDc=" + masterDc + ", cdnDc=" + cdnDc + "]";
    }

    @Override
    public boolean equals(Object o) {
      return this == o; // one redirect, one state: a newer redirect to the same CDN is another state
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  /** Parts from DC {@code dc} without CDN support. */
  record FallenBack(int dc) implements SourceState {
    @Override
    public int masterDc() {
      return dc;
    }
  }
}
