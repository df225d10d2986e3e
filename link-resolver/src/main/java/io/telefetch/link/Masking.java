package io.telefetch.link;

/** Masks secrets and personal data (invite hashes, phone numbers) for {@code toString}. */
final class Masking {
  private Masking() {}

  /** Keeps the first two and last two characters of values longer than 6, stars the rest. */
  static String mask(String value) {
    if (value.length() <= 6) {
      return "*".repeat(value.length());
    }
    return value.substring(0, 2) + "*".repeat(value.length() - 4)
        + value.substring(value.length() - 2);
  }
}
