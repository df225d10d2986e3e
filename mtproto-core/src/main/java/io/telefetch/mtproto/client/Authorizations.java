package io.telefetch.mtproto.client;

import io.telefetch.mtproto.crypto.AuthKey;
import io.telefetch.tl.api.auth.ExportAuthorization;
import io.telefetch.tl.api.auth.ExportedAuthorization;
import io.telefetch.tl.api.auth.ImportAuthorization;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the account's authorization on non-home DCs: {@code auth.exportAuthorization} on the home
 * DC, {@code auth.importAuthorization} on the other, once per DC key. Every caller that needs it
 * meanwhile shares the one future in flight; a failure is not cached (the next caller tries again).
 */
final class Authorizations {
  private static final Logger LOG = LoggerFactory.getLogger(Authorizations.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final Account account;
  private final Calls calls;

  Authorizations(Account account, Calls calls) {
    this.account = account;
    this.calls = calls;
  }

  /** Completes once DC {@code dc}'s key carries the account's authorization (at once when not needed). */
  CompletableFuture<Void> ensure(DcState dc, Purpose purpose) {
    if (dc.cdn || !account.loggedIn() || dc.id == account.mainDc()) {
      return DONE;
    }
    CompletableFuture<Void> f;
    synchronized (dc) {
      CompletableFuture<Void> existing = dc.authorization();
      if (existing != null) {
        return existing;
      }
      if (dc.keyAuthorized()) {
        dc.authorization(DONE);
        return DONE;
      }
      f = new CompletableFuture<>();
      dc.authorization(f);
    }
    int home = account.mainDc();
    LOG.debug("exporting the authorization from DC {} to DC {}", home, dc.id);
    calls.call(Route.HOME, new ExportAuthorization(dc.id))
        .thenCompose(exported -> {
          ExportedAuthorization e = (ExportedAuthorization) exported;
          return calls.call(new Route(dc.id, purpose, false, false, false), new ImportAuthorization(e.id(), e.bytes()));
        })
        .whenComplete((auth, e) -> {
          if (e == null) {
            SessionData.DcKey key = dc.currentKey();
            if (key != null) {
              AuthKey k = key.authKey();
              dc.markAuthorized(k);
            }
            LOG.debug("DC {} authorised", dc.id);
            f.complete(null);
          } else {
            synchronized (dc) {
              if (dc.authorization() == f) {
                dc.authorization(null);
              }
            }
            f.completeExceptionally(Failures.unwrap(e));
          }
        });
    return f;
  }
}
