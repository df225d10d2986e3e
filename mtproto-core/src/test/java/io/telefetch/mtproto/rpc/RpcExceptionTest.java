package io.telefetch.mtproto.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RpcExceptionTest {

  @Test
  void floodWaitCarriesTheSeconds() {
    RpcException e = RpcException.of(420, "FLOOD_WAIT_35");
    assertThat(e).isInstanceOf(FloodWaitException.class);
    FloodWaitException f = (FloodWaitException) e;
    assertThat(f.seconds()).isEqualTo(35);
    assertThat(f.waitTime()).isEqualTo(Duration.ofSeconds(35));
    assertThat(f.premium()).isFalse();
    assertThat(f.code()).isEqualTo(420);
    assertThat(f.errorMessage()).isEqualTo("FLOOD_WAIT_35");
    assertThat(f.isRetryable()).isFalse(); // waiting is the flood-wait interceptor's business
    assertThat(f).hasMessage("420 FLOOD_WAIT_35");
  }

  @Test
  void floodPremiumWait() {
    FloodWaitException f = (FloodWaitException) RpcException.of(420, "FLOOD_PREMIUM_WAIT_7");
    assertThat(f.seconds()).isEqualTo(7);
    assertThat(f.premium()).isTrue();
  }

  @Test
  void slowModeIsAWaitToo() {
    FloodWaitException f = (FloodWaitException) RpcException.of(400, "SLOWMODE_WAIT_10");
    assertThat(f.seconds()).isEqualTo(10);
    assertThat(f.premium()).isFalse();
  }

  @Test
  void absurdWaitsDoNotThrow() {
    FloodWaitException f = (FloodWaitException) RpcException.of(420, "FLOOD_WAIT_99999999999999999999");
    assertThat(f.seconds()).isEqualTo(Integer.MAX_VALUE);
  }

  @ParameterizedTest
  @CsvSource({
      "FILE_MIGRATE_4, FILE, 4",
      "USER_MIGRATE_2, USER, 2",
      "PHONE_MIGRATE_5, PHONE, 5",
      "NETWORK_MIGRATE_1, NETWORK, 1",
      "STATS_MIGRATE_3, STATS, 3"})
  void migrations(String message, MigrateException.Kind kind, int dc) {
    RpcException e = RpcException.of(303, message);
    assertThat(e).isInstanceOf(MigrateException.class);
    assertThat(((MigrateException) e).kind()).isEqualTo(kind);
    assertThat(((MigrateException) e).dc()).isEqualTo(dc);
    assertThat(e.isRetryable()).isFalse();
  }

  @Test
  void migrateNeedsCode303AndAnIntDc() {
    assertThat(RpcException.of(400, "FILE_MIGRATE_4")).isExactlyInstanceOf(RpcException.class);
    assertThat(RpcException.of(303, "FILE_MIGRATE_99999999999")).isExactlyInstanceOf(RpcException.class);
    assertThat(RpcException.of(303, "FILE_MIGRATE_X")).isExactlyInstanceOf(RpcException.class);
  }

  @ParameterizedTest
  @CsvSource({
      "AUTH_KEY_UNREGISTERED, true",
      "AUTH_KEY_INVALID, true",
      "SESSION_REVOKED, true",
      "USER_DEACTIVATED, true",
      "SESSION_PASSWORD_NEEDED, false",
      "SESSION_EXPIRED, false"})
  void unauthorized(String message, boolean keyUnregistered) {
    RpcException e = RpcException.of(401, message);
    assertThat(e).isInstanceOf(UnauthorizedException.class);
    assertThat(((UnauthorizedException) e).keyUnregistered()).isEqualTo(keyUnregistered);
    assertThat(e.isRetryable()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
      "500, INTERNAL_SERVER_ERROR, true",
      "500, RPC_CALL_FAIL, true",
      "-503, Timeout, true",
      "-500, No workers running, true",
      "400, INTERDC_2_CALL_ERROR, true",
      "400, FILE_REFERENCE_EXPIRED, false",
      "400, OFFSET_INVALID, false",
      "403, CHAT_WRITE_FORBIDDEN, false",
      "406, AUTH_KEY_DUPLICATED, false",
      "420, 2FA_CONFIRM_WAIT_3600, false"})
  void retryable(int code, String message, boolean retryable) {
    RpcException e = RpcException.of(code, message);
    assertThat(e.isRetryable()).isEqualTo(retryable);
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.errorMessage()).isEqualTo(message);
  }

  @Test
  void nullMessageIsTolerated() {
    RpcException e = RpcException.of(400, null);
    assertThat(e.errorMessage()).isEmpty();
    assertThat(e.isRetryable()).isFalse();
  }

  @Test
  void partialMatchesAreNotTyped() {
    assertThat(RpcException.of(420, "FLOOD_WAIT_")).isExactlyInstanceOf(RpcException.class);
    assertThat(RpcException.of(420, "XFLOOD_WAIT_3")).isExactlyInstanceOf(RpcException.class);
    assertThat(RpcException.of(420, "FLOOD_WAIT_3_X")).isExactlyInstanceOf(RpcException.class);
  }
}
