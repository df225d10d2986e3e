/**
 * The client over many data centers: {@link io.telefetch.mtproto.client.TelegramClient} composes
 * {@link io.telefetch.mtproto.connection.MtprotoConnection}s into per-DC connection pools (one for
 * ordinary calls, one for file transfer) that share the DC's auth key, follows the account's home
 * DC through migrations, exports and imports authorizations once per DC, logs in (bot token, phone
 * code with 2FA, QR code) and keeps its state in a {@link io.telefetch.mtproto.client.SessionStore}.
 *
 * <p>Calls pass the pipeline of {@link io.telefetch.mtproto.rpc} (interceptors, per-call {@link
 * io.telefetch.mtproto.rpc.CallOptions}, one {@link io.telefetch.mtproto.rpc.Backoff}) and report
 * to the builder's {@link io.telefetch.mtproto.rpc.EventListener}.
 *
 * <p>{@link io.telefetch.mtproto.client.DcClient} is the view of the client that the
 * downloader depends on. Nothing here exposes Netty types. Unless a method says otherwise,
 * parameters and results are never null.
 */
@NullMarked
package io.telefetch.mtproto.client;

import org.jspecify.annotations.NullMarked;
