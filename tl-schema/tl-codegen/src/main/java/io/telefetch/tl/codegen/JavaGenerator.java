package io.telefetch.tl.codegen;

import io.telefetch.tl.codegen.TlSchema.Arg;
import io.telefetch.tl.codegen.TlSchema.Combinator;
import io.telefetch.tl.codegen.TlSchema.TypeRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns one parsed schema into Java sources: a sealed interface per boxed type, a final class per
 * constructor and per function (implementing {@code TlMethod<R>}), and a {@code <Name>Schema}
 * class that registers every id with a {@code TlRegistry} without loading the classes (its
 * deserializer switches over a dense index to each class's static {@code read}). Optionally
 * also a {@code <Name>Samples} class that builds random instances of every combinator.
 *
 * <p>Naming: namespace {@code upload} maps to package {@code <base>.upload}; a combinator's class
 * is its name in UpperCamelCase ({@code upload.getFile} to {@code GetFile}, {@code
 * p_q_inner_data_dc} to {@code PQInnerDataDc}); a type's interface likewise, with the suffix
 * {@code Type} when that name is already taken by a class in its package ({@code User} the
 * constructor, {@code UserType} the type). Fields become lowerCamelCase accessors; Java keywords
 * and names of inherited methods get a trailing underscore.
 */
public final class JavaGenerator {

  /** Builtin combinators that the runtime handles itself; no classes are generated for them. */
  private static final Set<String> BUILTIN_COMBINATORS =
      Set.of("boolFalse", "boolTrue", "true", "vector", "gzip_packed");

  private static final Set<String> RESERVED = Set.of(
      "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
      "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float",
      "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native",
      "new", "package", "private", "protected", "public", "return", "short", "static", "strictfp",
      "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void",
      "volatile", "while", "true", "false", "null", "var", "record", "yield", "sealed", "permits",
      // members every generated class already has
      "write", "writeBody", "constructorId", "tlName", "appendJson", "readResult", "equals",
      "hashCode", "toString", "getClass", "notify", "notifyAll", "wait", "clone", "finalize",
      "builder", "toBuilder", "read", "build");

  private final TlSchema schema;
  private final String basePackage;
  private final String schemaClass;
  private final String sourceName;
  private final String docBase;

  private final Map<String, List<Combinator>> constructorsByType = new LinkedHashMap<>();
  private final Map<String, Combinator> constructorsByName = new HashMap<>();
  private final Map<String, String> typeClass = new HashMap<>(); // TL type -> FQN
  private final Map<Combinator, String> combinatorClass = new HashMap<>(); // -> FQN

  /**
   * @param schema the parsed schema
   * @param basePackage the Java package of the root namespace
   * @param schemaClass simple name of the registration class, e.g. {@code ApiSchema}
   * @param sourceName the schema file name, for headers
   * @param docBase documentation site, e.g. {@code https://core.telegram.org}
   */
  public JavaGenerator(TlSchema schema, String basePackage, String schemaClass, String sourceName, String docBase) {
    this.schema = schema;
    this.basePackage = basePackage;
    this.schemaClass = schemaClass;
    this.sourceName = sourceName;
    this.docBase = docBase;
    index();
  }

  private void index() {
    Map<String, Map<String, String>> taken = new HashMap<>(); // package -> lower name -> owner
    for (Combinator c : schema.all()) {
      if (skipped(c)) {
        continue;
      }
      if (!c.function()) {
        constructorsByType.computeIfAbsent(c.result().name(), k -> new ArrayList<>()).add(c);
        constructorsByName.put(c.name(), c);
      }
      String pkg = packageOf(c.namespace());
      String simple = className(c.localName());
      Map<String, String> names = taken.computeIfAbsent(pkg, k -> new HashMap<>());
      if (names.containsKey(simple.toLowerCase(Locale.ROOT))) {
        simple = simple + (c.function() ? "Method" : "Constructor");
      }
      if (names.putIfAbsent(simple.toLowerCase(Locale.ROOT), c.name()) != null) {
        throw new IllegalStateException("class name clash for " + c.name() + " in " + pkg);
      }
      combinatorClass.put(c, pkg + "." + simple);
    }
    for (String type : constructorsByType.keySet()) {
      String ns = type.contains(".") ? type.substring(0, type.lastIndexOf('.')) : "";
      String local = type.substring(type.lastIndexOf('.') + 1);
      String pkg = packageOf(ns);
      Map<String, String> names = taken.computeIfAbsent(pkg, k -> new HashMap<>());
      String simple = className(local);
      while (names.containsKey(simple.toLowerCase(Locale.ROOT))) {
        simple = simple + "Type";
      }
      names.put(simple.toLowerCase(Locale.ROOT), type);
      typeClass.put(type, pkg + "." + simple);
    }
  }

  private static boolean skipped(Combinator c) {
    return !c.function() && BUILTIN_COMBINATORS.contains(c.name());
  }

  private String packageOf(String namespace) {
    return namespace.isEmpty() ? basePackage : basePackage + "." + namespace.toLowerCase(Locale.ROOT);
  }

  /** {@code p_q_inner_data_dc} -> {@code PQInnerDataDc}; {@code getFile} -> {@code GetFile}. */
  static String className(String tlName) {
    StringBuilder sb = new StringBuilder();
    for (String part : tlName.split("_")) {
      if (!part.isEmpty()) {
        sb.append(Character.toUpperCase(part.charAt(0))).append(part, 1, part.length());
      }
    }
    return sb.toString();
  }

  /** {@code access_hash} -> {@code accessHash}; keywords get a trailing underscore. */
  static String fieldName(String tlName) {
    StringBuilder sb = new StringBuilder();
    boolean upper = false;
    for (char ch : tlName.toCharArray()) {
      if (ch == '_') {
        upper = sb.length() > 0;
      } else {
        sb.append(upper ? Character.toUpperCase(ch) : ch);
        upper = false;
      }
    }
    String s = sb.toString();
    return RESERVED.contains(s) ? s + "_" : s;
  }

  /** The generated files: path relative to a source root -> content. */
  public Map<String, String> generate() {
    Map<String, String> files = new TreeMap<>();
    for (Map.Entry<String, List<Combinator>> e : constructorsByType.entrySet()) {
      String fqn = typeClass.get(e.getKey());
      files.put(path(fqn), typeInterface(e.getKey(), fqn, e.getValue()));
    }
    for (Map.Entry<Combinator, String> e : combinatorClass.entrySet()) {
      files.put(path(e.getValue()), combinatorSource(e.getKey(), e.getValue()));
    }
    files.put(path(basePackage + "." + schemaClass), registrationSource());
    for (String pkg : packages(files)) {
      files.put(pkg.replace('.', '/') + "/package-info.java", packageInfo(pkg));
    }
    return files;
  }

  /** The Java packages that {@code files} (paths relative to a source root) declare classes in. */
  public static java.util.SortedSet<String> packages(Map<String, String> files) {
    java.util.SortedSet<String> pkgs = new java.util.TreeSet<>();
    for (String path : files.keySet()) {
      int slash = path.lastIndexOf('/');
      if (slash > 0 && path.endsWith(".java") && !path.endsWith("/module-info.java")) {
        pkgs.add(path.substring(0, slash).replace('/', '.'));
      }
    }
    return pkgs;
  }

  /**
   * The package-info of a generated package: what it holds, and {@code @NullMarked}: a value is
   * never null unless its type says {@code @Nullable} (the optional fields of the schema).
   */
  private String packageInfo(String pkg) {
    String ns = pkg.equals(basePackage) ? "the root namespace" : "namespace {@code "
        + pkg.substring(basePackage.length() + 1) + "}";
    return doNotEditLine()
        + "/**\n * The TL types, constructors and methods of " + ns + " in {@code " + sourceName + "}, generated\n"
        + " * from the schema. Values are immutable; optional fields are {@code @Nullable}, everything else is\n"
        + " * never null.\n */\n"
        + "@NullMarked\n"
        + "package " + pkg + ";\n\n"
        + "import org.jspecify.annotations.NullMarked;\n";
  }

  /**
   * A {@code module-info.java} from {@code template}: the line {@code // @generated-exports} (alone
   * on its line, indented as the exports should be) is replaced by one {@code exports} line per package of {@code packages} (sorted), so the module
   * exports every generated package without a hand-kept list. Everything else (the module name,
   * {@code requires}, the exports of hand-written packages) stays as the template has it.
   *
   * @param template the module-info source with one {@code // @generated-exports} line
   * @param packages the generated packages to export
   * @return the module-info source
   */
  public static String moduleInfo(String template, java.util.Collection<String> packages) {
    StringBuilder sb = new StringBuilder();
    boolean marked = false;
    for (String line : template.split("\n", -1)) {
      if (line.strip().equals("// @generated-exports")) {
        if (marked) {
          throw new IllegalArgumentException("more than one @generated-exports line in the module-info template");
        }
        marked = true;
        String indent = line.substring(0, line.length() - line.stripLeading().length());
        sb.append(indent).append("// exports generated by tl-codegen from the schema packages\n");
        for (String pkg : new java.util.TreeSet<>(packages)) {
          sb.append(indent).append("exports ").append(pkg).append(";\n");
        }
      } else {
        sb.append(line).append('\n');
      }
    }
    if (!marked) {
      throw new IllegalArgumentException("no @generated-exports line in the module-info template");
    }
    sb.setLength(sb.length() - 1);
    return sb.toString();
  }

  /**
   * The first line of every file this generator writes (under {@code target/generated-sources}, never
   * committed): which tool wrote it from which schema, and that edits are lost at the next build.
   */
  private String doNotEditLine() {
    return "// Generated by telefetch tl-codegen from " + sourceName + ". Do not edit.\n";
  }

  private static String path(String fqn) {
    return fqn.replace('.', '/') + ".java";
  }

  private static String pkg(String fqn) {
    return fqn.substring(0, fqn.lastIndexOf('.'));
  }

  private static String simple(String fqn) {
    return fqn.substring(fqn.lastIndexOf('.') + 1);
  }

  private String header(String fqn, boolean nullable) {
    return doNotEditLine()
        + "package " + pkg(fqn) + ";\n\n"
        + "import io.telefetch.tl.TlBytes;\n"
        + "import io.telefetch.tl.TlJson;\n"
        + "import io.telefetch.tl.TlMethod;\n"
        + "import io.telefetch.tl.TlObject;\n"
        + "import io.telefetch.tl.TlReader;\n"
        + "import io.telefetch.tl.TlWriter;\n"
        + (nullable ? "import org.jspecify.annotations.Nullable;\n" : "")
        + "\n";
  }

  /**
   * {@code jt} with a type-use {@code @Nullable}: before the simple name of a qualified type
   * ({@code java.lang.@Nullable Integer}, {@code java.util.@Nullable List<...>}), else in front.
   */
  static String nullable(String jt) {
    int lt = jt.indexOf('<');
    String base = lt < 0 ? jt : jt.substring(0, lt);
    int dot = base.lastIndexOf('.');
    return dot < 0 ? "@Nullable " + jt : jt.substring(0, dot + 1) + "@Nullable " + jt.substring(dot + 1);
  }

  // ---------------------------------------------------------------- type interfaces

  private String typeInterface(String type, String fqn, List<Combinator> ctors) {
    StringBuilder sb = new StringBuilder(header(fqn, false));
    boolean samePackage = ctors.stream().allMatch(c -> pkg(combinatorClass.get(c)).equals(pkg(fqn)));
    sb.append("/**\n * The TL type {@code ").append(type).append("}: one of");
    for (Combinator c : ctors) {
      sb.append(" {@link ").append(combinatorClass.get(c)).append('}');
    }
    sb.append(".\n *\n * <p>Generated from the schema; see <a href=\"").append(docBase).append("/type/")
        .append(type).append("\">").append(type).append("</a>.\n */\n");
    sb.append("public ").append(samePackage ? "sealed " : "").append("interface ").append(simple(fqn))
        .append(" extends TlObject");
    if (samePackage) {
      sb.append(" permits ");
      for (int i = 0; i < ctors.size(); i++) {
        sb.append(i > 0 ? ", " : "").append(simple(combinatorClass.get(ctors.get(i))));
      }
    }
    sb.append(" {}\n");
    return sb.toString();
  }

  // ---------------------------------------------------------------- combinators

  /** A field as generated: its arg, Java name and Java type. */
  private record Field(Arg arg, String name, String javaType, boolean primitive) {
    /** Whether the field may be null: an optional field that is not a {@code true} flag. */
    boolean nullable() {
      return arg.optional() && !arg.isTrueFlag();
    }

    /** The type as declared: {@link #javaType} with {@code @Nullable} when {@link #nullable}. */
    String declType() {
      return nullable() ? JavaGenerator.nullable(javaType) : javaType;
    }

    /** The javadoc text of the field: its TL name, and absence when optional. */
    String doc() {
      return "{@code " + arg.name() + "}" + (nullable() ? ", or null when absent" : "");
    }
  }

  private List<Field> fields(Combinator c) {
    List<Field> fields = new ArrayList<>();
    for (Arg a : c.args()) {
      if (a.isFlags()) {
        continue;
      }
      String jt;
      boolean primitive;
      if (a.isTrueFlag()) {
        jt = "boolean";
        primitive = true;
      } else if (a.optional()) {
        jt = boxedJavaType(a.type(), c);
        primitive = false;
      } else {
        jt = javaType(a.type(), c);
        primitive = Character.isLowerCase(jt.charAt(0)) && !jt.contains(".");
      }
      fields.add(new Field(a, fieldName(a.name()), jt, primitive));
    }
    return fields;
  }

  private String javaType(TypeRef t, Combinator owner) {
    return switch (t.name()) {
      case "int" -> "int";
      case "long" -> "long";
      case "double" -> "double";
      case "Bool" -> "boolean";
      default -> boxedJavaType(t, owner);
    };
  }

  private String boxedJavaType(TypeRef t, Combinator owner) {
    if (t.bang()) {
      return "TlMethod<" + t.name() + ">";
    }
    if (owner.generics().contains(t.name())) {
      return t.name();
    }
    return switch (t.name()) {
      case "int" -> "java.lang.Integer";
      case "long" -> "java.lang.Long";
      case "double" -> "java.lang.Double";
      case "Bool" -> "java.lang.Boolean";
      case "string" -> "java.lang.String";
      case "bytes", "int128", "int256" -> "TlBytes";
      case "Object" -> "TlObject";
      case "Vector", "vector" -> "java.util.List<" + boxedJavaType(t.params().get(0), owner) + ">";
      default -> classOf(t, owner);
    };
  }

  /** The class for a boxed type (its interface) or a bare constructor reference. */
  private String classOf(TypeRef t, Combinator owner) {
    Combinator bare = bareConstructor(t);
    if (bare != null) {
      return combinatorClass.get(bare);
    }
    String fqn = typeClass.get(t.name());
    if (fqn == null) {
      throw new IllegalStateException(owner.name() + " (line " + owner.line() + "): unknown type " + t);
    }
    return fqn;
  }

  /** For {@code %T} (single-constructor T) or a lowercase constructor name: that constructor. */
  private Combinator bareConstructor(TypeRef t) {
    if (t.percent()) {
      List<Combinator> cs = constructorsByType.get(t.name());
      if (cs == null || cs.size() != 1) {
        throw new IllegalStateException("%" + t.name() + " needs a type with exactly one constructor");
      }
      return cs.get(0);
    }
    if (t.lowercase() && constructorsByName.containsKey(t.name())) {
      return constructorsByName.get(t.name());
    }
    // A boxed reference to a type whose only constructor has no id can only be written bare
    // (msg_copy's orig_message:Message).
    List<Combinator> cs = constructorsByType.get(t.name());
    if (!t.lowercase() && cs != null && cs.size() == 1 && cs.get(0).id().isEmpty()) {
      return cs.get(0);
    }
    return null;
  }

  private String writeExpr(TypeRef t, String v, String w, Combinator owner) {
    if (t.bang()) {
      return w + ".writeObject(" + v + ")";
    }
    switch (t.name()) {
      case "int": return w + ".writeInt(" + v + ")";
      case "long": return w + ".writeLong(" + v + ")";
      case "double": return w + ".writeDouble(" + v + ")";
      case "Bool": return w + ".writeBool(" + v + ")";
      case "string": return w + ".writeString(" + v + ")";
      case "bytes": return w + ".writeBytes(" + v + ")";
      case "int128": return w + ".writeInt128(" + v + ")";
      case "int256": return w + ".writeInt256(" + v + ")";
      case "Object": return w + ".writeObject(" + v + ")";
      case "Vector": {
        TypeRef e = t.params().get(0);
        if (e.name().equals("int") && !e.percent()) {
          return w + ".writeIntVector(" + v + ")";
        }
        if (e.name().equals("long") && !e.percent()) {
          return w + ".writeLongVector(" + v + ")";
        }
        if (isBoxedObject(e, owner)) {
          return w + ".writeObjectVector(" + v + ")";
        }
        String ww = w + "e";
        return w + ".writeVector(" + v + ", (" + ww + ", __x) -> " + writeExpr(e, "__x", ww, owner) + ")";
      }
      case "vector": {
        TypeRef e = t.params().get(0);
        String ww = w + "e";
        return w + ".writeBareVector(" + v + ", (" + ww + ", __x) -> " + writeExpr(e, "__x", ww, owner) + ")";
      }
      default:
        if (bareConstructor(t) != null) {
          return v + ".writeBody(" + w + ")";
        }
        classOf(t, owner);
        return w + ".writeObject(" + v + ")";
    }
  }

  private boolean isBoxedObject(TypeRef e, Combinator owner) {
    return !e.percent() && !e.lowercase() && !e.name().equals("Bool") && !e.name().equals("Vector")
        && !owner.generics().contains(e.name()) && (e.name().equals("Object") || bareConstructor(e) == null);
  }

  private String readExpr(TypeRef t, String r, Combinator owner) {
    if (t.bang()) {
      return "(TlMethod) " + r + ".readObject(TlMethod.class)";
    }
    switch (t.name()) {
      case "int": return r + ".readInt()";
      case "long": return r + ".readLong()";
      case "double": return r + ".readDouble()";
      case "Bool": return r + ".readBool()";
      case "string": return r + ".readString()";
      case "bytes": return r + ".readBytes()";
      case "int128": return r + ".readInt128()";
      case "int256": return r + ".readInt256()";
      case "Object": return r + ".readObject()";
      case "Vector": {
        TypeRef e = t.params().get(0);
        if (e.name().equals("int") && !e.percent()) {
          return r + ".readIntVector()";
        }
        if (e.name().equals("long") && !e.percent()) {
          return r + ".readLongVector()";
        }
        if (isBoxedObject(e, owner)) {
          return r + ".readObjectVector(" + boxedJavaType(e, owner) + ".class)";
        }
        String rr = r + "e";
        return r + ".readVector(" + rr + " -> " + readExpr(e, rr, owner) + ")";
      }
      case "vector": {
        TypeRef e = t.params().get(0);
        String rr = r + "e";
        return r + ".readBareVector(" + rr + " -> " + readExpr(e, rr, owner) + ")";
      }
      default: {
        Combinator bare = bareConstructor(t);
        if (bare != null) {
          return combinatorClass.get(bare) + ".read(" + r + ")";
        }
        return r + ".readObject(" + classOf(t, owner) + ".class)";
      }
    }
  }

  private String combinatorSource(Combinator c, String fqn) {
    String cls = simple(fqn);
    String typeParams = c.generics().isEmpty() ? "" : "<" + String.join(", ", c.generics()) + ">";
    String self = cls + typeParams;
    List<Field> fields = fields(c);
    boolean hasOptional = fields.stream().anyMatch(f -> f.arg().optional());
    String idHex = c.id().isPresent() ? "0x" + Integer.toHexString(c.id().getAsInt()) : "0";
    StringBuilder sb = new StringBuilder(header(fqn, fields.stream().anyMatch(Field::nullable)));

    String implemented;
    if (c.function()) {
      implemented = "TlMethod<" + resultJavaType(c) + ">";
    } else {
      implemented = typeClass.get(c.result().name());
    }
    String kind = c.function() ? "method" : "constructor";
    sb.append("/**\n * The TL ").append(kind).append(" {@code ").append(c.name())
        .append(c.id().isPresent() ? "#" + Integer.toHexString(c.id().getAsInt()) : "")
        .append("}").append(c.function() ? ", answered by {@code " + c.result() + "}" : "")
        .append(".\n *\n * <p>{@code ").append(c.toString().replace("@", "&#64;"))
        .append("}\n *\n * <p>Generated from the schema; see <a href=\"").append(docBase).append('/')
        .append(kind).append('/').append(c.name()).append("\">").append(c.name()).append("</a>.\n");
    for (String g : c.generics()) {
      sb.append(" *\n * @param <").append(g).append("> the result type of the wrapped query\n");
    }
    sb.append(" */\n");
    if (!c.generics().isEmpty()) {
      sb.append("@SuppressWarnings({\"rawtypes\", \"unchecked\"})\n");
    }
    sb.append("public final class ").append(self).append(" implements ").append(implemented).append(" {\n");
    sb.append("  /** The constructor id. */\n  public static final int ID = ").append(idHex).append(";\n");
    sb.append("  /** The TL name. */\n  public static final java.lang.String NAME = \"").append(c.name()).append("\";\n\n");
    for (Field f : fields) {
      sb.append("  private final ").append(f.declType()).append(' ').append(f.name()).append(";\n");
    }
    if (!fields.isEmpty()) {
      sb.append('\n');
    }
    // constructor
    sb.append("  /**\n   * Creates the value; optional fields may be null (a {@code true} flag: false).\n");
    if (!fields.isEmpty()) {
      sb.append("   *\n");
    }
    for (Field f : fields) {
      sb.append("   * @param ").append(f.name()).append(' ').append(f.doc()).append('\n');
    }
    sb.append("   */\n");
    sb.append("  public ").append(cls).append('(');
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      sb.append(i > 0 ? ", " : "").append(f.declType()).append(' ').append(f.name());
    }
    sb.append(") {\n");
    // Fields sharing one flag bit must be present (or true) together: the bit cannot say otherwise.
    Map<String, List<Field>> byBit = new LinkedHashMap<>();
    for (Field f : fields) {
      if (f.arg().optional()) {
        byBit.computeIfAbsent(f.arg().flagField() + "." + f.arg().flagBit(), k -> new ArrayList<>()).add(f);
      }
    }
    for (Map.Entry<String, List<Field>> e : byBit.entrySet()) {
      List<Field> group = e.getValue();
      if (group.size() < 2) {
        continue;
      }
      List<String> presence = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (Field f : group) {
        presence.add(f.arg().isTrueFlag() ? f.name() : "(" + f.name() + " != null)");
        names.add(f.name());
      }
      sb.append("    if (");
      for (int i = 1; i < presence.size(); i++) {
        sb.append(i > 1 ? " || " : "").append(presence.get(0)).append(" != ").append(presence.get(i));
      }
      sb.append(") {\n      throw new IllegalArgumentException(\"").append(String.join(", ", names))
          .append(" share ").append(e.getKey()).append(" and must be set together\");\n    }\n");
    }
    for (Field f : fields) {
      String v = f.name();
      String value = v;
      if (f.javaType().startsWith("java.util.List<")) {
        value = f.arg().optional() ? v + " == null ? null : java.util.List.copyOf(" + v + ")" : "java.util.List.copyOf(" + v + ")";
      } else if (!f.primitive() && !f.arg().optional()) {
        value = "java.util.Objects.requireNonNull(" + v + ", \"" + v + "\")";
      }
      sb.append("    this.").append(v).append(" = ").append(value).append(";\n");
    }
    sb.append("  }\n\n");
    // accessors
    for (Field f : fields) {
      sb.append("  /** {@return ").append(f.doc()).append("} */\n");
      sb.append("  public ").append(f.declType()).append(' ').append(f.name()).append("() {\n    return ")
          .append(f.name()).append(";\n  }\n\n");
    }
    sb.append("  @Override\n  public int constructorId() {\n    return ID;\n  }\n\n");
    sb.append("  @Override\n  public java.lang.String tlName() {\n    return NAME;\n  }\n\n");
    // writeBody
    sb.append("  @Override\n  public void writeBody(TlWriter __w) {\n");
    for (Arg a : c.args()) {
      if (a.isFlags()) {
        sb.append("    int __").append(fieldName(a.name())).append(" = 0;\n");
        for (Field f : fields) {
          if (a.name().equals(f.arg().flagField())) {
            String cond = f.arg().isTrueFlag() ? f.name() : f.name() + " != null";
            sb.append("    if (").append(cond).append(") {\n      ").append("__").append(fieldName(a.name()))
                .append(" |= ").append(1 << f.arg().flagBit()).append(";\n    }\n");
          }
        }
        sb.append("    __w.writeInt(__").append(fieldName(a.name())).append(");\n");
        continue;
      }
      if (a.isTrueFlag()) {
        continue;
      }
      String v = fieldName(a.name());
      String stmt = writeExpr(a.type(), v, "__w", c) + ";";
      if (a.optional()) {
        sb.append("    if (").append(v).append(" != null) {\n      ").append(stmt).append("\n    }\n");
      } else {
        sb.append("    ").append(stmt).append('\n');
      }
    }
    sb.append("  }\n\n");
    // read
    sb.append("  /**\n   * Reads the fields (bare form; the id has been consumed).\n   *\n")
        .append("   * @param __r the reader, positioned after the constructor id\n   * @return the value read\n   */\n");
    sb.append("  public static ").append(typeParams.isEmpty() ? "" : "").append(cls)
        .append(typeParams.isEmpty() ? "" : "<?>").append(" read(TlReader __r) {\n");
    for (Arg a : c.args()) {
      if (a.isFlags()) {
        sb.append("    int __").append(fieldName(a.name())).append(" = __r.readInt();\n");
        continue;
      }
      String v = fieldName(a.name());
      Field f = fields.stream().filter(x -> x.arg() == a).findFirst().orElseThrow();
      if (a.isTrueFlag()) {
        sb.append("    boolean ").append(v).append(" = (__").append(fieldName(a.flagField())).append(" & ")
            .append(1 << a.flagBit()).append(") != 0;\n");
      } else if (a.optional()) {
        sb.append("    ").append(f.javaType()).append(' ').append(v).append(" = (__").append(fieldName(a.flagField()))
            .append(" & ").append(1 << a.flagBit()).append(") != 0 ? ").append(readExpr(a.type(), "__r", c))
            .append(" : null;\n");
      } else {
        String jt = f.javaType();
        if (a.type().bang()) {
          jt = "TlMethod";
        }
        sb.append("    ").append(jt).append(' ').append(v).append(" = ").append(readExpr(a.type(), "__r", c)).append(";\n");
      }
    }
    sb.append("    return new ").append(cls).append(typeParams.isEmpty() ? "" : "<>").append('(');
    for (int i = 0; i < fields.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(fields.get(i).name());
    }
    sb.append(");\n  }\n\n");
    // readResult
    if (c.function()) {
      sb.append("  @Override\n  public ").append(resultJavaType(c)).append(" readResult(TlReader __r) {\n    return ")
          .append(resultReadExpr(c)).append(";\n  }\n\n");
    }
    // json
    sb.append("  @Override\n  public void appendJson(TlJson j) {\n    j.begin(NAME)");
    for (Field f : fields) {
      sb.append(f.arg().optional() && !f.arg().isTrueFlag() ? ".optional(\"" : ".field(\"")
          .append(f.arg().name()).append("\", ").append(f.name()).append(')');
    }
    sb.append(".end();\n  }\n\n");
    // equals / hashCode / toString
    sb.append("  @Override\n  public boolean equals(java.lang.Object o) {\n");
    if (fields.isEmpty()) {
      sb.append("    return o instanceof ").append(cls).append(";\n  }\n\n");
    } else {
      sb.append("    if (this == o) {\n      return true;\n    }\n");
      sb.append("    if (!(o instanceof ").append(cls).append(typeParams.isEmpty() ? "" : "<?>").append(" that)) {\n      return false;\n    }\n");
      sb.append("    return ");
      for (int i = 0; i < fields.size(); i++) {
        Field f = fields.get(i);
        sb.append(i > 0 ? "\n        && " : "");
        if (f.javaType().equals("double")) {
          sb.append("java.lang.Double.compare(").append(f.name()).append(", that.").append(f.name()).append(") == 0");
        } else if (f.primitive()) {
          sb.append(f.name()).append(" == that.").append(f.name());
        } else {
          sb.append("java.util.Objects.equals(").append(f.name()).append(", that.").append(f.name()).append(')');
        }
      }
      sb.append(";\n  }\n\n");
    }
    sb.append("  @Override\n  public int hashCode() {\n    return ");
    if (fields.isEmpty()) {
      sb.append("ID");
    } else {
      sb.append("java.util.Objects.hash(");
      for (int i = 0; i < fields.size(); i++) {
        sb.append(i > 0 ? ", " : "").append(fields.get(i).name());
      }
      sb.append(')');
    }
    sb.append(";\n  }\n\n");
    sb.append("  @Override\n  public java.lang.String toString() {\n    return TlJson.toString(this);\n  }\n");
    if (hasOptional) {
      builder(sb, cls, typeParams, fields);
    }
    sb.append("}\n");
    return sb.toString();
  }

  private void builder(StringBuilder sb, String cls, String typeParams, List<Field> fields) {
    String b = "Builder" + typeParams;
    sb.append("\n  /**\n   * {@return a builder; optional fields start absent}\n");
    if (!typeParams.isEmpty()) {
      sb.append("   *\n");
      for (String g : typeParams.substring(1, typeParams.length() - 1).split(",\\s*")) {
        sb.append("   * @param <").append(g).append("> the result type of the wrapped query\n");
      }
    }
    sb.append("   */\n");
    sb.append("  public static ").append(typeParams.isEmpty() ? "" : typeParams + " ").append(b)
        .append(" builder() {\n    return new Builder").append(typeParams.isEmpty() ? "" : "<>").append("();\n  }\n\n");
    sb.append("  /** {@return a builder holding this value's fields} */\n");
    sb.append("  public ").append(b).append(" toBuilder() {\n    Builder").append(typeParams)
        .append(" __b = new Builder").append(typeParams.isEmpty() ? "" : "<>").append("();\n");
    for (Field f : fields) {
      sb.append("    __b.").append(f.name()).append(" = ").append(f.name()).append(";\n");
    }
    sb.append("    return __b;\n  }\n\n");
    sb.append("  /**\n   * Builds {@link ").append(cls).append("} values.\n");
    if (!typeParams.isEmpty()) {
      sb.append("   *\n");
      for (String g : typeParams.substring(1, typeParams.length() - 1).split(",\\s*")) {
        sb.append("   * @param <").append(g).append("> the result type of the wrapped query\n");
      }
    }
    sb.append("   */\n");
    sb.append("  public static final class ").append(b).append(" {\n");
    for (Field f : fields) {
      sb.append("    private ").append(f.declType()).append(' ').append(f.name()).append(";\n");
    }
    sb.append("\n    private Builder() {}\n\n");
    for (Field f : fields) {
      sb.append("    /**\n     * Sets {@code ").append(f.arg().name()).append("}.\n     *\n     * @param ").append(f.name())
          .append(' ').append(f.doc()).append("\n     * @return this builder\n     */\n");
      sb.append("    public ").append(b).append(' ').append(f.name()).append('(').append(f.declType()).append(' ')
          .append(f.name()).append(") {\n      this.").append(f.name()).append(" = ").append(f.name())
          .append(";\n      return this;\n    }\n\n");
    }
    sb.append("    /**\n     * {@return the value}\n     *\n")
        .append("     * @throws IllegalArgumentException if fields that share a flag bit are not set together\n     */\n");
    sb.append("    public ").append(cls).append(typeParams).append(" build() {\n      return new ").append(cls)
        .append(typeParams.isEmpty() ? "" : "<>").append('(');
    for (int i = 0; i < fields.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(fields.get(i).name());
    }
    sb.append(");\n    }\n  }\n");
  }

  private String resultJavaType(Combinator c) {
    return boxedJavaType(c.result(), c);
  }

  private String resultReadExpr(Combinator c) {
    TypeRef t = c.result();
    if (c.generics().contains(t.name())) {
      Arg query = c.args().stream().filter(a -> a.type().bang()).findFirst()
          .orElseThrow(() -> new IllegalStateException(c.name() + ": generic result without a !X argument"));
      return fieldName(query.name()) + ".readResult(__r)";
    }
    return readExpr(t, "__r", c);
  }

  // ---------------------------------------------------------------- registration

  /**
   * Cases per {@code read<n>} method of the registration class's deserializer: about 9 bytes of
   * bytecode each (a tableswitch entry, {@code aload}, {@code invokestatic}, {@code areturn}), so a
   * chunk stays far below the 64 KB method limit, and below the 8,000 bytes beyond which HotSpot
   * never JIT-compiles a method (unless {@code -XX:-DontCompileHugeMethods}): it is on the decode path.
   */
  static final int READ_CHUNK = 500;

  /** Registrations per {@code register<n>} method (about 21 bytes of bytecode each). */
  static final int REGISTER_CHUNK = 400;

  /**
   * The registration class. It registers one {@code Deserializer(index)} per id: a small object
   * whose {@code read} switches over the dense index and calls the combinator's static {@code
   * read}. Unlike a method reference per id (a lambda class spun at registration, and the target
   * class loaded, linked and verified with it), this loads nothing but the registration class and
   * its deserializer: a generated class is loaded when an object of it is first decoded.
   */
  private String registrationSource() {
    String fqn = basePackage + "." + schemaClass;
    StringBuilder sb = new StringBuilder();
    sb.append(doNotEditLine());
    sb.append("package ").append(basePackage).append(";\n\n");
    sb.append("import io.telefetch.tl.TlDeserializer;\nimport io.telefetch.tl.TlObject;\nimport io.telefetch.tl.TlReader;\n");
    sb.append("import io.telefetch.tl.TlRegistry;\n\n");
    sb.append("/**\n * Registers every constructor and method of ").append(sourceName).append(" with a {@link TlRegistry}.\n");
    sb.append(" * Registration loads no generated class: each is loaded when an object of it is first decoded.\n */\n");
    sb.append("public final class ").append(simple(fqn)).append(" {\n");
    if (schema.layer().isPresent()) {
      sb.append("  /** The API layer of this schema. */\n  public static final int LAYER = ")
          .append(schema.layer().getAsInt()).append(";\n");
    }
    long ctorCount = combinatorClass.keySet().stream().filter(c -> !c.function()).count();
    long fnCount = combinatorClass.keySet().stream().filter(Combinator::function).count();
    sb.append("  /** Generated constructor classes. */\n  public static final int CONSTRUCTORS = ").append(ctorCount).append(";\n");
    sb.append("  /** Generated method classes. */\n  public static final int METHODS = ").append(fnCount).append(";\n\n");
    sb.append("  private ").append(simple(fqn)).append("() {}\n\n");
    List<Combinator> withId = new ArrayList<>();
    for (Combinator c : schema.all()) {
      if (combinatorClass.containsKey(c) && c.id().isPresent()) {
        withId.add(c);
      }
    }
    int parts = (withId.size() + REGISTER_CHUNK - 1) / REGISTER_CHUNK;
    sb.append("  /**\n   * Adds every id of the schema to {@code b}.\n   *\n   * @param b the registry being built\n   */\n")
        .append("  public static void register(TlRegistry.Builder b) {\n");
    for (int p = 0; p < parts; p++) {
      sb.append("    register").append(p).append("(b);\n");
    }
    sb.append("  }\n");
    for (int p = 0; p < parts; p++) {
      sb.append("\n  private static void register").append(p).append("(TlRegistry.Builder b) {\n");
      for (int i = p * REGISTER_CHUNK; i < Math.min(withId.size(), (p + 1) * REGISTER_CHUNK); i++) {
        Combinator c = withId.get(i);
        sb.append("    b.add(0x").append(Integer.toHexString(c.id().getAsInt())).append(", \"").append(c.name())
            .append("\", new Deserializer(").append(i).append("));\n");
      }
      sb.append("  }\n");
    }
    deserializer(sb, withId);
    sb.append("}\n");
    return sb.toString();
  }

  /** The nested class {@code Deserializer}: combinator {@code index} of {@code withId}, decoded. */
  private void deserializer(StringBuilder sb, List<Combinator> withId) {
    int parts = (withId.size() + READ_CHUNK - 1) / READ_CHUNK;
    sb.append("\n  /** Decodes the combinator registered with index {@code index} by calling its class's {@code read}. */\n");
    sb.append("  private static final class Deserializer implements TlDeserializer {\n");
    sb.append("    private final int index;\n\n");
    sb.append("    Deserializer(int index) {\n      this.index = index;\n    }\n\n");
    sb.append("    @Override\n    public TlObject read(TlReader r) {\n");
    if (parts == 1) {
      sb.append("      return read0(index, r);\n");
    } else {
      sb.append("      switch (index / ").append(READ_CHUNK).append(") {\n");
      for (int p = 0; p < parts; p++) {
        sb.append("        case ").append(p).append(": return read").append(p).append("(index, r);\n");
      }
      sb.append("        default: throw new IllegalStateException(\"no combinator \" + index);\n      }\n");
    }
    sb.append("    }\n\n");
    sb.append("    @Override\n    public java.lang.String toString() {\n      return \"")
        .append(simple(basePackage + "." + schemaClass)).append(".Deserializer[\" + index + \"]\";\n    }\n");
    for (int p = 0; p < parts; p++) {
      sb.append("\n    private static TlObject read").append(p).append("(int i, TlReader r) {\n      switch (i) {\n");
      for (int i = p * READ_CHUNK; i < Math.min(withId.size(), (p + 1) * READ_CHUNK); i++) {
        sb.append("        case ").append(i).append(": return ").append(combinatorClass.get(withId.get(i))).append(".read(r);\n");
      }
      sb.append("        default: throw new IllegalStateException(\"no combinator \" + i);\n      }\n    }\n");
    }
    sb.append("  }\n");
  }

  // ---------------------------------------------------------------- random instances

  /**
   * {@code <SchemaClass>Samples} with {@code NAMES} and {@code sample(index, rnd)} building a
   * random instance of every combinator that has an id, drawing its values from {@code
   * io.telefetch.tl.RandomValues}. A main source of tl-api: the round-trip tests and the codec
   * interop harness ({@code telefetch tl interop-random}) both use it.
   */
  public Map<String, String> generateSamples() {
    String cls = schemaClass.replace("Schema", "") + "Samples";
    String fqn = basePackage + "." + cls;
    Map<String, Integer> cost = costs();
    List<Combinator> withId = new ArrayList<>();
    for (Combinator c : schema.all()) {
      if (combinatorClass.containsKey(c) && c.id().isPresent()) {
        withId.add(c);
      }
    }
    Map<Combinator, Integer> index = new HashMap<>();
    List<Combinator> all = new ArrayList<>(combinatorClass.keySet());
    all.sort((a, b) -> a.name().compareTo(b.name()) != 0 ? a.name().compareTo(b.name()) : Boolean.compare(a.function(), b.function()));
    for (int i = 0; i < all.size(); i++) {
      index.put(all.get(i), i);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(doNotEditLine());
    sb.append("package ").append(basePackage).append(";\n\n");
    sb.append("import io.telefetch.tl.RandomValues;\nimport io.telefetch.tl.TlObject;\n\n");
    sb.append("/**\n * Random instances of every combinator of ").append(sourceName)
        .append(", for the round-trip tests and the codec\n * interop harness; values come from {@link RandomValues}.\n */\n");
    sb.append("@SuppressWarnings({\"rawtypes\", \"unchecked\"})\npublic final class ").append(cls).append(" {\n");
    sb.append("  private ").append(cls).append("() {}\n\n");
    sb.append("  /** Names of the combinators {@link #sample} can build, by index. */\n");
    sb.append("  public static final java.util.List<java.lang.String> NAMES = java.util.List.of(\n");
    for (int i = 0; i < withId.size(); i++) {
      sb.append("      \"").append(withId.get(i).function() ? "fn:" : "").append(withId.get(i).name()).append('"')
          .append(i + 1 < withId.size() ? ",\n" : ");\n\n");
    }
    int chunk = 500;
    sb.append("  /**\n   * {@return a random instance of combinator {@code NAMES.get(i)}}\n   *\n")
        .append("   * @param i the index into {@link #NAMES}\n   * @param r the source of the values\n   */\n");
    sb.append("  public static TlObject sample(int i, RandomValues r) {\n");
    for (int p = 0; p * chunk < withId.size(); p++) {
      sb.append("    if (i < ").append((p + 1) * chunk).append(") {\n      return sample").append(p).append("(i, r);\n    }\n");
    }
    sb.append("    throw new IllegalArgumentException(\"no combinator \" + i);\n  }\n");
    for (int p = 0; p * chunk < withId.size(); p++) {
      sb.append("\n  private static TlObject sample").append(p).append("(int i, RandomValues r) {\n    switch (i) {\n");
      for (int i = p * chunk; i < Math.min(withId.size(), (p + 1) * chunk); i++) {
        sb.append("      case ").append(i).append(": return c").append(index.get(withId.get(i))).append("(r, 0);\n");
      }
      sb.append("      default: throw new IllegalArgumentException(\"no combinator \" + i);\n    }\n  }\n");
    }
    Combinator simplest = all.stream().filter(c -> c.function() && c.id().isPresent() && c.generics().isEmpty())
        .min((a, b) -> Integer.compare(cost.get("fn:" + a.name()), cost.get("fn:" + b.name()))).orElse(null);
    Combinator simplestObject = all.stream().filter(c -> c.id().isPresent())
        .min((a, b) -> Integer.compare(cost.get(key(a)), cost.get(key(b)))).orElseThrow();
    for (Combinator c : all) {
      sb.append("\n  static ").append(combinatorClass.get(c)).append(" c").append(index.get(c)).append("(RandomValues r, int d) {\n");
      List<Field> fields = fields(c);
      // Fields sharing one flag bit are present or absent together.
      java.util.Set<String> bits = new java.util.LinkedHashSet<>();
      for (Field f : fields) {
        if (f.arg().optional()) {
          bits.add(f.arg().flagField() + "_" + f.arg().flagBit());
        }
      }
      for (String bit : bits) {
        sb.append("    boolean ").append(bit).append(" = r.present(d);\n");
      }
      sb.append("    return new ").append(combinatorClass.get(c)).append(c.generics().isEmpty() ? "" : "<>").append('(');
      for (int i = 0; i < fields.size(); i++) {
        Field f = fields.get(i);
        sb.append(i > 0 ? ",\n        " : "");
        String bit = f.arg().flagField() + "_" + f.arg().flagBit();
        if (f.arg().isTrueFlag()) {
          sb.append(bit);
        } else {
          TypeRef t = f.arg().type();
          String v;
          if (f.arg().optional() && (t.name().equals("Vector") || t.name().equals("vector")) && !t.bang()) {
            // RandomValues decides whether a present optional vector may be empty.
            v = "r.optionalList(d, () -> " + sampleExpr(t.params().get(0), c, index, simplest, simplestObject, cost) + ")";
          } else {
            v = sampleExpr(t, c, index, simplest, simplestObject, cost);
          }
          sb.append(f.arg().optional() ? bit + " ? " + v + " : null" : v);
        }
      }
      sb.append(");\n  }\n");
    }
    for (Map.Entry<String, List<Combinator>> e : constructorsByType.entrySet()) {
      List<Combinator> cs = e.getValue();
      Combinator cheapest = cs.stream().min((a, b) -> Integer.compare(cost.get(key(a)), cost.get(key(b)))).orElseThrow();
      sb.append("\n  static ").append(typeClass.get(e.getKey())).append(" t").append(sanitize(e.getKey())).append("(RandomValues r, int d) {\n");
      sb.append("    switch (r.deep(d) ? ").append(cs.indexOf(cheapest)).append(" : r.choose(").append(cs.size()).append(")) {\n");
      for (int i = 0; i < cs.size(); i++) {
        sb.append("      case ").append(i).append(": return c").append(index.get(cs.get(i))).append("(r, d + 1);\n");
      }
      sb.append("      default: throw new IllegalStateException();\n    }\n  }\n");
    }
    sb.append("}\n");
    return Map.of(path(fqn), sb.toString());
  }

  private static String sanitize(String type) {
    return type.replace('.', '_');
  }

  private static String key(Combinator c) {
    return (c.function() ? "fn:" : "") + c.name();
  }

  private String sampleExpr(TypeRef t, Combinator owner, Map<Combinator, Integer> index, Combinator simplest,
      Combinator simplestObject, Map<String, Integer> cost) {
    if (t.bang()) {
      if (simplest == null) {
        throw new IllegalStateException("no method to use as a generic query sample");
      }
      return "c" + index.get(simplest) + "(r, d + 1)";
    }
    switch (t.name()) {
      case "int": return "r.nextInt()";
      case "long": return "r.nextLong()";
      case "double": return "r.nextDouble()";
      case "Bool": return "r.flag()";
      case "string": return "r.string()";
      case "bytes": return "r.bytes()";
      case "int128": return "r.fixed(16)";
      case "int256": return "r.fixed(32)";
      case "Object": return "c" + index.get(simplestObject) + "(r, d + 1)";
      case "Vector":
      case "vector":
        return "r.list(d, () -> " + sampleExpr(t.params().get(0), owner, index, simplest, simplestObject, cost) + ")";
      default: {
        Combinator bare = bareConstructor(t);
        if (bare != null) {
          return "c" + index.get(bare) + "(r, d + 1)";
        }
        classOf(t, owner);
        return "t" + sanitize(t.name()) + "(r, d)";
      }
    }
  }

  /** For each combinator and type, how deep a minimal instance must nest (vectors may be empty). */
  private Map<String, Integer> costs() {
    Map<String, Integer> cost = new HashMap<>();
    final int inf = 1_000_000;
    for (Combinator c : combinatorClass.keySet()) {
      cost.put(key(c), inf);
    }
    for (String t : constructorsByType.keySet()) {
      cost.put("T:" + t, inf);
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Combinator c : combinatorClass.keySet()) {
        int worst = 0;
        for (Arg a : c.args()) {
          if (a.optional() || a.isFlags()) {
            continue;
          }
          worst = Math.max(worst, typeCost(a.type(), cost, inf));
        }
        int v = Math.min(inf, worst + 1);
        if (v < cost.get(key(c))) {
          cost.put(key(c), v);
          changed = true;
        }
      }
      for (Map.Entry<String, List<Combinator>> e : constructorsByType.entrySet()) {
        int best = e.getValue().stream().mapToInt(c -> cost.get(key(c))).min().orElse(inf);
        if (best < cost.get("T:" + e.getKey())) {
          cost.put("T:" + e.getKey(), best);
          changed = true;
        }
      }
    }
    return cost;
  }

  private int typeCost(TypeRef t, Map<String, Integer> cost, int inf) {
    if (t.name().equals("Vector") || t.name().equals("vector")) {
      return 0;
    }
    Combinator bare = bareConstructor(t);
    if (bare != null) {
      return cost.get(key(bare));
    }
    Integer c = cost.get("T:" + t.name());
    return c == null ? 1 : c;
  }
}
