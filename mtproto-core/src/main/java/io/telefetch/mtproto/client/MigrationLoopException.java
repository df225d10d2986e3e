package io.telefetch.mtproto.client;

import io.telefetch.TelefetchException;
import java.util.List;

/**
 * The servers kept moving a call from DC to DC (USER/PHONE/NETWORK_MIGRATE_X, or a migration to
 * the DC that answered it): the client gives up after a bounded number of hops rather than
 * follow the loop. The last migration error is the cause.
 */
public final class MigrationLoopException extends TelefetchException {
  private static final long serialVersionUID = 1L;
  private final List<Integer> hops;

  MigrationLoopException(List<Integer> hops, Throwable cause) {
    super("the call was moved between DCs " + hops + " without an answer; giving up", cause);
    this.hops = List.copyOf(hops);
  }

  /** The DCs the call was sent to, in order, ending with the DC the last migration named. */
  public List<Integer> hops() {
    return hops;
  }
}
