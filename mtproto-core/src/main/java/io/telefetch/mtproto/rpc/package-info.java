/**
 * Typed RPC errors ({@link io.telefetch.mtproto.rpc.RpcException} and its subtypes), the branches
 * of the exception tree that the layers below the client share ({@link
 * io.telefetch.mtproto.rpc.ConnectionException} with {@link
 * io.telefetch.mtproto.rpc.ConnectionClosedException}, {@link
 * io.telefetch.mtproto.rpc.RpcTimeoutException}, {@link
 * io.telefetch.mtproto.rpc.ResendLimitException} and {@link
 * io.telefetch.mtproto.rpc.SendQueueFullException}; {@link
 * io.telefetch.mtproto.rpc.SecurityCheckException}; {@link
 * io.telefetch.mtproto.rpc.ProtocolViolationException}), the call pipeline where cross-cutting
 * behaviour lives ({@link io.telefetch.mtproto.rpc.Interceptor} with its {@code Chain}, per-call
 * {@link io.telefetch.mtproto.rpc.CallOptions}, the one {@link io.telefetch.mtproto.rpc.Backoff}
 * of every retry; flood-wait sleeping, retries and logging are interceptors), and the {@link
 * io.telefetch.mtproto.rpc.EventListener} that metrics bind to.
 */
@NullMarked
package io.telefetch.mtproto.rpc;

import org.jspecify.annotations.NullMarked;
