/**
 * Typed RPC errors ({@link io.telefetch.mtproto.rpc.RpcException} and its subtypes), the branches
 * of the exception tree that the layers below the client share ({@link
 * io.telefetch.mtproto.rpc.ConnectionException} with {@link
 * io.telefetch.mtproto.rpc.ConnectionClosedException}, {@link
 * io.telefetch.mtproto.rpc.RpcTimeoutException}, {@link
 * io.telefetch.mtproto.rpc.ResendLimitException} and {@link
 * io.telefetch.mtproto.rpc.SendQueueFullException}; {@link
 * io.telefetch.mtproto.rpc.SecurityCheckException}; {@link
 * io.telefetch.mtproto.rpc.ProtocolViolationException}) and the interceptor chain where
 * cross-cutting behaviour lives: flood-wait sleeping, retries with backoff and jitter, logging.
 */
package io.telefetch.mtproto.rpc;
