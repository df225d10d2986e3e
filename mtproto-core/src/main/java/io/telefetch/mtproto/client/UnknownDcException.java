package io.telefetch.mtproto.client;

import io.telefetch.TelefetchException;

/**
 * A DC the client has no address for: a server named it (USER/PHONE/NETWORK/FILE_MIGRATE_X, a CDN
 * redirect, a QR login migration, a stored home DC) but neither the bootstrap list nor a fresh
 * {@code help.getConfig} from a known DC lists it. The client never switches to such a DC; the
 * call that needed it fails with this instead of waiting.
 */
public final class UnknownDcException extends TelefetchException {
  private static final long serialVersionUID = 1L;
  private final int dcId;

  UnknownDcException(int dcId, String message, Throwable cause) {
    super(message, cause);
    this.dcId = dcId;
  }

  /** The DC that is not known. */
  public int dcId() {
    return dcId;
  }
}
