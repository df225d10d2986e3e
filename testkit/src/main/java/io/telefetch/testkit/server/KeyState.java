package io.telefetch.testkit.server;

import io.telefetch.mtproto.crypto.AuthKey;

/** What a DC remembers about one auth key: the key and the user it is logged in as (0 for none). */
public final class KeyState {
  private final AuthKey authKey;
  private volatile long userId;

  public KeyState(AuthKey authKey) {
    this.authKey = authKey;
  }

  public AuthKey authKey() {
    return authKey;
  }

  /** The logged-in user, or 0. */
  public long userId() {
    return userId;
  }

  public void bindUser(long userId) {
    this.userId = userId;
  }
}
