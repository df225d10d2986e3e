/**
 * One MTProto connection: a TCP connection with its transport, auth key and session, sending
 * typed requests and matching answers by msg_id ({@link io.telefetch.mtproto.connection.MtprotoConnection}).
 * The connection is Netty glue: the session itself is {@link io.telefetch.mtproto.session.ClientSession}.
 */
package io.telefetch.mtproto.connection;
