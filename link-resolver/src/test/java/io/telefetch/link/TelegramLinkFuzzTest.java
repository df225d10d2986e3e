package io.telefetch.link;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the link grammar: any string either parses or raises {@link
 * LinkParseException} with a position inside the input; a parsed link's canonical URL parses back
 * to the same link. Any other exception, or a violated property, is a finding.
 *
 * <p>The seed corpus (the table's kinds of links) is in {@code
 * src/test/resources/io/telefetch/link/TelegramLinkFuzzTestInputs}; the build sets {@code
 * JAZZER_FUZZ=1} so that {@code mvn verify} fuzzes for the bounded time below.
 */
class TelegramLinkFuzzTest {

  @FuzzTest(maxDuration = "20s")
  void parseAnything(FuzzedDataProvider data) {
    String input = data.consumeRemainingAsString();
    TelegramLink link;
    try {
      link = TelegramLink.parse(input);
    } catch (LinkParseException e) {
      if (e.position() < 0 || e.position() > Math.max(input.length(), TelegramLink.MAX_LENGTH)) {
        throw new AssertionError("position " + e.position() + " outside the input", e);
      }
      return;
    }
    link.toString();
    if (link.kind() != TelegramLink.Kind.UNSUPPORTED) {
      TelegramLink again = TelegramLink.parse(link.toUrl());
      if (!again.equals(link)) {
        throw new AssertionError(link.toUrl() + " parses to " + again + ", not " + link);
      }
    }
  }
}
