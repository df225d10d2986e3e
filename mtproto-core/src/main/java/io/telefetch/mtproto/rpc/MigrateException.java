package io.telefetch.mtproto.rpc;

/**
 * A 303 *_MIGRATE_X error: the request must go to DC {@link #dc()}. For {@link Kind#FILE} only
 * this request moves; for USER/PHONE/NETWORK the account's main DC changes.
 */
public final class MigrateException extends RpcException {
  private static final long serialVersionUID = 1L;

  /** What has to move. */
  public enum Kind { FILE, USER, PHONE, NETWORK, STATS }

  private final Kind kind;
  private final int dc;

  MigrateException(int code, String message, Kind kind, int dc) {
    super(code, message);
    this.kind = kind;
    this.dc = dc;
  }

  public Kind kind() {
    return kind;
  }

  public int dc() {
    return dc;
  }
}
