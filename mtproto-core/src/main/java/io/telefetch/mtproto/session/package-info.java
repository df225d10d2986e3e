/**
 * MTProto sessions without I/O: {@link io.telefetch.mtproto.session.ClientSession}, the client's
 * session engine as a state machine (packets, calls and clock ticks in; sends, completions and a
 * close out), and its parts: msg_id generation, seqno rules, the envelope of encrypted and plain
 * messages, the checks every received message must pass, and {@link
 * io.telefetch.mtproto.session.Wire}, the wire forms (containers, gzip_packed, rpc_result) both
 * the client and testkit's server write and read. The connection layer drives it on one event loop.
 */
package io.telefetch.mtproto.session;
