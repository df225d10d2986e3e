package io.telefetch.tl.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import io.telefetch.tl.codegen.TlSchema.Combinator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlCrcTest {

  /** Parses one declaration; a line starting with "fn " is a function. */
  private static Combinator decl(String line) {
    boolean fn = line.startsWith("fn ");
    TlSchema s = TlParser.parse("t.tl", (fn ? "---functions---\n" + line.substring(3) : line) + ";");
    assertThat(s.all()).hasSize(1);
    return s.all().get(0);
  }

  private static void assertReproduces(Combinator c) {
    assertThat(Integer.toHexString(TlCrc.crc(c))).as(TlCrc.normalise(c)).isEqualTo(Integer.toHexString(c.id().getAsInt()));
  }

  @Test
  void bytesIsWrittenAsString() {
    Combinator c = decl("resPQ#05162463 nonce:int128 server_nonce:int128 pq:bytes server_public_key_fingerprints:Vector<long> = ResPQ");
    assertThat(TlCrc.normalise(c))
        .isEqualTo("resPQ nonce:int128 server_nonce:int128 pq:string server_public_key_fingerprints:Vector long = ResPQ");
    assertThat(TlCrc.crc(c)).isEqualTo(0x05162463);
    // the same line written with string has the same id
    assertThat(TlCrc.crc(decl("resPQ#05162463 nonce:int128 server_nonce:int128 pq:string server_public_key_fingerprints:Vector<long> = ResPQ")))
        .isEqualTo(0x05162463);
  }

  @Test
  void bytesAsLastFieldAndOptionalBytes() {
    assertReproduces(decl("inputPhoto#3bb3b94a id:long access_hash:long file_reference:bytes = InputPhoto"));
    Combinator c = decl("auth.loggedOut#c3a2835f flags:# future_auth_token:flags.0?bytes = auth.LoggedOut");
    assertThat(TlCrc.normalise(c)).isEqualTo("auth.loggedOut flags:# future_auth_token:flags.0?string = auth.LoggedOut");
    assertReproduces(c);
  }

  @Test
  void bytesInsideVectorStaysBytes() {
    // only ":bytes " and "?bytes " are rewritten, so Vector<bytes> keeps "bytes" (as Telegram's ids require)
    Combinator c = decl("fn messages.sendVote#10ea6184 peer:InputPeer msg_id:int options:Vector<bytes> = Updates");
    assertThat(TlCrc.normalise(c)).isEqualTo("messages.sendVote peer:InputPeer msg_id:int options:Vector bytes = Updates");
    assertReproduces(c);
  }

  @Test
  void noArguments() {
    Combinator c = decl("boolTrue#997275b5 = Bool");
    assertThat(TlCrc.normalise(c)).isEqualTo("boolTrue = Bool");
    assertThat(TlCrc.crc(c)).isEqualTo(0x997275b5);
  }

  @Test
  void trueFlagsAreDropped() {
    Combinator c = decl("fn upload.getFile#be5335be flags:# precise:flags.0?true cdn_supported:flags.1?true "
        + "location:InputFileLocation offset:long limit:int = upload.File");
    assertThat(TlCrc.normalise(c)).isEqualTo("upload.getFile flags:# location:InputFileLocation offset:long limit:int = upload.File");
    assertThat(TlCrc.crc(c)).isEqualTo(0xbe5335be);
  }

  @Test
  void trueFlagsOfASecondFlagsFieldAreDroppedToo() {
    Combinator c = decl("chatPhoto#1c6e1c11 flags:# has_video:flags.0?true photo_id:long stripped_thumb:flags.1?bytes dc_id:int = ChatPhoto");
    assertThat(TlCrc.normalise(c)).isEqualTo("chatPhoto flags:# photo_id:long stripped_thumb:flags.1?string dc_id:int = ChatPhoto");
    assertReproduces(c);
    Combinator f2 = decl("a#1 flags:# x:flags.0?true flags2:# y:flags2.5?true z:flags2.6?int = A");
    assertThat(TlCrc.normalise(f2)).isEqualTo("a flags:# flags2:# z:flags2.6?int = A");
  }

  @Test
  void trueFlagsAsLastField() {
    Combinator c = decl("a#1 flags:# x:flags.0?int y:flags.1?true = A");
    assertThat(TlCrc.normalise(c)).isEqualTo("a flags:# x:flags.0?int = A");
  }

  @Test
  void vectors() {
    Combinator c = decl("msgs_ack#62d6b459 msg_ids:Vector<long> = MsgsAck");
    assertThat(TlCrc.normalise(c)).isEqualTo("msgs_ack msg_ids:Vector long = MsgsAck");
    assertReproduces(c);
    assertReproduces(decl("future_salts#ae500895 req_msg_id:long now:int salts:vector<future_salt> = FutureSalts"));
    assertReproduces(decl("msg_container#73f1f8dc messages:vector<message> = MessageContainer"));
    Combinator f = decl("fn users.getUsers#d91a548 id:Vector<InputUser> = Vector<User>");
    assertThat(TlCrc.normalise(f)).isEqualTo("users.getUsers id:Vector InputUser = Vector User");
    assertReproduces(f);
  }

  @Test
  void optionalVector() {
    assertReproduces(decl("codeSettings#ad253d78 flags:# allow_flashcall:flags.0?true current_number:flags.1?true "
        + "allow_app_hash:flags.4?true allow_missed_call:flags.5?true allow_firebase:flags.7?true "
        + "unknown_number:flags.9?true logout_tokens:flags.6?Vector<bytes> token:flags.8?string "
        + "app_sandbox:flags.8?Bool = CodeSettings"));
  }

  @Test
  void genericMethodsReproduce() {
    Combinator c = decl("fn invokeWithLayer#da9b0d0d {X:Type} layer:int query:!X = X");
    assertThat(TlCrc.normalise(c)).isEqualTo("invokeWithLayer X:Type layer:int query:!X = X");
    assertThat(TlCrc.crc(c)).isEqualTo(0xda9b0d0d);
    assertReproduces(decl("fn invokeAfterMsg#cb9f372d {X:Type} msg_id:long query:!X = X"));
  }

  @Test
  void namespacedAndUnderscoredNames() {
    assertReproduces(decl("p_q_inner_data_dc#a9f55f95 pq:bytes p:bytes q:bytes nonce:int128 server_nonce:int128 "
        + "new_nonce:int256 dc:int = P_Q_inner_data"));
    assertReproduces(decl("fn req_DH_params#d712e4be nonce:int128 server_nonce:int128 p:bytes q:bytes "
        + "public_key_fingerprint:long encrypted_data:bytes = Server_DH_Params"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "resPQ#05162464 nonce:int128 server_nonce:int128 pq:bytes server_public_key_fingerprints:Vector<long> = ResPQ",
      "resPQ#05162463 nonce:int128 server_nonce:int128 pq:bytes server_public_key_fingerprints:Vector<int> = ResPQ",
      "boolTrue#997275b5 = True",
      "fn upload.getFile#be5335be flags:# precise:flags.0?true location:InputFileLocation offset:long limit:long = upload.File",
  })
  void anyOtherChangeBreaksTheMatch(String line) {
    Combinator c = decl(line);
    assertThat(TlCrc.crc(c)).isNotEqualTo(c.id().getAsInt());
  }

  @Test
  void idIsIgnoredAndUnsignedValuesWrap() {
    // the id of the declaration plays no part; crc returns the CRC32's 32 bits as a signed int
    assertThat(TlCrc.crc(decl("boolTrue#0 = Bool"))).isEqualTo(0x997275b5).isNegative();
    assertThat(TlCrc.crc(decl("boolTrue = Bool"))).isEqualTo(0x997275b5);
  }
}
