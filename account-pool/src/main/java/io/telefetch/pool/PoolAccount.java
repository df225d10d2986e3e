package io.telefetch.pool;

import io.telefetch.mtproto.client.DcClient;
import io.telefetch.mtproto.client.TelegramClient;
import java.util.Objects;

/**
 * One account of an {@link AccountPool}: a name, its own logged-in {@link TelegramClient} (its own
 * session store, connections and keys) and its limits. The pool does not close the client.
 */
public final class PoolAccount {
  private final String name;
  private final TelegramClient client;
  private final AccountLimits limits;

  private PoolAccount(String name, TelegramClient client, AccountLimits limits) {
    if (name.isEmpty() || name.length() > 64) {
      throw new IllegalArgumentException("an account name has 1 to 64 characters");
    }
    this.name = name;
    this.client = Objects.requireNonNull(client, "client");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** An account named {@code name} (unique in its pool) using {@code client}. */
  public static PoolAccount of(String name, TelegramClient client, AccountLimits limits) {
    return new PoolAccount(Objects.requireNonNull(name, "name"), client, limits);
  }

  public String name() {
    return name;
  }

  public TelegramClient client() {
    return client;
  }

  public AccountLimits limits() {
    return limits;
  }

  /** The account's handle on DC {@code dcId}'s file-transfer connections. */
  DcClient dc(int dcId) {
    return client.dc(dcId);
  }

  /** The account's handle on its home DC. */
  DcClient home() {
    return client.dc(client.mainDc());
  }

  @Override
  public String toString() {
    return "PoolAccount[" + name + ", " + limits.sessionsPerDc() + " sessions/DC]";
  }
}
