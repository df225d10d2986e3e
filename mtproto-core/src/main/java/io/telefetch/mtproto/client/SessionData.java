package io.telefetch.mtproto.client;

import io.telefetch.mtproto.crypto.AuthKey;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Everything a client keeps between runs: the home DC, the logged-in user, per DC its auth key,
 * server salt, clock offset and whether the account's authorization was imported onto that key,
 * and the DC list with its expiry. Immutable; change it with the {@code with...} methods.
 *
 * <p>{@link #toSessionString()} turns it into a portable, versioned text (treat it like a
 * password: it is the login).
 */
public final class SessionData {
  /** The current format version, written into files and session strings. */
  public static final int VERSION = 1;

  private static final SessionData EMPTY = new SessionData(0, 0, false, new TreeMap<>(), null, 0);

  private final int mainDc;
  private final long userId;
  private final boolean bot;
  private final Map<Integer, DcKey> keys;
  private final DcOptions dcOptions;
  private final long dcOptionsExpires;

  SessionData(int mainDc, long userId, boolean bot, Map<Integer, DcKey> keys, DcOptions dcOptions, long dcOptionsExpires) {
    this.mainDc = mainDc;
    this.userId = userId;
    this.bot = bot;
    this.keys = Collections.unmodifiableMap(new TreeMap<>(keys));
    this.dcOptions = dcOptions;
    this.dcOptionsExpires = dcOptionsExpires;
  }

  /** Nothing stored: no home DC, no keys, not logged in. */
  public static SessionData empty() {
    return EMPTY;
  }

  /**
   * One DC's key state: the DC, its permanent auth key (never shown: {@link #toString()} and the
   * accessors give its public {@code auth_key_id} only), the last known server salt, the clock
   * offset, and whether the account's authorization was imported onto this key (always false for
   * the home DC, whose key is the login itself). Immutable; equal when every part, the key's 256
   * bytes included, is equal.
   */
  public static final class DcKey {
    private final int dcId;
    private final AuthKey authKey;
    private final long serverSalt;
    private final long timeOffsetMillis;
    private final boolean authorized;

    DcKey(int dcId, AuthKey authKey, long serverSalt, long timeOffsetMillis, boolean authorized) {
      this.dcId = dcId;
      this.authKey = Objects.requireNonNull(authKey, "authKey");
      this.serverSalt = serverSalt;
      this.timeOffsetMillis = timeOffsetMillis;
      this.authorized = authorized;
    }

    /**
     * A key state from its parts, e.g. when a session made by another MTProto client is imported;
     * {@code authKey} is copied.
     *
     * @throws IllegalArgumentException when {@code authKey} is not 256 bytes long
     */
    public static DcKey of(int dcId, byte[] authKey, long serverSalt, long timeOffsetMillis, boolean authorized) {
      return new DcKey(dcId, AuthKey.of(authKey), serverSalt, timeOffsetMillis, authorized);
    }

    public int dcId() {
      return dcId;
    }

    /** The key's {@code auth_key_id} (the low 64 bits of its SHA-1): names it, reveals nothing of it. */
    public long authKeyId() {
      return authKey.id();
    }

    AuthKey authKey() {
      return authKey;
    }

    /** The last known server salt. */
    public long serverSalt() {
      return serverSalt;
    }

    /** Server time minus local time, as last measured. */
    public long timeOffsetMillis() {
      return timeOffsetMillis;
    }

    /** Whether the account's authorization was imported onto this key. */
    public boolean authorized() {
      return authorized;
    }

    DcKey withAuthorized(boolean value) {
      return new DcKey(dcId, authKey, serverSalt, timeOffsetMillis, value);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DcKey k && k.dcId == dcId && k.authKey.equals(authKey) && k.serverSalt == serverSalt
          && k.timeOffsetMillis == timeOffsetMillis && k.authorized == authorized;
    }

