package io.telefetch.tl.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden test of {@link JavaGenerator}: generates {@code src/test/resources/golden/example.tl} and
 * compares every generated file, and the {@code generateSamples()} output, with the checked-in
 * files under {@code src/test/resources/golden/expected/}: {@code main/<path>.java.txt} for {@code
 * generate()}, {@code samples/<path>.java.txt} for {@code generateSamples()}. (The {@code .txt} suffix
 * keeps them from being compiled or taken for committed generated code.)
 *
 * <p>After a deliberate change to the generator or to example.tl, regenerate the expected files
 * and review their diff before committing:
 *
 * <pre>
 * cd /work/main &amp;&amp; mvn -B -q install -pl tl-schema/tl-codegen -Dtest=JavaGeneratorGoldenTest -Dgolden.update=true
 * </pre>
 *
 * <p>(surefire passes {@code -D} properties on to the test JVM). Without {@code golden.update} the
 * test only compares and fails on any difference, naming the file and its first differing line.
 */
class JavaGeneratorGoldenTest {
  static final String BASE_PACKAGE = "io.telefetch.example";
  static final String SCHEMA_CLASS = "ExampleSchema";
  static final String DOC_BASE = "https://core.telegram.org";
  static final String SOURCE_NAME = "example.tl";
  private static final String SUFFIX = ".txt";

  private static Path goldenDir() {
    return ModuleDir.get().resolve("src/test/resources/golden");
  }

  private static Path expectedDir() {
    return goldenDir().resolve("expected");
  }

