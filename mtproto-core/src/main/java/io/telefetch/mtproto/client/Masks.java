package io.telefetch.mtproto.client;

/** Masks personal data and secrets for toString and log lines. */
final class Masks {
  private Masks() {}

  /**
   * A phone number with all but its first two and last two digits masked ({@code +44******89});
   * fully masked when it has fewer than seven digits; null stays {@code "null"}.
   */
  static String phone(String phone) {
    if (phone == null) {
      return "null";
    }
    String digits = phone.replaceAll("[^0-9]", "");
    StringBuilder b = new StringBuilder(phone.startsWith("+") ? "+" : "");
    if (digits.length() < 7) {
      return b.append("*".repeat(Math.max(digits.length(), 1))).toString();
    }
    return b.append(digits, 0, 2).append("*".repeat(digits.length() - 4))
        .append(digits, digits.length() - 2, digits.length()).toString();
  }

  /** A secret (api_hash, password): never shown, only whether it is set. */
  static String secret(String secret) {
    return secret == null ? "null" : "***";
  }
}
