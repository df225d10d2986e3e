package io.telefetch.examples;

import static java.util.stream.Collectors.toCollection;
import static java.util.stream.Collectors.toMap;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.link.TelegramLink;
import io.telefetch.media.MediaFetcher;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.testkit.TestCluster;
import io.telefetch.tl.TlObject;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The public API boundary and the direction of dependencies, read from the module descriptors of
 * the library artifacts this module was built against (in a reactor build, the jars just built):
 * each library is a named module, exports exactly its user-facing packages, reaches internals only
 * through the qualified exports listed here, and the modules depend one way: tl-api &lt;-
 * mtproto-core &lt;- media-fetch &lt;- link-resolver, testkit on mtproto-core, nothing on testkit.
 *
 * <p>A failure that says "automatic" means a library was built without its module-info (for
 * example an old jar in the local repository): rebuild the library modules.
 */
class ModuleBoundaryTest {
  static final String TL = "io.telefetch.tl";
  static final String MTPROTO = "io.telefetch.mtproto";
  static final String MEDIA = "io.telefetch.media";
  static final String LINK = "io.telefetch.link";
  static final String TESTKIT = "io.telefetch.testkit";

  /** The module descriptor of the jar (or exploded classes directory) that holds {@code type}. */
  static ModuleDescriptor moduleOf(Class<?> type) {
    Path location;
    try {
      location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Set<ModuleReference> found = ModuleFinder.of(location).findAll();
    assertThat(found).as("modules in %s", location).hasSize(1);
    ModuleDescriptor d = found.iterator().next().descriptor();
    assertThat(d.isAutomatic()).as("%s is an automatic module: built without module-info", location).isFalse();
    return d;
  }

  static Map<String, ModuleDescriptor> libraries() {
    Map<String, ModuleDescriptor> all = new TreeMap<>();
    for (Class<?> type : List.of(TlObject.class, TelegramClient.class, MediaFetcher.class, TelegramLink.class,
        TestCluster.class)) {
      ModuleDescriptor d = moduleOf(type);
      all.put(d.name(), d);
    }
    return all;
  }

  static Set<String> unqualifiedExports(ModuleDescriptor d) {
    return d.exports().stream().filter(e -> !e.isQualified()).map(Exports::source).collect(toCollection(TreeSet::new));
  }

  static Map<String, Set<String>> qualifiedExports(ModuleDescriptor d) {
    return d.exports().stream().filter(Exports::isQualified)
        .collect(toMap(Exports::source, e -> new TreeSet<>(e.targets()), (a, b) -> a, TreeMap::new));
  }

  /** The Telefetch modules {@code d} requires directly. */
  static Set<String> telefetchRequires(ModuleDescriptor d) {
    return d.requires().stream().map(Requires::name).filter(n -> n.startsWith("io.telefetch."))
        .collect(toCollection(TreeSet::new));
  }

  @Test
  void everyLibraryIsANamedModule() {
    assertThat(libraries()).containsOnlyKeys(TL, MTPROTO, MEDIA, LINK, TESTKIT);
    for (ModuleDescriptor d : libraries().values()) {
      assertThat(d.isOpen()).as(d.name()).isFalse();
      assertThat(d.version()).as(d.name()).isPresent();
    }
  }

  /**
   * tl-api is all API: the codec, TelefetchException, and every package generated from the schemas
   * (tl-codegen writes the exports, so no list here can drift from the schema either).
   */
  @Test
  void tlApiExportsEveryPackageItHas() {
    ModuleDescriptor tl = libraries().get(TL);
    assertThat(unqualifiedExports(tl)).isEqualTo(new TreeSet<>(tl.packages()))
        .contains("io.telefetch", "io.telefetch.tl", "io.telefetch.tl.mtproto", "io.telefetch.tl.api",
            "io.telefetch.tl.api.upload", "io.telefetch.tl.api.messages", "io.telefetch.tl.api.channels");
    assertThat(qualifiedExports(tl)).isEmpty();
    // the interop and decode tools live in examples now
    assertThat(tl.packages()).noneMatch(p -> p.startsWith("io.telefetch.examples"));
  }

  @Test
  void mtprotoCoreExportsTheClientAndRpcOnly() {
    ModuleDescriptor m = libraries().get(MTPROTO);
    assertThat(unqualifiedExports(m)).containsExactly("io.telefetch.mtproto.client", "io.telefetch.mtproto.rpc");
    assertThat(qualifiedExports(m)).isEqualTo(Map.of(
        "io.telefetch.mtproto.crypto", Set.of(MEDIA, TESTKIT),
        "io.telefetch.mtproto.exchange", Set.of(TESTKIT),
        "io.telefetch.mtproto.session", Set.of(TESTKIT),
        "io.telefetch.mtproto.transport", Set.of(TESTKIT)));
    // the connection is not reachable from any other module
    assertThat(m.packages()).contains("io.telefetch.mtproto.connection");
    assertThat(m.exports()).noneMatch(e -> e.source().equals("io.telefetch.mtproto.connection"));
    assertThat(m.opens()).isEmpty();
  }

  @Test
  void mediaFetchAndLinkResolverExportOnePackageEach() {
    ModuleDescriptor media = libraries().get(MEDIA);
    assertThat(unqualifiedExports(media)).containsExactly("io.telefetch.media");
    assertThat(qualifiedExports(media)).isEmpty();
    assertThat(media.packages()).contains("io.telefetch.media.engine");
    ModuleDescriptor link = libraries().get(LINK);
    assertThat(unqualifiedExports(link)).containsExactly("io.telefetch.link");
    assertThat(qualifiedExports(link)).isEmpty();
    assertThat(media.opens()).isEmpty();
    assertThat(link.opens()).isEmpty();
  }

  /** testkit is a test tool: all of it is its API. */
  @Test
  void testkitExportsAllItsPackages() {
    ModuleDescriptor t = libraries().get(TESTKIT);
    assertThat(unqualifiedExports(t)).isEqualTo(new TreeSet<>(t.packages()))
        .containsExactly("io.telefetch.testkit", "io.telefetch.testkit.launcher", "io.telefetch.testkit.server",
            "io.telefetch.testkit.web", "io.telefetch.testkit.world");
  }

  /** tl-api &lt;- mtproto-core &lt;- media-fetch &lt;- link-resolver; testkit on mtproto-core; nothing on testkit. */
  @Test
  void dependenciesPointOneWay() {
    Map<String, ModuleDescriptor> libs = libraries();
    assertThat(telefetchRequires(libs.get(TL))).isEmpty();
    assertThat(telefetchRequires(libs.get(MTPROTO))).containsExactly(TL);
    assertThat(telefetchRequires(libs.get(MEDIA))).containsExactly(MTPROTO);
    assertThat(telefetchRequires(libs.get(LINK))).containsExactly(MEDIA);
    assertThat(telefetchRequires(libs.get(TESTKIT))).containsExactly(MTPROTO);
    for (ModuleDescriptor d : libs.values()) {
      assertThat(telefetchRequires(d)).as(d.name()).doesNotContain(TESTKIT);
    }
    // each layer passes the one below on to its users (a MediaFetcher user sees TelegramClient)
    for (String[] edge : new String[][] {{MTPROTO, TL}, {MEDIA, MTPROTO}, {LINK, MEDIA}}) {
      assertThat(libs.get(edge[0]).requires()).as(edge[0]).anyMatch(r -> r.name().equals(edge[1])
          && r.modifiers().contains(Requires.Modifier.TRANSITIVE));
    }
  }

  /** Netty stays out of every library's module graph except as tl-api's buffer type and the I/O modules. */
  @Test
  void onlyTlApiPassesNettyOnToItsUsers() {
    for (ModuleDescriptor d : libraries().values()) {
      List<String> transitiveNetty = d.requires().stream()
          .filter(r -> r.name().startsWith("io.netty") && r.modifiers().contains(Requires.Modifier.TRANSITIVE))
          .map(Requires::name).toList();
      assertThat(transitiveNetty).as(d.name()).isEqualTo(d.name().equals(TL) ? List.of("io.netty.buffer") : List.of());
    }
  }
}
