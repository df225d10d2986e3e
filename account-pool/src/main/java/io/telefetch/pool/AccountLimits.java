package io.telefetch.pool;

/**
 * How many parts one account may have in flight on one DC. Telegram gives a Premium account more
 * download sessions per DC than a free one: TDLib opens 8 download sessions per DC for a Premium
 * account and 2 otherwise ({@code NetQueryDispatcher}); each session carries up to {@link
 * #partsPerSession()} parts at once here.
 *
 * @param sessionsPerDc download sessions per DC (at least 1)
 * @param partsPerSession parts in flight on each session (at least 1)
 */
public record AccountLimits(int sessionsPerDc, int partsPerSession) {
  /** TDLib's download sessions per DC for a free account. */
  public static final int FREE_SESSIONS = 2;
  /** TDLib's download sessions per DC for a Premium account. */
  public static final int PREMIUM_SESSIONS = 8;
  /** Parts in flight per session by default. */
  public static final int DEFAULT_PARTS_PER_SESSION = 4;

  public AccountLimits {
    if (sessionsPerDc < 1 || partsPerSession < 1) {
      throw new IllegalArgumentException("sessions and parts per session must be positive: " + sessionsPerDc
          + ", " + partsPerSession);
    }
  }

  /** A free account (or a bot): {@value #FREE_SESSIONS} sessions per DC. */
  public static AccountLimits free() {
    return new AccountLimits(FREE_SESSIONS, DEFAULT_PARTS_PER_SESSION);
  }

  /** A Premium account: {@value #PREMIUM_SESSIONS} sessions per DC. */
  public static AccountLimits premium() {
    return new AccountLimits(PREMIUM_SESSIONS, DEFAULT_PARTS_PER_SESSION);
  }

  /** Parts in flight per DC at most. */
  public int maxInFlightPerDc() {
    return sessionsPerDc * partsPerSession;
  }
}
