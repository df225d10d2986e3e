package io.telefetch.tl.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.tl.codegen.TlSchema.Arg;
import io.telefetch.tl.codegen.TlSchema.Combinator;
import io.telefetch.tl.codegen.TlSchema.TypeRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Well-formed schemas and what the parser makes of them (errors: {@link TlParserErrorTest}). */
class TlParserTest {

  private static TlSchema parse(String text) {
    return TlParser.parse("t.tl", text);
  }

  @Test
  void multiLineDeclaration() {
    TlSchema s = parse("""
        // comment
        user#1 flags:#
            id:long   // the id
            name:flags.0?string
          = User;
        userEmpty#2 = User;
        """);
    assertThat(s.constructors()).hasSize(2);
    Combinator user = s.constructors().get(0);
    assertThat(user.line()).isEqualTo(2);
    assertThat(user.toString()).isEqualTo("user#1 flags:# id:long name:flags.0?string = User;");
    assertThat(s.constructors().get(1).line()).isEqualTo(6);
  }

  @Test
  void builtinsAreSkipped() {
    TlSchema s = parse("""
        int ? = Int;
        long ? = Long;
        string ? = String;
        vector#1cb5c415 {t:Type} # [ t ] = Vector t;
        a#1 = A;
        """);
    assertThat(s.all()).extracting(Combinator::name).containsExactly("a");
  }

  @Test
  void layer() {
    assertThat(parse("// LAYER 227\na#1 = A;").layer()).hasValue(227);
    assertThat(parse("a#1 = A;\n//LAYER 3").layer()).hasValue(3);
    assertThat(parse("a#1 = A; // LAYER 5").layer()).hasValue(5);
    assertThat(parse("// layer 227 (lowercase is prose, not the marker)\na#1 = A;").layer()).isEmpty();
    assertThat(parse("a#1 = A;").layer()).isEmpty();
  }

  @Test
  void idsWithAndWithoutLeadingZeros() {
    TlSchema s = parse("resPQ#05162463 nonce:int128 = ResPQ;\nb#5162464 = B;\nc#ffffffff = C;\nd#0 = D;\ne = E;");
    assertThat(s.constructors().get(0).id()).hasValue(0x05162463);
    assertThat(s.constructors().get(1).id()).hasValue(0x05162464);
    assertThat(s.constructors().get(2).id()).hasValue(-1);
    assertThat(s.constructors().get(3).id()).hasValue(0);
    assertThat(s.constructors().get(4).id()).isEmpty();
    // ids print without padding
    assertThat(s.constructors().get(0).toString()).isEqualTo("resPQ#5162463 nonce:int128 = ResPQ;");
  }

  @Test
  void sections() {
    TlSchema s = parse("a#1 = A;\n---functions---\nf#2 = A;\n---types---\nb#3 = B;\n---functions---\ng#4 = B;\n");
    assertThat(s.constructors()).extracting(Combinator::name).containsExactly("a", "b");
    assertThat(s.functions()).extracting(Combinator::name).containsExactly("f", "g");
    assertThat(s.constructors()).noneMatch(Combinator::function);
    assertThat(s.functions()).allMatch(Combinator::function);
    // a function and a constructor may share a name
    assertThat(parse("a#1 = A;\n---functions---\na#2 = A;").all()).hasSize(2);
  }

  @Test
  void flagsFieldsAndConditions() {
    Combinator c = parse("a#1 flags:# x:flags.0?true y:flags.0?int z:flags.31?Vector<long> "
        + "flags2:# w:flags2.3?B v:flags.1?true = A;").constructors().get(0);
    List<Arg> args = c.args();
    assertThat(args).extracting(Arg::name).containsExactly("flags", "x", "y", "z", "flags2", "w", "v");
    assertThat(args.get(0).isFlags()).isTrue();
    assertThat(args.get(1).isTrueFlag()).isTrue();
    assertThat(args.get(2)).isEqualTo(new Arg("y", "flags", 0, new TypeRef("int", false, false, List.of())));
    assertThat(args.get(3).flagBit()).isEqualTo(31);
    assertThat(args.get(3).type().params()).containsExactly(new TypeRef("long", false, false, List.of()));
    assertThat(args.get(4).isFlags()).isTrue();
    assertThat(args.get(5).flagField()).isEqualTo("flags2");
    assertThat(args.get(5).flagBit()).isEqualTo(3);
    assertThat(args.get(6).isTrueFlag()).isTrue();
    assertThat(args.get(6).optional()).isTrue();
  }

