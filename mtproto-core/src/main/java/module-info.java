/**
 * MTProto 2.0 and the multi-DC client: {@link io.telefetch.mtproto.client.TelegramClient} in {@code
 * client}, the typed RPC errors and interceptors in {@code rpc}.
 *
 * <p>The protocol machinery (crypto, the auth key exchange, transports, the session and the
 * connection) is internal. testkit's in-process server reuses the server side of it through
 * qualified exports, and media-fetch the AES-CTR and constant-time helpers of {@code crypto}.
 */
module io.telefetch.mtproto {
  requires transitive io.telefetch.tl;
  requires io.netty.buffer;
  requires io.netty.common;
  requires io.netty.transport;
  requires io.netty.codec;
  requires io.netty.handler;
  requires io.netty.handler.proxy;
  requires org.slf4j;

  exports io.telefetch.mtproto.client;
  exports io.telefetch.mtproto.rpc;

  exports io.telefetch.mtproto.crypto to io.telefetch.media, io.telefetch.testkit;
  exports io.telefetch.mtproto.exchange to io.telefetch.testkit;
  exports io.telefetch.mtproto.session to io.telefetch.testkit;
  exports io.telefetch.mtproto.transport to io.telefetch.testkit;
}
