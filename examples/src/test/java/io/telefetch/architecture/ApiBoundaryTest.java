package io.telefetch.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.telefetch.TelefetchException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of the public API boundary, checked on the main classes of every library module
 * (tl-api, mtproto-core, media-fetch, link-resolver; testkit, examples and benchmarks are tools, not
 * library code):
 *
 * <ul>
 *   <li>every exception class is a {@link TelefetchException};
 *   <li>no main code throws a bare {@code IllegalStateException}, {@code RuntimeException} or {@code
 *       SecurityException}, outside the few places listed in {@link #MISUSE_GUARDS} (a builder or
 *       options check, or a guard against an internal caller driving a state machine wrongly: the
 *       programmer errors {@link TelefetchException}'s javadoc keeps as JDK types);
 *   <li>no Netty type appears in a public signature of the user-facing packages.
 * </ul>
 */
class ApiBoundaryTest {
  /** Library packages (prefixes); everything else under io.telefetch is a tool. */
  private static final List<String> LIBRARY =
      List.of("io.telefetch.tl", "io.telefetch.mtproto", "io.telefetch.media", "io.telefetch.link");

  /** The packages a user programs against (exported by the modules), where Netty must not show. */
  private static final Set<String> USER_FACING = Set.of("io.telefetch", "io.telefetch.mtproto.client",
      "io.telefetch.mtproto.rpc", "io.telefetch.media", "io.telefetch.link");

  /**
   * Methods that may still construct a bare IllegalStateException: each guards against a programmer
   * error by an internal caller, never against something the network, the disk or the clock can do.
   */
  private static final Set<String> MISUSE_GUARDS = Set.of(
      // a key exchange driven after it ended, or in a state it cannot be in
      "io.telefetch.mtproto.exchange.ClientKeyExchange.onResponse",
      "io.telefetch.mtproto.exchange.ServerKeyExchange.handle",
      // a codec asked to do the other side's job
      "io.telefetch.mtproto.transport.TransportCodec.encode",
      "io.telefetch.mtproto.transport.TransportCodec.encodeQuickAck",
      "io.telefetch.mtproto.transport.TransportCodec.encodeError",
      // test helper: runs a task on the connection's event loop
      "io.telefetch.mtproto.connection.MtprotoConnection.onLoop",
      // an interceptor chain's terminal asked to proceed; a non-channel peer asked for an InputChannel
      "io.telefetch.mtproto.rpc.InterceptorChain$Link.proceed",
      "io.telefetch.link.Peer.toInputChannel",
      // the downloader appends chunks in order by construction
      "io.telefetch.media.ResumeState.append");

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    // jars included: a module outside the reactor build comes from the local repository
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.telefetch");
  }

  private static boolean library(JavaClass c) {
    String p = c.getPackageName();
    return p.equals("io.telefetch") || LIBRARY.stream().anyMatch(l -> p.equals(l) || p.startsWith(l + "."));
  }

  @Test
  void theImportSeesEveryLibraryModule() {
    for (String type : List.of("io.telefetch.TelefetchException", "io.telefetch.tl.TlDecodeException",
        "io.telefetch.mtproto.client.TelegramClient", "io.telefetch.media.MediaFetcher",
        "io.telefetch.link.TelegramLink", "io.telefetch.tl.api.MessageEmpty")) {
      assertThat(classes.contain(type)).as(type).isTrue();
    }
  }

  @Test
  void everyExceptionOfTheLibraryIsATelefetchException() {
    List<String> outside = new ArrayList<>();
    int checked = 0;
    for (JavaClass c : classes) {
      if (library(c) && c.isAssignableTo(Throwable.class) && !c.isEquivalentTo(TelefetchException.class)) {
        checked++;
        if (!c.isAssignableTo(TelefetchException.class)) {
          outside.add(c.getName() + " extends " + c.getRawSuperclass().map(JavaClass::getName).orElse("?"));
        }
      }
    }
    assertThat(outside).as("exceptions outside the tree").isEmpty();
    assertThat(checked).as("exception classes found").isGreaterThan(30);
  }

  @Test
  void noBareIllegalStateRuntimeOrSecurityExceptionsOutsideBuildersAndMisuseGuards() {
    Set<String> bare = new TreeSet<>();
    Set<String> guardsUsed = new HashSet<>();
    for (JavaClass c : classes) {
      if (!library(c)) {
        continue;
      }
      for (JavaConstructorCall call : c.getConstructorCallsFromSelf()) {
        JavaClass target = call.getTargetOwner();
        if (!target.isEquivalentTo(IllegalStateException.class) && !target.isEquivalentTo(RuntimeException.class)
            && !target.isEquivalentTo(SecurityException.class)) {
          continue;
        }
        if (call.getOrigin().isConstructor() && call.getOriginOwner().getRawSuperclass()
            .map(sup -> sup.isEquivalentTo(target.reflect())).orElse(false)) {
          continue; // super(...) of TelefetchException itself
        }
        String origin = call.getOriginOwner().getName() + "." + methodName(call.getOrigin().getName());
        if (MISUSE_GUARDS.contains(origin)) {
          guardsUsed.add(origin);
          continue;
        }
        if (builderOrOptions(call.getOriginOwner()) || unreachableGeneratedDefault(call)) {
          continue;
        }
        bare.add(target.getSimpleName() + " in " + origin + " (" + call.getSourceCodeLocation() + ")");
      }
    }
    assertThat(bare).as("bare JDK exceptions thrown at run time: use a TelefetchException subtype").isEmpty();
    assertThat(guardsUsed).as("allow-list entries that no longer match (remove them)")
        .containsExactlyInAnyOrderElementsOf(MISUSE_GUARDS);
  }

  /** The method a lambda body belongs to ({@code lambda$encode$0} is in {@code encode}). */
  private static String methodName(String name) {
    if (name.startsWith("lambda$")) {
      int end = name.indexOf('$', "lambda$".length());
      return end > 0 ? name.substring("lambda$".length(), end) : name;
    }
    return name;
  }

  /**
   * The {@code default:} branch of a switch that tl-codegen generated over a closed set of indexes
   * (the schema's deserializers and the random samples of the interop tests): it cannot be reached.
   */
  private static boolean unreachableGeneratedDefault(JavaConstructorCall call) {
    JavaClass owner = call.getOriginOwner();
    String name = owner.getName();
    boolean generated = name.startsWith("io.telefetch.tl.api.") || name.startsWith("io.telefetch.tl.mtproto.");
    return generated && (owner.getSimpleName().endsWith("Samples") || owner.getSimpleName().equals("Deserializer"))
        && call.getTarget().getRawParameterTypes().size() <= 1;
  }

  /** Option values and builders check their arguments at build time (programmer errors). */
  private static boolean builderOrOptions(JavaClass owner) {
    String name = owner.getSimpleName();
    return name.equals("Builder") || name.endsWith("Builder") || name.endsWith("Options");
  }

  @Test
  void noNettyTypeInAPublicSignatureOfTheUserFacingPackages() {
    List<String> leaks = new ArrayList<>();
    int types = 0;
    for (JavaClass c : classes) {
      if (!USER_FACING.contains(c.getPackageName()) || !visible(c)) {
        continue;
      }
      types++;
      Class<?> type = c.reflect();
      check(type.getName() + " extends", type.getGenericSuperclass(), leaks);
      for (Type i : type.getGenericInterfaces()) {
        check(type.getName() + " implements", i, leaks);
      }
      for (Field f : type.getDeclaredFields()) {
        if (exposed(f.getModifiers())) {
          check(type.getName() + "." + f.getName(), f.getGenericType(), leaks);
        }
      }
      for (Method m : type.getDeclaredMethods()) {
        if (exposed(m.getModifiers()) && !m.isSynthetic()) {
          check(type.getName() + "." + m.getName() + " returns", m.getGenericReturnType(), leaks);
          signature(type.getName() + "." + m.getName(), m, leaks);
        }
      }
      for (Constructor<?> k : type.getDeclaredConstructors()) {
        if (exposed(k.getModifiers()) && !k.isSynthetic()) {
          signature(type.getName() + ".<init>", k, leaks);
        }
      }
    }
    assertThat(leaks).as("Netty types in the public API").isEmpty();
    assertThat(types).as("public types checked").isGreaterThan(40);
  }

  /** Public, and every enclosing class public too. */
  private static boolean visible(JavaClass c) {
    for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
      if (!k.getModifiers().contains(JavaModifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  private static boolean exposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void signature(String where, Executable e, List<String> leaks) {
    for (Type p : e.getGenericParameterTypes()) {
      check(where + " takes", p, leaks);
    }
    for (Type x : e.getGenericExceptionTypes()) {
      check(where + " throws", x, leaks);
    }
  }

  private static void check(String where, Type type, List<String> leaks) {
    collect(type, new HashSet<>()).stream().filter(n -> n.startsWith("io.netty."))
        .forEach(n -> leaks.add(where + " " + n));
  }

  /** The names of every class a (generic) type mentions. */
  private static Set<String> collect(Type type, Set<String> names) {
    if (type instanceof Class<?> k) {
      names.add(k.isArray() ? k.getComponentType().getName() : k.getName());
    } else if (type instanceof ParameterizedType p) {
      collect(p.getRawType(), names);
      for (Type a : p.getActualTypeArguments()) {
        collect(a, names);
      }
    } else if (type instanceof GenericArrayType g) {
      collect(g.getGenericComponentType(), names);
    } else if (type instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        collect(b, names);
      }
      for (Type b : w.getLowerBounds()) {
        collect(b, names);
      }
    } else if (type instanceof TypeVariable<?> v && names.add("var " + v.getName())) {
      for (Type b : v.getBounds()) {
        collect(b, names);
      }
    }
    return names;
  }
}