  @Test
  void genericMethod() {
    Combinator f = parse("---functions---\ninvokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;")
        .functions().get(0);
    assertThat(f.generics()).containsExactly("X");
    assertThat(f.args().get(1).type()).isEqualTo(new TypeRef("X", false, true, List.of()));
    assertThat(f.result()).isEqualTo(new TypeRef("X", false, false, List.of()));
    assertThat(f.id()).hasValue(0xda9b0d0d);
    assertThat(f.toString()).isEqualTo("invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X;");
  }

  @Test
  void typeForms() {
    Combinator c = parse("m msg_id:long = Message;\n"
        + "auth.a#1 x:vector<%Message> y:vector<m> z:Vector<Vector<auth.B>> o:Object = auth.A;").constructors().get(1);
    assertThat(c.namespace()).isEqualTo("auth");
    assertThat(c.localName()).isEqualTo("a");
    assertThat(c.result().name()).isEqualTo("auth.A");
    assertThat(c.result().localName()).isEqualTo("A");
    TypeRef x = c.args().get(0).type();
    assertThat(x.name()).isEqualTo("vector");
    assertThat(x.params().get(0)).isEqualTo(new TypeRef("Message", true, false, List.of()));
    assertThat(c.args().get(1).type().params().get(0).lowercase()).isTrue();
    assertThat(c.args().get(2).type().toString()).isEqualTo("Vector<Vector<auth.B>>");
    assertThat(c.canonicalWithoutId())
        .isEqualTo("auth.a x:vector<%Message> y:vector<m> z:Vector<Vector<auth.B>> o:Object = auth.A");
  }

  @Test
  void functionsMayReturnBareAndVectorTypes() {
    TlSchema s = parse("---functions---\nf#1 = Vector<long>;\ng#2 = vector<int>;\nh#3 = Bool;");
    assertThat(s.functions()).extracting(c -> c.result().toString())
        .containsExactly("Vector<long>", "vector<int>", "Bool");
  }

  @Test
  void resultTypeMaySpanTokensInsideAngleBrackets() {
    TlSchema s = parse("---functions---\nf#1 = Vector< User >;\ng#2 = Vector<\n  Vector<int> >;");
    assertThat(s.functions()).extracting(c -> c.result().toString()).containsExactly("Vector<User>", "Vector<Vector<int>>");
  }

  @Test
  void javaKeywordsAreValidFieldNames() {
    Combinator c = parse("a#1 default:int static:string = A;").constructors().get(0);
    assertThat(c.args()).extracting(Arg::name).containsExactly("default", "static");
  }

  @Test
  void lastDeclarationWithoutTrailingNewlineAndCrLf() {
    TlSchema s = parse("a#1 = A;\r\nb#2 x:int\r\n  = B;");
    assertThat(s.constructors()).extracting(Combinator::toString).containsExactly("a#1 = A;", "b#2 x:int = B;");
    assertThat(parse("").all()).isEmpty();
    assertThat(parse("// only a comment\n\n").all()).isEmpty();
  }

  @Test
  void severalDeclarationsOnOneLine() {
    TlSchema s = parse("a#1 = A; b#2 = A;");
    assertThat(s.constructors()).extracting(Combinator::name).containsExactly("a", "b");
    assertThat(s.constructors()).extracting(Combinator::line).containsExactly(1, 1);
  }
}
