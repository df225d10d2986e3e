package io.telefetch.mtproto.rpc;

import java.util.Objects;

/**
 * Where a call goes, as interceptors and the {@link EventListener} see it: a DC and which of its
 * connections.
 *
 * @param dcId the DC the call is sent to when it starts (the home DC for ordinary calls; a
 *     migration may move a call of the home DC elsewhere later), or 0 when not known
 * @param kind which connections of the DC
 */
public record CallRoute(int dcId, Kind kind) {
  /** A route that names no DC: for callers outside a client (tests, tools). */
  public static final CallRoute UNKNOWN = new CallRoute(0, Kind.MAIN);

  /** What a DC's connections are used for. */
  public enum Kind {
    /** Ordinary calls (and updates on the home DC). */
    MAIN,
    /** File transfer on a DC (a media-only address when the DC has one). */
    DOWNLOAD,
    /** A CDN DC: only upload.getCdnFile. */
    CDN
  }

  /**
   * @throws IllegalArgumentException for a negative DC id
   */
  public CallRoute {
    Objects.requireNonNull(kind, "kind");
    if (dcId < 0) {
      throw new IllegalArgumentException("negative DC id " + dcId);
    }
  }

  @Override
  public String toString() {
    return (kind == Kind.CDN ? "CDN DC " : "DC ") + dcId + (kind == Kind.DOWNLOAD ? " (download)" : "");
  }
}
