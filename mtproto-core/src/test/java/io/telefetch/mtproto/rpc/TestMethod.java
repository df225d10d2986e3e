package io.telefetch.mtproto.rpc;

import io.telefetch.tl.TlJson;
import io.telefetch.tl.TlMethod;
import io.telefetch.tl.TlReader;
import io.telefetch.tl.TlWriter;

/** A method whose result is a String, for interceptor tests that never touch the wire. */
final class TestMethod implements TlMethod<String> {
  static final TestMethod INSTANCE = new TestMethod();

  @Override
  public String readResult(TlReader reader) {
    return reader.readString();
  }

  @Override
  public int constructorId() {
    return 0x12345678;
  }

  @Override
  public String tlName() {
    return "test.method";
  }

  @Override
  public void writeBody(TlWriter writer) {}

  @Override
  public void appendJson(TlJson json) {}
}
