package io.telefetch.tl.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.tl.codegen.TlSchema.Combinator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The real schemas of tl-api ({@code ../tl-api/src/main/tl}, layer 227): counts, every declared id
 * against {@link TlCrc}, and a full generator run with the settings of tl-api's build.
 */
class Layer227SchemaTest {
  private static final String DOC_BASE = "https://core.telegram.org";

  /**
   * The only api.tl ids that are not the CRC of their own line (see CRC_ALLOW_LIST in
   * tl-schema/convert-schema.mjs): renamed legacy constructors that kept the id of their original
   * name. Each maps to that original name.
   */
  private static final Map<String, String> RENAMED_LEGACY = Map.of(
      "inputPeerPhotoFileLocationLegacy", "inputPeerPhotoFileLocation",
      "inputStickerSetThumbLegacy", "inputStickerSetThumb");

  /** Parsed once per JVM. */
  private static final class Schemas {
    static final TlSchema API = load("api.tl");
    static final TlSchema MTPROTO = load("mtproto.tl");

    private static TlSchema load(String file) {
      try {
        return TlParser.parse(file, Files.readString(ModuleDir.apiSchema(file), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Generated once per JVM, as tl-api's pom runs the generator. */
  private static final class Generated {
    static final JavaGenerator API_GEN =
        new JavaGenerator(Schemas.API, "io.telefetch.tl.api", "ApiSchema", "api.tl", DOC_BASE);
    static final JavaGenerator MTPROTO_GEN =
        new JavaGenerator(Schemas.MTPROTO, "io.telefetch.tl.mtproto", "MtprotoSchema", "mtproto.tl", DOC_BASE);
    static final Map<String, String> API = API_GEN.generate();
    static final Map<String, String> MTPROTO = MTPROTO_GEN.generate();
  }

  private static Combinator find(TlSchema s, String name) {
    return s.all().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
  }

  private static Combinator renamed(Combinator c, String name) {
    return new Combinator(name, c.id(), c.generics(), c.args(), c.result(), c.function(), c.line());
  }

  /** Names of the combinators whose declared id differs from {@link TlCrc#crc}. */
  private static Map<String, String> crcMismatches(TlSchema s) {
    Map<String, String> out = new TreeMap<>();
    for (Combinator c : s.all()) {
      if (c.id().isPresent() && TlCrc.crc(c) != c.id().getAsInt()) {
        out.put(c.name(), "id " + Integer.toHexString(c.id().getAsInt()) + ", crc "
            + Integer.toHexString(TlCrc.crc(c)) + " of \"" + TlCrc.normalise(c) + "\"");
      }
    }
    return out;
  }

  @Test
  void apiCounts() {
    assertThat(Schemas.API.layer()).hasValue(227);
    assertThat(Schemas.API.constructors()).hasSize(1623);
    assertThat(Schemas.API.functions()).hasSize(798);
    assertThat(Schemas.API.all()).allMatch(c -> c.id().isPresent());
  }

  @Test
  void mtprotoCounts() {
    assertThat(Schemas.MTPROTO.layer()).hasValue(227);
    assertThat(Schemas.MTPROTO.constructors()).hasSize(39);
    assertThat(Schemas.MTPROTO.functions()).hasSize(9);
    assertThat(Schemas.MTPROTO.all()).filteredOn(c -> c.id().isEmpty()).extracting(Combinator::name)
        .containsExactlyInAnyOrder("message", "rsa_public_key");
  }

  @Test
  void everyApiIdIsItsCrcExceptTheRenamedLegacyConstructors() {
    assertThat(crcMismatches(Schemas.API).keySet()).containsExactlyInAnyOrderElementsOf(RENAMED_LEGACY.keySet());
  }

  @Test
  void everyMtprotoIdIsItsCrc() {
    assertThat(crcMismatches(Schemas.MTPROTO)).isEmpty();
  }

  @Test
  void renamedLegacyConstructorsCarryTheCrcOfTheirOriginalName() {
    assertThat(find(Schemas.API, "inputPeerPhotoFileLocationLegacy").id()).hasValue(0x27d69997);
    assertThat(find(Schemas.API, "inputStickerSetThumbLegacy").id()).hasValue(0x0dbaeae9);
    RENAMED_LEGACY.forEach((legacy, original) -> {
      Combinator c = find(Schemas.API, legacy);
      assertThat(TlCrc.crc(c)).as(legacy).isNotEqualTo(c.id().getAsInt());
      assertThat(Integer.toHexString(TlCrc.crc(renamed(c, original)))).as("%s under the name %s", legacy, original)
          .isEqualTo(Integer.toHexString(c.id().getAsInt()));
      // the current constructor of the original name has a different id of its own
      Combinator current = find(Schemas.API, original);
      assertThat(current.id().getAsInt()).isNotEqualTo(c.id().getAsInt()).isEqualTo(TlCrc.crc(current));
    });
  }

  @Test
  void genericMethodsReproduceTheirIds() {
    Combinator invokeWithLayer = find(Schemas.API, "invokeWithLayer");
    assertThat(invokeWithLayer.id()).hasValue(0xda9b0d0d);
    assertThat(TlCrc.crc(invokeWithLayer)).isEqualTo(0xda9b0d0d);
    Combinator initConnection = find(Schemas.API, "initConnection");
    assertThat(initConnection.id()).hasValue(0xc1cd5ea9);
    assertThat(TlCrc.crc(initConnection)).isEqualTo(0xc1cd5ea9);
    List<Combinator> generic = Schemas.API.functions().stream().filter(c -> !c.generics().isEmpty()).collect(Collectors.toList());
    assertThat(generic).hasSizeGreaterThanOrEqualTo(10)
        .allSatisfy(c -> assertThat(TlCrc.crc(c)).as(c.name()).isEqualTo(c.id().getAsInt()));
  }

  @Test
  void generatorRunsOverBothSchemas() {
    assertThat(Generated.API).hasSizeGreaterThan(1623 + 798);
    assertThat(Generated.MTPROTO).isNotEmpty();
    assertThat(Generated.API_GEN.generateSamples()).containsOnlyKeys("io/telefetch/tl/api/ApiSamples.java");
    assertThat(Generated.MTPROTO_GEN.generateSamples()).containsOnlyKeys("io/telefetch/tl/mtproto/MtprotoSamples.java");
    // boolFalse, boolTrue and true get no classes; every other combinator does
    assertThat(Generated.API.get("io/telefetch/tl/api/ApiSchema.java"))
        .contains("public static final int LAYER = 227;", "public static final int CONSTRUCTORS = 1620;",
            "public static final int METHODS = 798;");
    // gzip_packed is handled by the runtime
    assertThat(Generated.MTPROTO.get("io/telefetch/tl/mtproto/MtprotoSchema.java"))
        .contains("public static final int CONSTRUCTORS = 38;", "public static final int METHODS = 9;")
        .doesNotContain("gzip_packed");
  }

  @Test
  void naming() {
    assertThat(Generated.API.get("io/telefetch/tl/api/upload/GetFile.java"))
        .contains("public final class GetFile implements TlMethod<io.telefetch.tl.api.upload.FileType> {")
        .contains("public static final int ID = 0xbe5335be;", "public static final java.lang.String NAME = \"upload.getFile\";");
    assertThat(Generated.API.get("io/telefetch/tl/api/User.java"))
        .contains("public final class User implements io.telefetch.tl.api.UserType {");
    assertThat(Generated.API.get("io/telefetch/tl/api/UserType.java"))
        .contains("public sealed interface UserType extends TlObject permits ")
        .containsPattern("permits [^{]*\\bUserEmpty\\b")
        .containsPattern("permits [^{]*\\bUser\\b");
    assertThat(Generated.API.get("io/telefetch/tl/api/InvokeWithLayer.java"))
        .contains("public final class InvokeWithLayer<X> implements TlMethod<X> {");
    assertThat(Generated.API.get("io/telefetch/tl/api/InitConnection.java"))
        .contains("public final class InitConnection<X> implements TlMethod<X> {", "public static <X> Builder<X> builder()");
    assertThat(Generated.MTPROTO.get("io/telefetch/tl/mtproto/PQInnerDataDc.java"))
        .contains("public final class PQInnerDataDc implements io.telefetch.tl.mtproto.PQInnerData {");
  }

  @Test
  void everyFileHasTheHeaderAndEveryCombinatorClassLinksToItsDocumentation() {
    checkFiles(Generated.API, "api.tl", Schemas.API, 1620, 798);
    checkFiles(Generated.MTPROTO, "mtproto.tl", Schemas.MTPROTO, 38, 9);
  }

  private static final Pattern NAME = Pattern.compile("public static final java\\.lang\\.String NAME = \"([\\w.]+)\";");

  private static void checkFiles(Map<String, String> files, String source, TlSchema schema, int constructors, int methods) {
    List<String> seenConstructors = new ArrayList<>();
    List<String> seenMethods = new ArrayList<>();
    for (Map.Entry<String, String> e : files.entrySet()) {
      String src = e.getValue();
      assertThat(src.substring(0, src.indexOf('\n'))).as(e.getKey())
          .contains("Generated by telefetch tl-codegen")
          .isEqualTo("// Generated by telefetch tl-codegen from " + source + ". Do not edit.");
      Matcher m = NAME.matcher(src);
      if (m.find()) {
        String name = m.group(1);
        boolean method = src.contains(" implements TlMethod<");
        (method ? seenMethods : seenConstructors).add(name);
        String link = "<a href=\"" + DOC_BASE + (method ? "/method/" : "/constructor/") + name + "\">" + name + "</a>";
        assertThat(src.substring(0, src.indexOf("\npublic "))).as(e.getKey()).contains(link);
      } else if (src.contains(" interface ")) {
        assertThat(src).as(e.getKey()).containsPattern("<a href=\"" + Pattern.quote(DOC_BASE) + "/type/[\\w.]+\">");
      }
    }
    assertThat(seenConstructors).hasSize(constructors).doesNotHaveDuplicates();
    assertThat(seenMethods).hasSize(methods).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(schema.functions().stream().map(Combinator::name).collect(Collectors.toList()));
  }
}
