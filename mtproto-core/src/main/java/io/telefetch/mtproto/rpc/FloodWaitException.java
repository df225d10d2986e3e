package io.telefetch.mtproto.rpc;

import java.time.Duration;

/** FLOOD_WAIT_X / FLOOD_PREMIUM_WAIT_X (420): the request may be repeated after {@link #waitTime()}. */
public final class FloodWaitException extends RpcException {
  private static final long serialVersionUID = 1L;
  private final int seconds;
  private final boolean premium;

  FloodWaitException(int code, String message, int seconds, boolean premium) {
    super(code, message);
    this.seconds = seconds;
    this.premium = premium;
  }

  public int seconds() {
    return seconds;
  }

  public Duration waitTime() {
    return Duration.ofSeconds(seconds);
  }

  /** FLOOD_PREMIUM_WAIT: a limit that a premium account would not hit. */
  public boolean premium() {
    return premium;
  }
}
