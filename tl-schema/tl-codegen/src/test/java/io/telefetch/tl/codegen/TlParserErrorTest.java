package io.telefetch.tl.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Malformed schemas: each fails with a {@link TlParseException} at the right line and column. */
class TlParserErrorTest {

  private static TlSchema parse(String text) {
    return TlParser.parse("t.tl", text);
  }

  /**
   * Asserts that {@code text} fails to parse at {@code line}:{@code column} (both 1-based) with a
   * message naming the source and position and containing every fragment.
   */
  private static void assertError(String text, int line, int column, String... fragments) {
    assertThatThrownBy(() -> parse(text))
        .isInstanceOfSatisfying(TlParseException.class, e -> {
          assertThat(e.line()).as("line of: %s", e.getMessage()).isEqualTo(line);
          assertThat(e.column()).as("column of: %s", e.getMessage()).isEqualTo(column);
          assertThat(e.getMessage()).startsWith("t.tl:" + line + ":" + column + ": ").contains(fragments);
        });
  }

  @Test
  void missingSemicolonAtEndOfFile() {
    assertError("a#1 = A;\n\n  b#2 x:int = B\n", 3, 3, "not terminated by ';'");
  }

  @Test
  void missingSemicolonBeforeTheNextDeclaration() {
    // reported where the ';' belongs: right after the result type (line 1, column 14 for "A")
    assertError("a#1 x:int = A\nb#2 = B;\n", 1, 14, "missing ';'", "b#2");
    assertError("a#1 = A\nb = B;\n", 1, 8, "missing ';'");
    assertError("a#1 = Vector<int>\n---functions---\nf#2 = A;\n", 1, 18, "missing ';'", "---functions---");
  }

  @Test
  void missingSemicolonWithoutResultType() {
    assertError("a#1 x:int\nb#2 = B;\n", 2, 1, "expected 'name:Type'", "b#2");
  }

  @Test
  void emptyDeclaration() {
    assertError("a#1 = A;\n  ;\n", 2, 3, "empty declaration");
  }

  @Test
  void missingResultType() {
    assertError("a#1 x:int;", 1, 5, "missing '= ResultType'");
    assertError("a#1 x:int = ;", 1, 11, "missing result type after '='");
  }

  @Test
  void nonHexId() {
    assertError("  a#12g4 = A;", 1, 3, "invalid constructor id '#12g4'");
  }

  @Test
  void tooLongId() {
    assertError("a#123456789 = A;", 1, 1, "invalid constructor id '#123456789'");
  }

  @Test
  void emptyId() {
    assertError("a# = A;", 1, 1, "invalid constructor id '#'");
  }

  @Test
  void unknownSection() {
    assertError("a#1 = A;\n  ---foo---\n", 2, 3, "unknown section ---foo---");
  }

  @Test
  void conditionOnUndeclaredFlagsField() {
    assertError("a#1 flags:# x:flag.0?int = A;", 1, 13, "'flag'", "not a preceding # field");
    // the # field must precede its use
    assertError("a#1 x:flags.0?int flags:# = A;", 1, 5, "'flags'", "not a preceding # field");
    // a plain int is not a flags field
    assertError("a#1 flags:int x:flags.0?int = A;", 1, 15, "'flags'", "not a preceding # field");
  }

  @Test
  void malformedCondition() {
    assertError("a#1 flags:# x:flags?int = A;", 1, 13, "malformed condition 'flags'");
    assertError("a#1 flags:# x:flags.a?int = A;", 1, 13, "invalid flag bit in 'flags.a'");
  }

  @Test
  void flagBitOutOfRange() {
    assertError("a#1 flags:# x:flags.32?int = A;", 1, 13, "flag bit 32 out of range 0..31");
    assertError("a#1 flags:# x:flags.-1?int = A;", 1, 13, "flag bit -1 out of range");
  }

  @Test
  void conditionalFlagsField() {
    assertError("a#1 flags:# f2:flags.0?# = A;", 1, 13, "a # field cannot be conditional");
  }

  @Test
  void trueWithoutCondition() {
    assertError("a#1 flags:# x:true = A;", 1, 13, "'true' is only valid as a conditional field");
  }

