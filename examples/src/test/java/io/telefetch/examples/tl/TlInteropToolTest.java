package io.telefetch.examples.tl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.telefetch.examples.tl.TlInteropTool.Outcome;
import io.telefetch.examples.tl.TlInteropTool.Status;
import io.telefetch.tl.api.ApiSchema;
import io.telefetch.tl.RandomValues;
import io.telefetch.tl.TlRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TlInteropToolTest {
  /** pong msg_id=1 ping_id=2. */
  private static final String PONG = "c5737734" + "0100000000000000" + "0200000000000000";
  /** userProfilePhoto flags=0 photo_id=5 dc_id=2. */
  private static final String PHOTO = "06f7d182" + "00000000" + "0500000000000000" + "02000000";

  @Test
  void namesAreEveryRegisteredCombinatorOnce() {
    List<String> names = TlInteropTool.names();
    assertThat(names).hasSize(TlRegistry.standard().size()).doesNotHaveDuplicates()
        .contains("pong", "ping", "help.getConfig", "invokeWithLayer", "inputPeerUser")
        .noneMatch(n -> n.startsWith("fn:"));
    assertThat(names.stream().filter(n -> n.contains(".") || Character.isLowerCase(n.charAt(0))).count())
        .isEqualTo(names.size());
    assertThat(ApiSchema.LAYER).isEqualTo(227);
  }

  @Test
  void acceptsAnIdenticalReencoding() {
    assertThat(TlInteropTool.check("pong", PONG)).isEqualTo(new Outcome("pong", Status.OK, ""));
    assertThat(TlInteropTool.check("userProfilePhoto", PHOTO).status()).isEqualTo(Status.OK);
  }

  @Test
  void reportsAReencodingThatDiffers() {
    // flags bit 3 means nothing in userProfilePhoto: decodable, but our re-encoding clears it
    String odd = "06f7d182" + "08000000" + "0500000000000000" + "02000000";
    Outcome o = TlInteropTool.check("userProfilePhoto", odd);
    assertThat(o.status()).isEqualTo(Status.DIFFERS);
    assertThat(o.detail()).isEqualTo(PHOTO);
    assertThat(o.line()).isEqualTo("userProfilePhoto differs " + PHOTO);
  }

  @Test
  void reportsWrongNameTrailingBytesAndUndecodableInput() {
    assertThat(TlInteropTool.check("ping", PONG)).isEqualTo(new Outcome("ping", Status.NAME_MISMATCH, "pong"));
    assertThat(TlInteropTool.check("pong", PONG + "00000000")).isEqualTo(new Outcome("pong", Status.TRAILING, "4"));
    Outcome unknown = TlInteropTool.check("pong", "deadbeef");
    assertThat(unknown.status()).isEqualTo(Status.UNDECODABLE);
    assertThat(unknown.detail()).contains("unknown constructor");
    assertThat(TlInteropTool.check("pong", PONG.substring(0, 20)).status()).isEqualTo(Status.UNDECODABLE);
    assertThat(TlInteropTool.check("pong", "xyz").status()).isEqualTo(Status.UNDECODABLE);
    assertThat(Status.NAME_MISMATCH.word()).isEqualTo("name-mismatch");
  }

  @Test
  void checkAllWritesOneLinePerInputInOrder() throws IOException {
    String input = "pong " + PONG + "\n\nping " + PONG + "\nnonsense\n  userProfilePhoto " + PHOTO + "  \n";
    StringWriter out = new StringWriter();
    int failures = TlInteropTool.checkAll(new BufferedReader(new StringReader(input)), out);
    assertThat(failures).isEqualTo(2);
    assertThat(out.toString().split("\n")).containsExactly(
        "pong ok", "ping name-mismatch pong", "line-4 undecodable expected NAME HEX", "userProfilePhoto ok");
  }

  @Test
  void randomInstancesOfEveryCombinatorDecodeAndReencodeIdentically() throws IOException {
    for (RandomValues.Profile profile : List.of(RandomValues.Profile.DEFAULT, RandomValues.Profile.MTCUTE)) {
      StringWriter written = new StringWriter();
      int lines = TlInteropTool.writeRandom(5, 2, profile, written);
      List<String> names = TlInteropTool.names();
      assertThat(lines).isEqualTo(2 * names.size());
      String[] rows = written.toString().split("\n");
      assertThat(rows).hasSize(lines);
      Set<String> seen = new HashSet<>();
      for (String row : rows) {
        seen.add(row.substring(0, row.indexOf(' ')));
      }
      assertThat(seen).containsExactlyInAnyOrderElementsOf(names);
      StringWriter results = new StringWriter();
      int failures = TlInteropTool.checkAll(new BufferedReader(new StringReader(written.toString())), results);
      assertThat(failures).as("first results: %s", results.toString().lines().filter(l -> !l.endsWith(" ok"))
          .limit(3).toList()).isZero();
    }
  }

  @Test
  void randomOutputIsDeterministicInSeedAndProfile() {
    assertThat(random(9, RandomValues.Profile.DEFAULT)).isEqualTo(random(9, RandomValues.Profile.DEFAULT));
    assertThat(random(9, RandomValues.Profile.DEFAULT)).isNotEqualTo(random(10, RandomValues.Profile.DEFAULT));
    assertThat(random(9, RandomValues.Profile.DEFAULT)).isNotEqualTo(random(9, RandomValues.Profile.MTCUTE));
    // instances of one combinator differ from each other
    assertThat(TlInteropTool.instanceSeed(1, 0, 0)).isNotEqualTo(TlInteropTool.instanceSeed(1, 0, 1));
  }

  @Test
  void rejectsAZeroCount() {
    assertThatThrownBy(() -> TlInteropTool.writeRandom(1, 0, RandomValues.Profile.DEFAULT, new StringWriter()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String random(long seed, RandomValues.Profile profile) {
    StringWriter w = new StringWriter();
    // the first 300 combinators are enough to tell runs apart
    TlInteropTool.writeRandom(seed, 1, profile, w, TlInteropTool::sample, 300);
    return w.toString();
  }
}
