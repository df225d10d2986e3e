/**
 * Typed RPC errors ({@link io.telefetch.mtproto.rpc.RpcException} and its subtypes) and the
 * interceptor chain where cross-cutting behaviour lives: flood-wait sleeping, retries with
 * backoff and jitter, logging.
 */
package io.telefetch.mtproto.rpc;
