package io.telefetch.testkit.world;

import io.telefetch.testkit.server.CallContext;
import io.telefetch.testkit.server.RpcError;

/** The rpc_errors the world API answers with, and the login check. */
final class Errors {
  private Errors() {}

  static RpcError badRequest(String message) {
    return new RpcError(400, message);
  }

  /** {@code 303 KIND_MIGRATE_dc}. */
  static RpcError migrate(String kind, int dc) {
    return new RpcError(303, kind + "_MIGRATE_" + dc);
  }

  static RpcError unauthorized(String message) {
    return new RpcError(401, message);
  }

  /** The user logged in on the call's key; {@code 401 AUTH_KEY_UNREGISTERED} when there is none. */
  static WorldUser requireUser(CallContext ctx, World world) {
    long id = ctx.key().userId();
    if (id == 0) {
      throw unauthorized("AUTH_KEY_UNREGISTERED");
    }
    return world.user(id).orElseThrow(() -> unauthorized("AUTH_KEY_UNREGISTERED"));
  }
}
