/**
 * Auth key creation as pure state machines: {@link io.telefetch.mtproto.exchange.ClientKeyExchange}
 * (what a client connection runs before it has a key) and {@link
 * io.telefetch.mtproto.exchange.ServerKeyExchange} (the server side, used by the in-process test
 * server).
 *
 * <p>Nothing here does I/O, schedules work or touches a Netty buffer in its API: each machine takes
 * one decoded TL object and returns the next one to send, so the connection layer can drive it over
 * any transport, and tests can drive both sides against each other in memory. The messages of the
 * exchange travel as unencrypted MTProto messages ({@code auth_key_id = 0}); wrapping them is the
 * session layer's job. Every check of the protocol and of the security guidelines is made here; a
 * failed check throws {@link io.telefetch.mtproto.exchange.KeyExchangeException} and the machine
 * never yields a key afterwards.
 *
 * <p>Machines are not thread-safe: one connection drives one machine from one thread (its event
 * loop).
 *
 * @see <a href="https://core.telegram.org/mtproto/auth_key">Creating an authorization key</a>
 * @see <a href="https://core.telegram.org/mtproto/security_guidelines">Security guidelines</a>
 */
package io.telefetch.mtproto.exchange;
