package io.telefetch.examples.serve;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived signed media URLs for token mode: a {@code <video src>} cannot send an
 * Authorization header, so an authenticated {@code /v1/info} hands out {@code /v1/media} URLs
 * carrying {@code exp} (epoch seconds) and {@code sig}, an HMAC-SHA256 of the link, the item and
 * the expiry under a key made at start and never shown. The long-term token never enters a URL.
 */
final class UrlSigner {
  private final byte[] key = new byte[32];
  private final Clock clock;
  private final Duration ttl;

  UrlSigner(SecureRandom random, Clock clock, Duration ttl) {
    random.nextBytes(key);
    this.clock = clock;
    this.ttl = ttl;
  }

  long expiry() {
    return clock.instant().plus(ttl).getEpochSecond();
  }

  String sign(String link, int item, long exp) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] sig = mac.doFinal((link + "\n" + item + "\n" + exp).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  boolean verify(String link, int item, String exp, String sig) {
    long e;
    try {
      e = Long.parseLong(exp);
    } catch (NumberFormatException x) {
      return false;
    }
    if (e < clock.instant().getEpochSecond()) {
      return false;
    }
    return MessageDigest.isEqual(sign(link, item, e).getBytes(StandardCharsets.US_ASCII),
        sig.getBytes(StandardCharsets.US_ASCII));
  }
}
