package io.telefetch.mtproto.client;

import io.telefetch.mtproto.rpc.MigrateException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.tl.TlMethod;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the interceptor chain: sends a call along its {@link Route} and handles what only the
 * multi-DC client can: USER/PHONE/NETWORK_MIGRATE (switch the home DC and resend), key loss on a
 * non-home DC (-404: a new key, a new import, resend; AUTH_KEY_UNREGISTERED: a new import,
 * resend), and key loss or revocation on the home DC (the typed logged-out state).
 * FILE_MIGRATE and everything else goes back to the caller.
 */
final class Router {
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private static final int MAX_MIGRATIONS = 3;
  private static final int MAX_RECOVERIES = 3;

  private final Account account;
  private final Dcs dcs;
  private final Authorizations authorizations;

  Router(Account account, Dcs dcs, Authorizations authorizations) {
    this.account = account;
    this.dcs = dcs;
    this.authorizations = authorizations;
  }

  <R> CompletableFuture<R> call(Route route, TlMethod<R> method, CallScope scope) {
    return attempt(route, method, scope, 0, 0);
  }

  private <R> CompletableFuture<R> attempt(Route route, TlMethod<R> method, CallScope scope, int migrations,
      int recoveries) {
    if (scope.cancelled()) {
      return CallScope.cancelledFuture();
    }
    int home = account.mainDc();
    boolean wasLoggedIn = account.loggedIn();
    int dc = route.dcId() == 0 ? home : route.dcId();
    DcState state;
    try {
      state = dcs.get(dc, route.cdn());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> ready = route.authorize() ? authorizations.ensure(state, route.purpose())
        : CompletableFuture.completedFuture(null);
    long[] generationSeen = {state.authorizationGeneration()};
    return ready.thenCompose(v -> {
      generationSeen[0] = state.authorizationGeneration();
      return state.invoke(route.purpose(), method, scope);
    }).handle((r, e) -> {
      if (e == null) {
        return CompletableFuture.completedFuture(r);
      }
      Throwable cause = Failures.unwrap(e);
      if (cause instanceof MigrateException m && followsHome(m) && (route.dcId() == 0 || route.dcId() == home)
          && migrations < MAX_MIGRATIONS && m.dc() != dc) {
        LOG.debug("{} on DC {}: {}", method.tlName(), dc, m.errorMessage());
        return switchHome(m.dc()).thenCompose(x -> attempt(route.dcId() == 0 ? route : Route.of(m.dc(), route.purpose()),
            method, scope, migrations + 1, recoveries));
      }
      boolean keyLost = Failures.keyNotFound(cause);
      boolean unregistered = Failures.unregistered(cause);
      if ((keyLost || unregistered) && !route.cdn() && dc == account.mainDc()) {
        if (wasLoggedIn) {
          account.loggedOut(dc, keyLost ? "transport error -404 (auth key unknown)" : ((RpcException) cause).errorMessage());
          return CompletableFuture.<R>failedFuture(new LoggedOutException(dc,
              "home DC " + dc + (keyLost ? " lost the auth key" : " revoked the login") + ": log in again", cause));
        }
        if (keyLost && recoveries < MAX_RECOVERIES) {
          return attempt(route, method, scope, migrations, recoveries + 1); // not logged in: a new key is all it takes
        }
      } else if ((keyLost || unregistered && account.loggedIn() && route.authorize() && !route.cdn())
          && recoveries < MAX_RECOVERIES) {
        LOG.debug("{} on DC {} failed ({}); recovering", method.tlName(), dc, keyLost ? "key lost" : "unauthorised");
        if (unregistered) {
          state.resetAuthorizationAfter(generationSeen[0]);
        }
        return attempt(route, method, scope, migrations, recoveries + 1);
      }
      return CompletableFuture.<R>failedFuture(cause);
    }).thenCompose(f -> f);
  }

  private static boolean followsHome(MigrateException m) {
    return m.kind() == MigrateException.Kind.USER || m.kind() == MigrateException.Kind.PHONE
        || m.kind() == MigrateException.Kind.NETWORK;
  }

  /**
   * Makes {@code dc} the home DC; when logged in, first puts the authorization there (exported
   * from the current home) so the account stays logged in.
   */
  CompletableFuture<Void> switchHome(int dc) {
    if (!account.loggedIn()) {
      account.setMainDc(dc);
      return CompletableFuture.completedFuture(null);
    }
    return authorizations.ensure(dcs.get(dc, false), Purpose.MAIN).thenRun(() -> account.setMainDc(dc));
  }
}
