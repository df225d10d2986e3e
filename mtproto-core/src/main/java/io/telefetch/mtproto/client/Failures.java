package io.telefetch.mtproto.client;

import io.telefetch.mtproto.rpc.ConnectionClosedException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.mtproto.rpc.UnauthorizedException;
import io.telefetch.mtproto.transport.TransportException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Classifies the failures the client reacts to. */
final class Failures {
  private Failures() {}

  /** The cause under CompletionException / ExecutionException wrappers. */
  static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** The DC does not know the auth key: transport error -404 closed the connection. */
  static boolean keyNotFound(Throwable e) {
    Throwable t = unwrap(e);
    if (!(t instanceof ConnectionClosedException)) {
      return false;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TransportException te && te.kind() == TransportException.Kind.PEER_ERROR && te.code() == -404) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /** 401 AUTH_KEY_UNREGISTERED, AUTH_KEY_INVALID, SESSION_REVOKED, USER_DEACTIVATED. */
  static boolean unregistered(Throwable e) {
    return unwrap(e) instanceof UnauthorizedException u && u.keyUnregistered();
  }

  /** An rpc_error with exactly this message. */
  static boolean rpcError(Throwable e, String message) {
    return unwrap(e) instanceof RpcException r && r.errorMessage().equals(message);
  }
}