  static TlSchema exampleSchema() {
    try {
      return TlParser.parse(SOURCE_NAME, Files.readString(goldenDir().resolve(SOURCE_NAME), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything generated from example.tl, keyed by the expected file's path below expected/. */
  static Map<String, String> generated() {
    JavaGenerator gen = new JavaGenerator(exampleSchema(), BASE_PACKAGE, SCHEMA_CLASS, SOURCE_NAME, DOC_BASE);
    Map<String, String> files = new TreeMap<>();
    gen.generate().forEach((path, source) -> files.put("main/" + path + SUFFIX, source));
    gen.generateSamples().forEach((path, source) -> files.put("samples/" + path + SUFFIX, source));
    return files;
  }

  /** The checked-in expected files, keyed like {@link #generated()}; CRLF read as LF. */
  static Map<String, String> expected() throws IOException {
    Map<String, String> files = new TreeMap<>();
    Path root = expectedDir();
    if (!Files.isDirectory(root)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).collect(Collectors.toList())) {
        String key = root.relativize(p).toString().replace('\\', '/');
        files.put(key, Files.readString(p, StandardCharsets.UTF_8).replace("\r\n", "\n"));
      }
    }
    return files;
  }

  @BeforeAll
  static void updateIfRequested() throws IOException {
    if (!Boolean.getBoolean("golden.update")) {
      return;
    }
    Path root = expectedDir();
    if (Files.isDirectory(root)) {
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : walk.sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList())) {
          Files.delete(p);
        }
      }
    }
    for (Map.Entry<String, String> e : generated().entrySet()) {
      Path p = root.resolve(e.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, e.getValue(), StandardCharsets.UTF_8);
    }
    System.out.println("golden.update: rewrote " + generated().size() + " files under " + root);
  }

  @TestFactory
  Stream<DynamicTest> everyGeneratedFileEqualsItsExpectedFile() throws IOException {
    Map<String, String> expected = expected();
    return generated().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
      String want = expected.get(e.getKey());
      if (want == null) {
        fail("no expected file expected/" + e.getKey() + " (new generated file? re-run with -Dgolden.update=true)");
      }
      if (!want.equals(e.getValue())) {
        fail("generated " + e.getKey() + " differs from expected/" + e.getKey() + ": "
            + firstDifference(want, e.getValue()) + "\n(if the change is intended, re-run with -Dgolden.update=true)");
      }
    }));
  }

  @Test
  void expectedFilesAreExactlyTheGeneratedFiles() throws IOException {
    assertThat(expected().keySet())
        .as("files under %s (stale or missing expected files; re-run with -Dgolden.update=true)", expectedDir())
        .containsExactlyElementsOf(generated().keySet());
  }

  /**
   * Pins the naming independently of the golden files, so that regenerating them cannot silently
   * accept a naming change.
   */
  @Test
  void generatesTheseClasses() {
    String b = "io/telefetch/example/";
    assertThat(generated().keySet()).containsExactlyInAnyOrder(
        "main/" + b + "ExampleSchema.java.txt",
        // type interfaces: where a constructor class took the name, with the suffix Type
        "main/" + b + "PhotoSizeType.java.txt",
        "main/" + b + "UserProfilePhotoType.java.txt",
        "main/" + b + "UserType.java.txt",
        "main/" + b + "UserListType.java.txt",
        "main/" + b + "SettingsType.java.txt",
        "main/" + b + "MessageType.java.txt",
        "main/" + b + "MessageContainer.java.txt",
        "main/" + b + "MessageCopy.java.txt",
        "main/" + b + "auth/AuthorizationType.java.txt",
        // constructors
        "main/" + b + "PhotoSize.java.txt",
        "main/" + b + "UserProfilePhotoEmpty.java.txt",
        "main/" + b + "UserProfilePhoto.java.txt",
        "main/" + b + "User.java.txt",
        "main/" + b + "UserEmpty.java.txt",
        "main/" + b + "UserList.java.txt",
        "main/" + b + "Settings.java.txt",
        "main/" + b + "Message.java.txt",
        "main/" + b + "MsgContainer.java.txt",
        "main/" + b + "MsgCopy.java.txt",
        "main/" + b + "auth/Authorization.java.txt",
        "main/" + b + "auth/AuthorizationSignUpRequired.java.txt",
        // methods
        "main/" + b + "InvokeWithLayer.java.txt",
        "main/" + b + "auth/SignIn.java.txt",
        "main/" + b + "users/GetUsers.java.txt",
        "main/" + b + "users/GetRanks.java.txt",
        "main/" + b + "account/UpdateStatus.java.txt",
        // one package-info per package, @NullMarked
        "main/" + b + "package-info.java.txt",
        "main/" + b + "auth/package-info.java.txt",
        "main/" + b + "users/package-info.java.txt",
        "main/" + b + "account/package-info.java.txt",
        // generateSamples()
        "samples/" + b + "ExampleSamples.java.txt");
  }

  @Test
  void exampleSchemaParsesAsIntended() {
    TlSchema s = exampleSchema();
    assertThat(s.layer()).hasValue(7);
    // boolFalse, boolTrue, true are parsed but get no classes; the int/long/string/vector builtins are skipped
    assertThat(s.constructors()).extracting(TlSchema.Combinator::name).containsExactly(
        "boolFalse", "boolTrue", "true", "photoSize", "userProfilePhotoEmpty", "userProfilePhoto", "user",
        "userEmpty", "userList", "settings", "message", "msg_container", "msg_copy", "auth.authorization",
        "auth.authorizationSignUpRequired");
    assertThat(s.functions()).extracting(TlSchema.Combinator::name).containsExactly(
        "invokeWithLayer", "auth.signIn", "users.getUsers", "users.getRanks", "account.updateStatus");
  }

  /** The example's ids are real CRCs, as in Telegram's schemas, so it also exercises TlCrc. */
  @Test
  void everyExampleIdIsTheCrcOfItsDeclaration() {
    for (TlSchema.Combinator c : exampleSchema().all()) {
      if (c.id().isPresent()) {
        assertThat(Integer.toHexString(TlCrc.crc(c))).as("%s: %s", c.name(), TlCrc.normalise(c))
            .isEqualTo(Integer.toHexString(c.id().getAsInt()));
      }
    }
  }

  @Test
  void generationIsDeterministic() {
    assertThat(generated()).isEqualTo(generated());
  }

  /**
   * Cheap plausibility checks of the expected (and so of the generated) sources, since they cannot
   * be compiled here without the tl-api runtime: the header, a package matching the path, balanced
   * braces, parentheses and angle-free brackets outside literals and comments.
   */
  @Test
  void expectedFilesAreSyntacticallyPlausible() throws IOException {
    Map<String, String> expected = expected();
    assertThat(expected).isNotEmpty();
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String path = e.getKey();
      String src = e.getValue();
      String javaPath = path.substring(path.indexOf('/') + 1, path.length() - SUFFIX.length());
      String pkg = javaPath.substring(0, javaPath.lastIndexOf('/')).replace('/', '.');
      String simple = javaPath.substring(javaPath.lastIndexOf('/') + 1, javaPath.length() - ".java".length());
      assertThat(src).as(path).startsWith("// Generated by telefetch tl-codegen from example.tl. Do not edit.\n")
          .contains("\npackage " + pkg + ";\n");
      if (simple.equals("package-info")) {
        assertThat(src).as(path).contains("\n@NullMarked\npackage " + pkg + ";\n")
            .endsWith("\nimport org.jspecify.annotations.NullMarked;\n");
      } else {
        assertThat(src).as(path).containsPattern("\npublic (final class|sealed interface|interface) " + simple + "\\b")
            .endsWith("}\n");
      }
      checkBalanced(path, src);
    }
  }

  /** Spot checks of what example.tl exercises, readable without opening the golden files. */
  @Test
  void generatedCodeHandlesTheExampleFeatures() {
    Map<String, String> g = generated();
    String b = "main/io/telefetch/example/";
    assertThat(g.get(b + "UserType.java.txt")).contains("public sealed interface UserType extends TlObject permits User, UserEmpty {}");
    assertThat(g.get(b + "auth/AuthorizationType.java.txt"))
        .contains("public sealed interface AuthorizationType extends TlObject permits Authorization, AuthorizationSignUpRequired {}");
    // two flags fields; ?true fields, a value field sharing their bit, several optional kinds
    assertThat(g.get(b + "User.java.txt"))
        .contains("public final class User implements io.telefetch.example.UserType {")
        .contains("public User(boolean self, boolean contact, long id, java.lang.@Nullable Long accessHash,"
            + " java.lang.@Nullable String firstName, io.telefetch.example.@Nullable UserProfilePhotoType photo,"
            + " java.lang.@Nullable Integer storiesMaxId, java.lang.@Nullable Integer botInfoVersion,"
            + " java.util.@Nullable List<java.lang.Long> usernames)")
        .contains("import org.jspecify.annotations.Nullable;\n")
        // optional values are @Nullable wherever they are declared, and their javadoc says so
        .contains("private final java.lang.@Nullable Long accessHash;")
        .contains("/** {@return {@code access_hash}, or null when absent} */\n  public java.lang.@Nullable Long accessHash() {")
        .contains("public Builder accessHash(java.lang.@Nullable Long accessHash) {")
        .contains("   * @param accessHash {@code access_hash}, or null when absent\n")
        // ?true flags are plain booleans
        .contains("/** {@return {@code self}} */\n  public boolean self() {")
        .contains("int __flags = __r.readInt();", "int __flags2 = __r.readInt();")
        .contains("boolean self = (__flags & 1024) != 0;", "boolean contact = (__flags & 1024) != 0;")
        .contains("java.lang.Integer storiesMaxId = (__flags & 1024) != 0 ? __r.readInt() : null;")
        .contains("java.util.List<java.lang.Long> usernames = (__flags2 & 2) != 0 ? __r.readLongVector() : null;")
        .contains("__w.writeInt(__flags2);")
        .contains("public static Builder builder()");
    assertThat(g.get(b + "UserList.java.txt"))
        .contains("__w.writeObjectVector(users);", "__w.writeIntVector(ranks);")
        .contains("__w.writeBareVector(sizes, (__we, __x) -> __x.writeBody(__we));")
        .contains("main.writeBody(__w);", "io.telefetch.example.PhotoSize main = io.telefetch.example.PhotoSize.read(__r);")
        .doesNotContain("builder()");
    assertThat(g.get(b + "Settings.java.txt"))
        .contains("int default_", "java.lang.String static_", "java.lang.@Nullable String class_", "boolean new_")
        .contains(".field(\"default\", default_)");
    assertThat(g.get(b + "MsgContainer.java.txt"))
        .contains("java.util.List<io.telefetch.example.Message> messages = __r.readBareVector(__re -> io.telefetch.example.Message.read(__re));");
    assertThat(g.get(b + "MsgCopy.java.txt")).contains("io.telefetch.example.Message origMessage = io.telefetch.example.Message.read(__r);");
    assertThat(g.get(b + "Message.java.txt")).contains("public static final int ID = 0;")
        // nothing optional: no @Nullable import
        .doesNotContain("Nullable");
    assertThat(g.get(b + "InvokeWithLayer.java.txt"))
        .contains("public final class InvokeWithLayer<X> implements TlMethod<X> {")
        .contains(" * @param <X> the result type of the wrapped query\n */\n")
        .contains("public X readResult(TlReader __r) {\n    return query.readResult(__r);");
    assertThat(g.get(b + "users/GetUsers.java.txt"))
        .contains("implements TlMethod<java.util.List<io.telefetch.example.UserType>>")
        .contains("return __r.readObjectVector(io.telefetch.example.UserType.class);");
    assertThat(g.get(b + "users/GetRanks.java.txt")).contains("return __r.readIntVector();");
    assertThat(g.get(b + "account/UpdateStatus.java.txt"))
        .contains("implements TlMethod<java.lang.Boolean>", "private final boolean offline;", "return __r.readBool();");
    assertThat(g.get(b + "ExampleSchema.java.txt"))
        .contains("public static final int LAYER = 7;")
        .contains("b.add(0xda9b0d0d, \"invokeWithLayer\", new Deserializer(11));")
        .contains("case 11: return io.telefetch.example.InvokeWithLayer.read(r);")
        // no method references: each would spin a lambda class and load its target at registration
        .doesNotContain("::", "boolTrue", "\"message\"");
  }

  private static String firstDifference(String expected, String actual) {
    String[] e = expected.split("\n", -1);
    String[] a = actual.split("\n", -1);
    for (int i = 0; i < Math.max(e.length, a.length); i++) {
      String el = i < e.length ? e[i] : "<end of file>";
      String al = i < a.length ? a[i] : "<end of file>";
      if (!el.equals(al)) {
        return "first difference at line " + (i + 1) + "\n  expected: " + el + "\n  actual:   " + al;
      }
    }
    return "(no line differs)";
  }

  /** Braces, parentheses and brackets balance and nest, ignoring literals and comments. */
  private static void checkBalanced(String path, String src) {
    Deque<Character> open = new ArrayDeque<>();
    int line = 1;
    for (int i = 0; i < src.length(); i++) {
      char ch = src.charAt(i);
      if (ch == '\n') {
        line++;
      } else if (ch == '/' && src.startsWith("//", i)) {
        i = src.indexOf('\n', i) - 1;
      } else if (ch == '/' && src.startsWith("/*", i)) {
        int end = src.indexOf("*/", i + 2);
        assertThat(end).as("%s:%d: unterminated comment", path, line).isGreaterThan(0);
        line += (int) src.substring(i, end).chars().filter(c -> c == '\n').count();
        i = end + 1;
      } else if (ch == '"' || ch == '\'') {
        int j = i + 1;
        while (j < src.length() && src.charAt(j) != ch) {
          assertThat(src.charAt(j)).as("%s:%d: unterminated literal", path, line).isNotEqualTo('\n');
          j += src.charAt(j) == '\\' ? 2 : 1;
        }
        i = j;
      } else if ("{([".indexOf(ch) >= 0) {
        open.push(ch);
      } else if ("})]".indexOf(ch) >= 0) {
        char want = "{([".charAt("})]".indexOf(ch));
        if (open.isEmpty() || open.pop() != want) {
          fail(path + ":" + line + ": unbalanced '" + ch + "'");
        }
      }
    }
    assertThat(open).as("%s: unclosed brackets", path).isEmpty();
  }
}
