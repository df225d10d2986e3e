package io.telefetch.mtproto.client;

import io.telefetch.mtproto.rpc.EventListener;
import io.telefetch.mtproto.rpc.MigrateException;
import io.telefetch.mtproto.rpc.RpcException;
import io.telefetch.tl.TlMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the interceptor chain: sends a call along its {@link Route} and handles what only the
 * multi-DC client can: USER/PHONE/NETWORK_MIGRATE (switch the home DC and resend, only to a DC the
 * DC list knows, at most {@value #MAX_MIGRATIONS} times per call), key loss on a
 * non-home DC (-404: a new key, a new import, resend; AUTH_KEY_UNREGISTERED: a new import,
 * resend), and key loss or revocation on the home DC (the typed logged-out state).
 * FILE_MIGRATE and everything else goes back to the caller. A DC missing from the DC list (after a
 * config refresh from a known DC) fails with {@link UnknownDcException} before anything is sent;
 * a migration loop fails with {@link MigrationLoopException}.
 */
final class Router {
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  static final int MAX_MIGRATIONS = 3;
  private static final int MAX_RECOVERIES = 3;

  private final Account account;
  private final Dcs dcs;
  private final Authorizations authorizations;
  private final EventListener events;

  Router(Account account, Dcs dcs, Authorizations authorizations, EventListener events) {
    this.account = account;
    this.dcs = dcs;
    this.authorizations = authorizations;
    this.events = events;
  }

  <R> CompletableFuture<R> call(Route route, TlMethod<R> method, CallScope scope) {
    return attempt(route, method, scope, List.of(), 0);
  }

  /**
   * @param hops the DCs earlier attempts of this call were migrated away from (empty at first)
   */
  private <R> CompletableFuture<R> attempt(Route route, TlMethod<R> method, CallScope scope, List<Integer> hops,
      int recoveries) {
    if (scope.cancelled()) {
      return CallScope.cancelledFuture();
    }
    int home = account.mainDc();
    boolean wasLoggedIn = account.loggedIn();
    int dc = route.dcId() == 0 ? home : route.dcId();
    DcState[] state = new DcState[1];
    long[] generationSeen = {0};
    // nothing is created or sent for a DC the list does not know (a config refresh may add it)
    CompletableFuture<Void> known = dcs.directory().ensureKnown(dc, route.cdn(), "a call to it", null);
    return known.thenCompose(v -> {
      state[0] = dcs.get(dc, route.cdn());
      generationSeen[0] = state[0].authorizationGeneration();
      return route.authorize() ? authorizations.ensure(state[0], route.purpose())
          : CompletableFuture.<Void>completedFuture(null);
    }).thenCompose(v -> {
      generationSeen[0] = state[0].authorizationGeneration();
      return state[0].invoke(route.purpose(), method, scope);
    }).handle((r, e) -> {
      if (e == null) {
        return CompletableFuture.completedFuture(r);
      }
      Throwable cause = Failures.unwrap(e);
      if (cause instanceof MigrateException m && followsHome(m) && !route.pinned()
          && (route.dcId() == 0 || route.dcId() == home)) {
        List<Integer> path = new ArrayList<>(hops);
        path.add(dc);
        if (m.dc() == dc || hops.size() >= MAX_MIGRATIONS) {
          path.add(m.dc());
          LOG.warn("{}: {} on DC {} after moving through DCs {}; giving up", method.tlName(), m.errorMessage(), dc, hops);
          return CompletableFuture.<R>failedFuture(new MigrationLoopException(path, m));
        }
        LOG.debug("{} on DC {}: {}", method.tlName(), dc, m.errorMessage());
        return switchHome(m.dc(), m.errorMessage() + " from DC " + dc, m).thenCompose(x -> {
          events.migrated(dc, m.dc(), m.errorMessage());
          return CompletableFuture.<Void>completedFuture(null);
        }).thenCompose(x -> attempt(
            route.dcId() == 0 ? route : Route.of(m.dc(), route.purpose()), method, scope, List.copyOf(path), recoveries));
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
          return attempt(route, method, scope, hops, recoveries + 1); // not logged in: a new key is all it takes
        }
      } else if ((keyLost || unregistered && account.loggedIn() && route.authorize() && !route.cdn())
          && recoveries < MAX_RECOVERIES) {
        LOG.debug("{} on DC {} failed ({}); recovering", method.tlName(), dc, keyLost ? "key lost" : "unauthorised");
        if (unregistered && state[0] != null) {
          state[0].resetAuthorizationAfter(generationSeen[0]);
        }
        return attempt(route, method, scope, hops, recoveries + 1);
      }
      return CompletableFuture.<R>failedFuture(cause);
    }).thenCompose(f -> f);
  }

  private static boolean followsHome(MigrateException m) {
    return m.kind() == MigrateException.Kind.USER || m.kind() == MigrateException.Kind.PHONE
        || m.kind() == MigrateException.Kind.NETWORK;
  }

  /**
   * Makes {@code dc} the home DC, once the DC list knows it (asking a known DC for the config
   * first if need be; else {@link UnknownDcException} and the home DC stays); when logged in, first
   * puts the authorization there (exported from the current home) so the account stays logged in.
   *
   * @param why what asked for the move, for errors and logs
   * @param cause the error that asked for it, or null
   */
  CompletableFuture<Void> switchHome(int dc, String why, Throwable cause) {
    return dcs.directory().ensureKnown(dc, false, why, cause).thenCompose(v -> {
      if (!account.loggedIn()) {
        account.setMainDc(dc);
        return CompletableFuture.completedFuture(null);
      }
      return authorizations.ensure(dcs.get(dc, false), Purpose.MAIN).thenRun(() -> account.setMainDc(dc));
    });
  }
}
