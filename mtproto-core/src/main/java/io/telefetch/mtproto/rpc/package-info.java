/**
 * Typed RPC errors ({@link io.telefetch.mtproto.rpc.RpcException} and its subtypes, and the
 * failures a connection reports without an rpc_error: {@link
 * io.telefetch.mtproto.rpc.ConnectionClosedException}, {@link
 * io.telefetch.mtproto.rpc.RpcTimeoutException}, {@link
 * io.telefetch.mtproto.rpc.ResendLimitException}, {@link
 * io.telefetch.mtproto.rpc.SendQueueFullException}) and the interceptor chain where
 * cross-cutting behaviour lives: flood-wait sleeping, retries with backoff and jitter, logging.
 */
@NullMarked
package io.telefetch.mtproto.rpc;

import org.jspecify.annotations.NullMarked;