    @Override
    public int hashCode() {
      return Objects.hash(dcId, authKey.id(), serverSalt, timeOffsetMillis, authorized);
    }

    /** The DC and the key's id only: no key bytes, no salt. */
    @Override
    public String toString() {
      return "DcKey[dc=" + dcId + ", " + authKey + (authorized ? ", authorized" : "") + "]";
    }
  }

  /** The home DC, or 0 when not known yet. */
  public int mainDc() {
    return mainDc;
  }

  /** The logged-in user's id, or 0 when not logged in. */
  public long userId() {
    return userId;
  }

  /** Whether the logged-in account is a bot. */
  public boolean bot() {
    return bot;
  }

  /** The keys by DC id. */
  public Map<Integer, DcKey> keys() {
    return keys;
  }

  /** DC {@code dcId}'s key state, if it has a key. */
  public Optional<DcKey> key(int dcId) {
    return Optional.ofNullable(keys.get(dcId));
  }

  /** The DC list last received from help.getConfig, or null. */
  public @Nullable DcOptions dcOptions() {
    return dcOptions;
  }

  /** When that list expires (unix seconds), or 0. */
  public long dcOptionsExpires() {
    return dcOptionsExpires;
  }

  public SessionData withMainDc(int dc) {
    return new SessionData(dc, userId, bot, keys, dcOptions, dcOptionsExpires);
  }

  /** Logged in as {@code userId} (0: logged out). */
  public SessionData withUser(long userId, boolean bot) {
    return new SessionData(mainDc, userId, bot, keys, dcOptions, dcOptionsExpires);
  }

  public SessionData withKey(DcKey key) {
    Map<Integer, DcKey> m = new TreeMap<>(keys);
    m.put(key.dcId(), key);
    return new SessionData(mainDc, userId, bot, m, dcOptions, dcOptionsExpires);
  }

  public SessionData withoutKey(int dcId) {
    Map<Integer, DcKey> m = new TreeMap<>(keys);
    m.remove(dcId);
    return new SessionData(mainDc, userId, bot, m, dcOptions, dcOptionsExpires);
  }

  /** Every key marked as not authorised (after a logout or a change of account). */
  public SessionData withNoAuthorizations() {
    Map<Integer, DcKey> m = new TreeMap<>();
    keys.forEach((id, k) -> m.put(id, k.withAuthorized(false)));
    return new SessionData(mainDc, userId, bot, m, dcOptions, dcOptionsExpires);
  }

  public SessionData withDcOptions(DcOptions options, long expires) {
    return new SessionData(mainDc, userId, bot, keys, options, expires);
  }

  /**
   * This state as a portable, versioned string: the format version ({@code 1}) followed by the
   * base64url encoding of the binary session (the same bytes a session file holds).
   */
  public String toSessionString() {
    return SessionCodec.toSessionString(this);
  }

  /**
   * Reads a string made by {@link #toSessionString()}.
   *
   * @throws SessionStoreException FOREIGN for another program's string, UNSUPPORTED_VERSION for a
   *     newer format, CORRUPT for a damaged one
   */
  public static SessionData fromSessionString(String text) {
    return SessionCodec.fromSessionString(text);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionData s && s.mainDc == mainDc && s.userId == userId && s.bot == bot
        && s.keys.equals(keys) && Objects.equals(s.dcOptions, dcOptions) && s.dcOptionsExpires == dcOptionsExpires;
  }

  @Override
  public int hashCode() {
    return Objects.hash(mainDc, userId, bot, keys, dcOptions, dcOptionsExpires);
  }

  /** Shows key ids only. */
  @Override
  public String toString() {
    return "SessionData[mainDc=" + mainDc + ", user=" + userId + (bot ? " (bot)" : "") + ", keys=" + keys.values().stream()
        .map(k -> k.dcId() + ":" + k.authKey() + (k.authorized() ? "+auth" : "")).toList() + "]";
  }
}
