package io.telefetch.testkit.world;

import java.util.Optional;

/**
 * A user or bot account of the {@link World}: who a client logs in as.
 *
 * <p>Immutable; created with {@link World#user(String)} or {@link World#bot(String)}.
 */
public final class WorldUser {
  private final long id;
  private final long accessHash;
  private final String firstName;
  private final String lastName;
  private final String username;
  private final String phone;
  private final int dc;
  private final boolean bot;
  private final String botToken;
  private final String password;
  private final String loginCode;
  private final byte[] srpSalt1;
  private final byte[] srpSalt2;

  WorldUser(long id, long accessHash, String firstName, String lastName, String username, String phone, int dc,
      boolean bot, String botToken, String password, String loginCode, byte[] srpSalt1, byte[] srpSalt2) {
    this.id = id;
    this.accessHash = accessHash;
    this.firstName = firstName;
    this.lastName = lastName;
    this.username = username;
    this.phone = phone;
    this.dc = dc;
    this.bot = bot;
    this.botToken = botToken;
    this.password = password;
    this.loginCode = loginCode;
    this.srpSalt1 = srpSalt1;
    this.srpSalt2 = srpSalt2;
  }

  /** The user id. */
  public long id() {
    return id;
  }

  /** The access hash clients put in {@code inputUser}. */
  public long accessHash() {
    return accessHash;
  }

  public String firstName() {
    return firstName;
  }

  /** The last name, or empty. */
  public Optional<String> lastName() {
    return Optional.ofNullable(lastName);
  }

  /** The public username (without {@code @}), or empty. */
  public Optional<String> username() {
    return Optional.ofNullable(username);
  }

  /** The phone number (digits only), or empty (bots have none). */
  public Optional<String> phone() {
    return Optional.ofNullable(phone);
  }

  /** The home DC: logging in anywhere else answers USER_MIGRATE / PHONE_MIGRATE to this DC. */
  public int dc() {
    return dc;
  }

  /** Whether this is a bot. */
  public boolean isBot() {
    return bot;
  }

  /** The bot token {@code id:secret} for {@code auth.importBotAuthorization}; empty for users. */
  public Optional<String> botToken() {
    return Optional.ofNullable(botToken);
  }

  /** The 2FA password, or empty when the account has none. */
  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  /** The code {@code auth.signIn} accepts after {@code auth.sendCode}. */
  public String loginCode() {
    return loginCode;
  }

  byte[] srpSalt1() {
    return srpSalt1.clone();
  }

  byte[] srpSalt2() {
    return srpSalt2.clone();
  }

  @Override
  public String toString() {
    return (bot ? "Bot[" : "User[") + id + (username == null ? "" : " @" + username) + ", dc " + dc + "]";
  }
}
