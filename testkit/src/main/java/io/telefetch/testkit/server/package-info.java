/**
 * The DC server of testkit: a Netty TCP server that detects the client's transport, runs the
 * server side of the key exchange, keeps MTProto sessions with the real rules and dispatches API
 * calls to an {@link io.telefetch.testkit.server.ApiHandler}.
 */
@NullMarked
package io.telefetch.testkit.server;

import org.jspecify.annotations.NullMarked;
