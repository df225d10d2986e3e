/**
 * MTProto sessions: msg_id generation, seqno rules, salts, the envelope of encrypted and plain
 * messages, and the checks every received message must pass. Pure logic over buffers; the
 * connection layer drives it on one event loop.
 */
package io.telefetch.mtproto.session;
