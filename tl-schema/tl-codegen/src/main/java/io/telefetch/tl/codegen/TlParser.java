package io.telefetch.tl.codegen;

import io.telefetch.tl.codegen.TlSchema.Arg;
import io.telefetch.tl.codegen.TlSchema.Combinator;
import io.telefetch.tl.codegen.TlSchema.TypeRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses TL schema text as Telegram publishes it: {@code //} comments, {@code ---types---} and
 * {@code ---functions---} sections, explicit ids, {@code flags:#} fields (any name), {@code
 * flags.N?T}, boxed {@code Vector<T>} and bare {@code vector<%T>}, generics {@code {X:Type}} with
 * {@code !X}. Builtin declarations ({@code int ? = Int;}, {@code vector#1cb5c415 ...}) are accepted
 * and skipped. A declaration may span lines; it ends at {@code ;}.
 */
public final class TlParser {
  private static final Pattern LAYER = Pattern.compile("//\\s*LAYER\\s+(\\d+)");
  private static final Pattern NAME = Pattern.compile("([a-zA-Z_][\\w]*\\.)?[a-zA-Z_][\\w]*");
  private static final Pattern FIELD = Pattern.compile("[a-zA-Z_][\\w]*");

  private final String source;
  private int line;
  private int column;

  private TlParser(String source) {
    this.source = source;
  }

  /** Parses {@code text}; {@code source} names it in error messages. */
  public static TlSchema parse(String source, String text) {
    return new TlParser(source).parse(text);
  }

  private TlSchema parse(String text) {
    List<Combinator> constructors = new ArrayList<>();
    List<Combinator> functions = new ArrayList<>();
    OptionalInt layer = OptionalInt.empty();
    boolean inFunctions = false;
    StringBuilder pending = new StringBuilder();
    List<int[]> positions = new ArrayList<>(); // (line, column) of each char in pending
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String raw = lines[i];
      int comment = raw.indexOf("//");
      if (comment >= 0) {
        Matcher m = LAYER.matcher(raw.substring(comment));
        if (m.find()) {
          layer = OptionalInt.of(Integer.parseInt(m.group(1)));
        }
        raw = raw.substring(0, comment);
      }
      String trimmed = raw.trim();
      if (pending.toString().isBlank()) {
        pending.setLength(0);
        positions.clear();
      }
      if (pending.length() == 0 && trimmed.startsWith("---")) {
        if (trimmed.equals("---functions---")) {
          inFunctions = true;
        } else if (trimmed.equals("---types---")) {
          inFunctions = false;
        } else {
          throw new TlParseException(source, i + 1, raw.indexOf('-') + 1, "unknown section " + trimmed);
        }
        continue;
      }
      for (int c = 0; c < raw.length(); c++) {
        char ch = raw.charAt(c);
        if (ch == ';') {
          Combinator comb = parseDeclaration(pending.toString(), positions, inFunctions, i + 1, c + 1);
          if (comb != null) {
            (inFunctions ? functions : constructors).add(comb);
          }
          pending.setLength(0);
          positions.clear();
        } else {
          pending.append(ch);
          positions.add(new int[] {i + 1, c + 1});
        }
      }
      pending.append(' ');
      positions.add(new int[] {i + 1, raw.length() + 1});
    }
    if (!pending.toString().isBlank()) {
      int[] p = firstNonBlank(pending, positions);
      throw new TlParseException(source, p[0], p[1], "declaration not terminated by ';'");
    }
    checkReferences(constructors, functions);
    return new TlSchema(List.copyOf(constructors), List.copyOf(functions), layer);
  }

  private static int[] firstNonBlank(CharSequence s, List<int[]> positions) {
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isWhitespace(s.charAt(i))) {
        return positions.get(i);
      }
    }
    return positions.isEmpty() ? new int[] {1, 1} : positions.get(0);
  }

  /** A whitespace-separated token with its position. */
  private record Token(String text, int line, int column) {}

  private static List<Token> tokenize(String decl, List<int[]> positions) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < decl.length()) {
      while (i < decl.length() && Character.isWhitespace(decl.charAt(i))) {
        i++;
      }
      if (i >= decl.length()) {
        break;
      }
      int start = i;
      while (i < decl.length() && !Character.isWhitespace(decl.charAt(i))) {
        i++;
      }
      int[] p = positions.get(start);
      tokens.add(new Token(decl.substring(start, i), p[0], p[1]));
    }
    return tokens;
  }

  private TlParseException error(Token t, String message) {
    return new TlParseException(source, t.line(), t.column(), message);
  }

  private Combinator parseDeclaration(
      String decl, List<int[]> positions, boolean function, int endLine, int endColumn) {
    List<Token> tokens = tokenize(decl, positions);
    if (tokens.isEmpty()) {
      throw new TlParseException(source, endLine, endColumn, "empty declaration");
    }
    Token head = tokens.get(0);
    String name = head.text();
    OptionalInt id = OptionalInt.empty();
    int hash = name.indexOf('#');
    if (hash >= 0) {
      String hex = name.substring(hash + 1);
      name = name.substring(0, hash);
      if (hex.isEmpty() || hex.length() > 8 || !hex.matches("[0-9a-fA-F]+")) {
        throw error(head, "invalid constructor id '#" + hex + "'");
      }
      id = OptionalInt.of((int) Long.parseLong(hex, 16));
    }
    if (!NAME.matcher(name).matches()) {
      throw error(head, "invalid combinator name '" + name + "'");
    }
    // Builtins: "int ? = Int;", "vector#1cb5c415 {t:Type} # [ t ] = Vector t;"
    if (name.equals("vector") || tokens.stream().anyMatch(t -> t.text().equals("?") || t.text().equals("["))) {
      return null;
    }
    List<String> generics = new ArrayList<>();
    List<Arg> args = new ArrayList<>();
    Set<String> fieldNames = new HashSet<>();
    Set<String> flagFields = new HashSet<>();
    int i = 1;
    for (; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      String s = t.text();
      if (s.equals("=")) {
        break;
      }
      if (s.startsWith("{")) {
        if (!s.endsWith("}") || !s.contains(":")) {
          throw error(t, "malformed generic parameter '" + s + "'");
        }
        String[] parts = s.substring(1, s.length() - 1).split(":", 2);
        if (!parts[1].equals("Type") || !FIELD.matcher(parts[0]).matches()) {
          throw error(t, "generic parameters must be {X:Type}, got '" + s + "'");
        }
        generics.add(parts[0]);
        continue;
      }
      int colon = s.indexOf(':');
      if (colon <= 0) {
        throw error(t, "expected 'name:Type', got '" + s + "'");
      }
      String field = s.substring(0, colon);
      if (!FIELD.matcher(field).matches()) {
        throw error(t, "invalid field name '" + field + "'");
      }
      if (!fieldNames.add(field)) {
        throw error(t, "duplicate field '" + field + "'");
      }
      String typeText = s.substring(colon + 1);
      String flagField = null;
      int bit = -1;
      int q = typeText.indexOf('?');
      if (q >= 0) {
        String cond = typeText.substring(0, q);
        int dot = cond.indexOf('.');
        if (dot <= 0) {
          throw error(t, "malformed condition '" + cond + "', expected flags.N?");
        }
        flagField = cond.substring(0, dot);
        if (!flagFields.contains(flagField)) {
          throw error(t, "condition uses '" + flagField + "', which is not a preceding # field");
        }
        try {
          bit = Integer.parseInt(cond.substring(dot + 1));
        } catch (NumberFormatException e) {
          throw error(t, "invalid flag bit in '" + cond + "'");
        }
        if (bit < 0 || bit > 31) {
          throw error(t, "flag bit " + bit + " out of range 0..31");
        }
        typeText = typeText.substring(q + 1);
      }
      TypeRef type = parseType(typeText, t, generics);
      if (type.name().equals("#")) {
        if (flagField != null) {
          throw error(t, "a # field cannot be conditional");
        }
        flagFields.add(field);
      }
      if (type.name().equals("true") && flagField == null) {
        throw error(t, "'true' is only valid as a conditional field (flags.N?true)");
      }
      args.add(new Arg(field, flagField, bit, type));
    }
    if (i >= tokens.size()) {
      throw error(tokens.get(tokens.size() - 1), "missing '= ResultType'");
    }
    if (i + 1 >= tokens.size()) {
      throw error(tokens.get(i), "missing result type after '='");
    }
    StringBuilder resultText = new StringBuilder();
    int depth = 0;
    for (int k = i + 1; k < tokens.size(); k++) {
      Token tk = tokens.get(k);
      if (k > i + 1 && depth <= 0) {
        // The result type is complete, so this token starts the next declaration.
        Token last = tokens.get(k - 1);
        throw new TlParseException(source, last.line(), last.column() + last.text().length(),
            "missing ';' after result type '" + resultText + "' (found '" + tk.text() + "' at "
                + tk.line() + ":" + tk.column() + ")");
      }
      depth += (int) tk.text().chars().filter(ch -> ch == '<').count();
      depth -= (int) tk.text().chars().filter(ch -> ch == '>').count();
      resultText.append(tk.text());
    }
    Token rt = tokens.get(i + 1);
    TypeRef result = parseType(resultText.toString(), rt, generics);
    if (!function && (result.lowercase() || result.bang() || result.percent())) {
      throw error(rt, "a constructor's result must be a boxed type, got '" + result + "'");
    }
    return new Combinator(name, id, generics, args, result, function, head.line());
  }

  private TypeRef parseType(String text, Token at, List<String> generics) {
    int[] pos = {0};
    TypeRef t = parseTypeTerm(text, pos, at, generics);
    if (pos[0] != text.length()) {
      throw error(at, "unexpected '" + text.substring(pos[0]) + "' in type '" + text + "'");
    }
    return t;
  }

  private TypeRef parseTypeTerm(String text, int[] pos, Token at, List<String> generics) {
    boolean percent = false;
    boolean bang = false;
    if (pos[0] < text.length() && text.charAt(pos[0]) == '%') {
      percent = true;
      pos[0]++;
    } else if (pos[0] < text.length() && text.charAt(pos[0]) == '!') {
      bang = true;
      pos[0]++;
    }
    int start = pos[0];
    if (pos[0] < text.length() && text.charAt(pos[0]) == '#') {
      pos[0]++;
      return new TypeRef("#", false, false, List.of());
    }
    while (pos[0] < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos[0])) || text.charAt(pos[0]) == '_' || text.charAt(pos[0]) == '.')) {
      pos[0]++;
    }
    String name = text.substring(start, pos[0]);
    if (name.isEmpty() || !NAME.matcher(name).matches()) {
      throw error(at, "invalid type '" + text + "'");
    }
    if (bang && !generics.contains(name)) {
      throw error(at, "'!" + name + "' does not name a generic parameter");
    }
    List<TypeRef> params = new ArrayList<>();
    if (pos[0] < text.length() && text.charAt(pos[0]) == '<') {
      pos[0]++;
      params.add(parseTypeTerm(text, pos, at, generics));
      while (pos[0] < text.length() && text.charAt(pos[0]) == ',') {
        pos[0]++;
        params.add(parseTypeTerm(text, pos, at, generics));
      }
      if (pos[0] >= text.length() || text.charAt(pos[0]) != '>') {
        throw error(at, "unclosed '<' in type '" + text + "'");
      }
      pos[0]++;
    }
    if ((name.equals("Vector") || name.equals("vector")) && params.size() != 1) {
      throw error(at, name + " takes exactly one type parameter: '" + text + "'");
    }
    return new TypeRef(name, percent, bang, params);
  }

  private void checkReferences(List<Combinator> constructors, List<Combinator> functions) {
    Set<String> ids = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (Combinator c : constructors) {
      if (!names.add(c.name())) {
        throw new TlParseException(source, c.line(), 1, "duplicate constructor " + c.name());
      }
    }
    for (Combinator c : functions) {
      if (!names.add("fn:" + c.name())) {
        throw new TlParseException(source, c.line(), 1, "duplicate function " + c.name());
      }
    }
    List<Combinator> all = new ArrayList<>(constructors);
    all.addAll(functions);
    for (Combinator c : all) {
      if (c.id().isPresent() && !ids.add(Integer.toHexString(c.id().getAsInt()))) {
        throw new TlParseException(source, c.line(), 1,
            "duplicate id #" + Integer.toHexString(c.id().getAsInt()) + " on " + c.name());
      }
    }
  }
}