  @Test
  void unclosedAngleBracket() {
    assertError("a#1 x:Vector<int = A;", 1, 5, "unclosed '<'", "Vector<int");
    assertError("a#1 x:Vector<Vector<int> = A;", 1, 5, "unclosed '<'");
    assertError("---functions---\nf#1 = Vector<A;", 2, 7, "unclosed '<'");
  }

  @Test
  void vectorWithoutExactlyOneParameter() {
    assertError("a#1 x:Vector = A;", 1, 5, "Vector takes exactly one type parameter");
    assertError("a#1 x:Vector<int,long> = A;", 1, 5, "Vector takes exactly one type parameter");
  }

  @Test
  void trailingJunkInType() {
    assertError("a#1 x:Vector<int>> = A;", 1, 5, "unexpected '>'");
  }

  @Test
  void bangWithoutGenericParameter() {
    assertError("---functions---\nf#1 query:!X = X;", 2, 5, "'!X' does not name a generic parameter");
    // {Y:Type} does not declare X
    assertError("---functions---\nf#1 {Y:Type} query:!X = X;", 2, 14, "'!X' does not name a generic parameter");
  }

  @Test
  void malformedGenericParameter() {
    assertError("---functions---\nf#1 {X:Int} query:!X = X;", 2, 5, "generic parameters must be {X:Type}");
    assertError("---functions---\nf#1 {X} query:!X = X;", 2, 5, "malformed generic parameter '{X}'");
  }

  @Test
  void duplicateField() {
    assertError("a#1 x:int\n   y:long x:long = A;", 2, 11, "duplicate field 'x'");
  }

  @Test
  void duplicateId() {
    assertError("a#1 = A;\nb#2 = A;\nc#00000001 = C;\n", 3, 1, "duplicate id #1", "c");
    // across sections
    assertError("a#cafe = A;\n---functions---\nf#CAFE = A;\n", 3, 1, "duplicate id #cafe", "f");
  }

  @Test
  void duplicateNames() {
    assertError("a#1 = A;\na#2 = A;\n", 2, 1, "duplicate constructor a");
    assertError("---functions---\nf#1 = A;\nf#2 = A;\n", 3, 1, "duplicate function f");
  }

  @Test
  void constructorWithBareResultType() {
    assertError("a#1 x:int = a;", 1, 13, "a constructor's result must be a boxed type", "'a'");
    assertError("auth.a#1 = auth.a;", 1, 12, "a constructor's result must be a boxed type");
    assertError("a#1 = %A;", 1, 7, "a constructor's result must be a boxed type");
  }

  @Test
  void invalidCombinatorNames() {
    assertError("1a#1 = A;", 1, 1, "invalid combinator name '1a'");
    assertError("a-b#1 = A;", 1, 1, "invalid combinator name 'a-b'");
    assertError("a.b.c#1 = A;", 1, 1, "invalid combinator name 'a.b.c'");
  }

  @Test
  void invalidFieldNames() {
    assertError("a#1 2x:int = A;", 1, 5, "invalid field name '2x'");
    assertError("a#1 :int = A;", 1, 5, "expected 'name:Type', got ':int'");
    assertError("a#1 x = A;", 1, 5, "expected 'name:Type', got 'x'");
  }

  @Test
  void invalidTypeNames() {
    assertError("a#1 x:1nt = A;", 1, 5, "invalid type '1nt'");
    assertError("a#1 x:in$t = A;", 1, 5, "unexpected '$t'");
    assertError("a#1 x: = A;", 1, 5, "invalid type ''");
    assertError("a#1 = 9;", 1, 7, "invalid type '9'");
  }

  @Test
  void positionsInMultiLineDeclarationsAndAfterComments() {
    assertError("// header\n\nuser#1 flags:# id:long // trailing\n    name:flags.32?string = User;\n", 4, 5, "flag bit 32");
    assertError("a#1 = A;\r\nb#2 flags:# x:flags.0?true\r\n  y:true = B;\r\n", 3, 3, "'true' is only valid");
  }

  @Test
  void exceptionCarriesSourceName() {
    assertThatThrownBy(() -> TlParser.parse("schema/my.tl", "a#1 = a;"))
        .hasMessageStartingWith("schema/my.tl:1:7: ");
  }
}
