package io.telefetch.mtproto.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.telefetch.mtproto.exchange.KeyExchangeException.Reason;
import io.telefetch.testing.GzipBombs;
import io.telefetch.tl.TlBytes;
import io.telefetch.tl.TlDecodeException;
import io.telefetch.tl.TlObject;
import io.telefetch.tl.mtproto.ReqPqMulti;
import io.telefetch.tl.mtproto.ResPQ;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Unencrypted key-exchange messages are decoded without gzip_packed, on both sides: a peer with no
 * key cannot make the other inflate anything.
 */
class PlainDecodeTest {
  private static final TlBytes NONCE = TlBytes.wrap(new byte[16]);

  @Test
  void clientRefusesAGzipPackedAnswer() {
    byte[] resPq = ExchangeFixtures.encode(new ResPQ(NONCE, NONCE, TlBytes.wrap(new byte[8]), List.of(1L)));
    assertThat(decode(ClientKeyExchange::decodeAnswer, resPq)).isInstanceOf(ResPQ.class);
    assertRefused(ClientKeyExchange::decodeAnswer, GzipBombs.packed(resPq));
    assertRefused(ClientKeyExchange::decodeAnswer, GzipBombs.nested(resPq, 4, 1 << 20));
  }

  @Test
  void serverRefusesAGzipPackedRequest() {
    byte[] reqPq = ExchangeFixtures.encode(new ReqPqMulti(NONCE));
    assertThat(decode(ServerKeyExchange::decodeRequest, reqPq)).isInstanceOf(ReqPqMulti.class);
    assertRefused(ServerKeyExchange::decodeRequest, GzipBombs.packed(reqPq));
  }

  @Test
  void garbageIsMalformed() {
    assertThatThrownBy(() -> decode(ClientKeyExchange::decodeAnswer, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .isInstanceOf(KeyExchangeException.class)
        .satisfies(e -> assertThat(((KeyExchangeException) e).reason()).isEqualTo(Reason.MALFORMED))
        .hasCauseInstanceOf(TlDecodeException.class);
  }

  private static void assertRefused(Function<ByteBuf, TlObject> decoder, byte[] data) {
    assertThatThrownBy(() -> decode(decoder, data))
        .isInstanceOf(KeyExchangeException.class)
        .satisfies(e -> assertThat(((KeyExchangeException) e).reason()).isEqualTo(Reason.MALFORMED))
        .cause().isInstanceOf(TlDecodeException.class).hasMessageContaining("gzip_packed is not allowed");
  }

  private static TlObject decode(Function<ByteBuf, TlObject> decoder, byte[] data) {
    ByteBuf b = Unpooled.wrappedBuffer(data);
    try {
      return decoder.apply(b);
    } finally {
      b.release();
    }
  }
}
