package io.telefetch.examples;

import static java.util.stream.Collectors.toCollection;
import static java.util.stream.Collectors.toMap;
import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.link.TelegramLink;
import io.telefetch.media.MediaFetcher;
import io.telefetch.mtproto.client.TelegramClient;
import io.telefetch.pool.AccountPool;
import io.telefetch.redis.RedisShared;
import io.telefetch.testkit.TestCluster;
import io.telefetch.tl.TlObject;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API boundary and the direction of dependencies, read from the module descriptors of
 * the library artifacts this module was built against (in a reactor build, the jars just built):
 * each library is a named module, exports exactly its user-facing packages, reaches internals only
 * through the qualified exports listed here, and the modules depend one way: tl-api &lt;-
 * mtproto-core &lt;- media-fetch &lt;- link-resolver &lt;- account-pool &lt;- redis, testkit on mtproto-core,
 * nothing on testkit.
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
  static final String POOL = "io.telefetch.pool";
  static final String REDIS = "io.telefetch.redis";

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
        TestCluster.class, AccountPool.class, RedisShared.class)) {
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
    assertThat(libraries()).containsOnlyKeys(TL, MTPROTO, MEDIA, LINK, TESTKIT, POOL, REDIS);
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

  /** The account pool and the Redis state export one package each; Lettuce stays out of the API. */
  @Test
  void poolAndRedisExportOnePackageEach() {
    ModuleDescriptor pool = libraries().get(POOL);
    assertThat(unqualifiedExports(pool)).containsExactly("io.telefetch.pool");
    assertThat(qualifiedExports(pool)).isEmpty();
    ModuleDescriptor redis = libraries().get(REDIS);
    assertThat(unqualifiedExports(redis)).containsExactly("io.telefetch.redis");
    assertThat(qualifiedExports(redis)).isEmpty();
    assertThat(redis.requires()).anyMatch(r -> r.name().equals("lettuce.core")
        && !r.modifiers().contains(Requires.Modifier.TRANSITIVE));
    assertThat(pool.opens()).isEmpty();
    assertThat(redis.opens()).isEmpty();
  }

  /** testkit is a test tool: all of it is its API. */
  @Test
  void testkitExportsAllItsPackages() {
    ModuleDescriptor t = libraries().get(TESTKIT);
    assertThat(unqualifiedExports(t)).isEqualTo(new TreeSet<>(t.packages()))
        .containsExactly("io.telefetch.testkit", "io.telefetch.testkit.launcher", "io.telefetch.testkit.server",
            "io.telefetch.testkit.web", "io.telefetch.testkit.world");
  }

  /**
   * tl-api &lt;- mtproto-core &lt;- media-fetch &lt;- link-resolver &lt;- account-pool &lt;- redis; testkit on
   * mtproto-core; nothing on testkit.
   */
  @Test
  void dependenciesPointOneWay() {
    Map<String, ModuleDescriptor> libs = libraries();
    assertThat(telefetchRequires(libs.get(TL))).isEmpty();
    assertThat(telefetchRequires(libs.get(MTPROTO))).containsExactly(TL);
    assertThat(telefetchRequires(libs.get(MEDIA))).containsExactly(MTPROTO);
    assertThat(telefetchRequires(libs.get(LINK))).containsExactly(MEDIA);
    assertThat(telefetchRequires(libs.get(TESTKIT))).containsExactly(MTPROTO);
    assertThat(telefetchRequires(libs.get(POOL))).containsExactly(LINK);
    assertThat(telefetchRequires(libs.get(REDIS))).containsExactly(POOL);
    for (ModuleDescriptor d : libs.values()) {
      assertThat(telefetchRequires(d)).as(d.name()).doesNotContain(TESTKIT);
    }
    // each layer passes the one below on to its users (a MediaFetcher user sees TelegramClient)
    for (String[] edge : new String[][] {{MTPROTO, TL}, {MEDIA, MTPROTO}, {LINK, MEDIA}, {POOL, LINK}, {REDIS, POOL}}) {
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

  /**
   * Types of the SDK's exported API (public and protected members of public classes in exported
   * packages of tl-api, mtproto-core, media-fetch and link-resolver) that a user on the module path
   * could not name: Telefetch types in packages that are not exported, or third-party types other
   * than those of a module the library requires transitively (tl-api's Netty buffers, the OkHttpClient
   * a link-resolver user may pass in). There are none.
   */
  @Test
  void exportedApiNamesOnlyExportedTypes() {
    Map<String, ModuleDescriptor> libs = libraries();
    Set<String> exported = new TreeSet<>();
    for (ModuleDescriptor d : libs.values()) {
      exported.addAll(unqualifiedExports(d));
    }
    Set<String> leaks = new TreeSet<>();
    for (Class<?> anchor : List.of(TlObject.class, TelegramClient.class, MediaFetcher.class, TelegramLink.class,
        AccountPool.class, RedisShared.class)) {
      ModuleDescriptor d = moduleOf(anchor);
      for (Class<?> c : exportedClasses(anchor, unqualifiedExports(d))) {
        for (Type t : signatureTypes(c)) {
          collectLeaks(c, t, exported, THIRD_PARTY_API.getOrDefault(d.name(), Set.of()), leaks, new java.util.HashSet<>());
        }
      }
    }
    // none: server keys are a client-package ServerKeys and a DcKey shows only its auth_key_id
    // (issue 12 part 4); the list may only stay empty
    assertThat(leaks).isEmpty();
    // the third-party packages allowed above come from modules the library passes on to its users
    assertThat(moduleOf(TlObject.class).requires()).anyMatch(r -> r.name().equals("io.netty.buffer")
        && r.modifiers().contains(Requires.Modifier.TRANSITIVE));
    assertThat(moduleOf(TelegramLink.class).requires()).anyMatch(r -> r.name().equals("okhttp3")
        && r.modifiers().contains(Requires.Modifier.TRANSITIVE));
  }

  /** Per module: third-party packages its exported API may name (their modules are required transitively). */
  static final Map<String, Set<String>> THIRD_PARTY_API = Map.of(
      TL, Set.of("io.netty.buffer", "io.netty.util"),
      LINK, Set.of("okhttp3"));

  /** The public classes (nested ones included) of {@code packages}, from the location of {@code anchor}. */
  static List<Class<?>> exportedClasses(Class<?> anchor, Set<String> packages) {
    Path location;
    try {
      location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    List<String> names;
    try (java.lang.module.ModuleReader r = ModuleFinder.of(location).findAll().iterator().next().open();
        Stream<String> entries = r.list()) {
      names = entries.filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class")
              && !n.endsWith("package-info.class") && !n.startsWith("META-INF/"))
          .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
          .filter(n -> packages.contains(n.substring(0, n.lastIndexOf('.'))))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Class<?>> classes = new java.util.ArrayList<>();
    for (String n : names) {
      try {
        Class<?> c = Class.forName(n, false, anchor.getClassLoader());
        if (isApi(c)) {
          classes.add(c);
        }
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    return classes;
  }

  /** Public, and every enclosing class public too. */
  static boolean isApi(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  /** The types a user of {@code c} sees: supertypes, and public/protected fields, constructors, methods. */
  static List<Type> signatureTypes(Class<?> c) {
    List<Type> types = new java.util.ArrayList<>();
    if (c.getGenericSuperclass() != null) {
      types.add(c.getGenericSuperclass());
    }
    types.addAll(List.of(c.getGenericInterfaces()));
    for (Field f : c.getDeclaredFields()) {
      if (visible(f.getModifiers())) {
        types.add(f.getGenericType());
      }
    }
    List<Executable> executables = new java.util.ArrayList<>(List.of(c.getDeclaredMethods()));
    executables.addAll(List.<Constructor<?>>of(c.getDeclaredConstructors()));
    for (Executable e : executables) {
      if (!visible(e.getModifiers()) || e.isSynthetic()) {
        continue;
      }
      types.addAll(List.of(e.getGenericParameterTypes()));
      types.addAll(List.of(e.getGenericExceptionTypes()));
      if (e instanceof Method m) {
        types.add(m.getGenericReturnType());
      }
    }
    if (c.isRecord()) {
      for (RecordComponent rc : c.getRecordComponents()) {
        types.add(rc.getGenericType());
      }
    }
    return types;
  }

  static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  static void collectLeaks(Class<?> owner, Type t, Set<String> exported, Set<String> thirdParty, Set<String> leaks,
      Set<Type> seen) {
    if (!seen.add(t)) {
      return;
    }
    if (t instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (c.isPrimitive() || c.getName().startsWith("java.")) {
        return;
      }
      String pkg = c.getPackageName();
      boolean ok = exported.contains(pkg) || thirdParty.contains(pkg) || pkg.startsWith("org.jspecify.");
      if (!ok) {
        leaks.add(owner.getName() + " -> " + c.getName());
      }
    } else if (t instanceof ParameterizedType p) {
      collectLeaks(owner, p.getRawType(), exported, thirdParty, leaks, seen);
      for (Type a : p.getActualTypeArguments()) {
        collectLeaks(owner, a, exported, thirdParty, leaks, seen);
      }
    } else if (t instanceof GenericArrayType g) {
      collectLeaks(owner, g.getGenericComponentType(), exported, thirdParty, leaks, seen);
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        collectLeaks(owner, b, exported, thirdParty, leaks, seen);
      }
      for (Type b : w.getLowerBounds()) {
        collectLeaks(owner, b, exported, thirdParty, leaks, seen);
      }
    } else if (t instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        collectLeaks(owner, b, exported, thirdParty, leaks, seen);
      }
    }
  }
}
