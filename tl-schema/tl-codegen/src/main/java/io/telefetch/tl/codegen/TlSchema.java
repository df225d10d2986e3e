package io.telefetch.tl.codegen;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** A parsed TL schema: its constructors and functions in declaration order, and the layer if stated. */
public record TlSchema(List<Combinator> constructors, List<Combinator> functions, OptionalInt layer) {

  /** All combinators, constructors first. */
  public List<Combinator> all() {
    List<Combinator> all = new ArrayList<>(constructors);
    all.addAll(functions);
    return all;
  }

  /**
   * A type reference as written in the schema.
   *
   * @param name the type or constructor name ({@code int}, {@code Vector}, {@code upload.File},
   *     {@code message}, {@code X}, {@code #})
   * @param percent written with {@code %} (bare form of a boxed type)
   * @param bang written with {@code !} (a generic method's query)
   * @param params type parameters ({@code Vector<long>} has one)
   */
  public record TypeRef(String name, boolean percent, boolean bang, List<TypeRef> params) {
    public TypeRef {
      params = List.copyOf(params);
    }

    /** The name without its namespace. */
    public String localName() {
      int dot = name.lastIndexOf('.');
      return dot < 0 ? name : name.substring(dot + 1);
    }

    /** Whether the name starts lowercase after its namespace (a bare constructor or builtin). */
    public boolean lowercase() {
      return Character.isLowerCase(localName().charAt(0));
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      if (percent) {
        sb.append('%');
      }
      if (bang) {
        sb.append('!');
      }
      sb.append(name);
      if (!params.isEmpty()) {
        sb.append('<');
        for (int i = 0; i < params.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          sb.append(params.get(i));
        }
        sb.append('>');
      }
      return sb.toString();
    }
  }

  /**
   * One argument of a combinator.
   *
   * @param name the field name as in the schema (snake_case)
   * @param flagField the flags field this argument depends on, or null
   * @param flagBit the bit in {@code flagField}, or -1
   * @param type the argument's type
   */
  public record Arg(String name, String flagField, int flagBit, TypeRef type) {
    public boolean optional() {
      return flagField != null;
    }

    /** A {@code #} field holding the bits of optional fields. */
    public boolean isFlags() {
      return type.name().equals("#");
    }

    /** A {@code flags.N?true} field: one bit, nothing on the wire. */
    public boolean isTrueFlag() {
      return optional() && type.name().equals("true");
    }

    @Override
    public String toString() {
      return name + ":" + (optional() ? flagField + "." + flagBit + "?" : "") + type;
    }
  }

  /**
   * A constructor or function declaration.
   *
   * @param name full name with namespace ({@code upload.getFile})
   * @param id the explicit {@code #id}, if declared
   * @param generics generic parameter names ({@code {X:Type}})
   * @param args arguments in order
   * @param result the result type
   * @param function declared under {@code ---functions---}
   * @param line the 1-based line of the declaration
   */
  public record Combinator(
      String name, OptionalInt id, List<String> generics, List<Arg> args, TypeRef result,
      boolean function, int line) {
    public Combinator {
      generics = List.copyOf(generics);
      args = List.copyOf(args);
    }

    public String namespace() {
      int dot = name.lastIndexOf('.');
      return dot < 0 ? "" : name.substring(0, dot);
    }

    public String localName() {
      int dot = name.lastIndexOf('.');
      return dot < 0 ? name : name.substring(dot + 1);
    }

    /** The declaration in canonical form, without the id: {@code name a:T b:U = R}. */
    public String canonicalWithoutId() {
      StringBuilder sb = new StringBuilder(name);
      for (String g : generics) {
        sb.append(" {").append(g).append(":Type}");
      }
      for (Arg a : args) {
        sb.append(' ').append(a);
      }
      sb.append(" = ").append(result);
      return sb.toString();
    }

    @Override
    public String toString() {
      String s = canonicalWithoutId();
      if (id.isPresent()) {
        int sp = s.indexOf(' ');
        String head = sp < 0 ? s : s.substring(0, sp);
        return head + "#" + Integer.toHexString(id.getAsInt()) + (sp < 0 ? "" : s.substring(sp)) + ";";
      }
      return s + ";";
    }
  }
}
