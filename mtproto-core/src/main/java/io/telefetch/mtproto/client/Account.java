package io.telefetch.mtproto.client;

import io.telefetch.tl.api.User;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Who the client is logged in as and which DC is home; transitions persist through the {@link SessionKeeper}. */
final class Account {
  private static final Logger LOG = LoggerFactory.getLogger(Account.class);
  private final SessionKeeper session;
  private final Dcs dcs;
  private volatile CompletableFuture<User> self;

  /**
   * A stored home DC that the DC list does not know (a bad migration saved by an older version, a
   * damaged or hand-edited session) is replaced by a known DC, logged once: calls there then either
   * work (its key carries the authorization) or end in {@link LoggedOutException}, never wait on a
   * DC without an address.
   */
  Account(SessionKeeper session, Dcs dcs, int defaultMainDc) {
    this.session = session;
    this.dcs = dcs;
    int stored = session.current().mainDc();
    if (stored == 0) {
      session.update(s -> s.withMainDc(defaultMainDc));
    } else if (!dcs.directory().knows(stored, false)) {
      int fallback = dcs.directory().knownDc(defaultMainDc);
      if (fallback > 0) {
        LOG.warn("the stored home DC {} is not in the DC list; using DC {} instead", stored, fallback);
        session.update(s -> s.withMainDc(fallback));
      }
    }
  }

  int mainDc() {
    return session.current().mainDc();
  }

  long userId() {
    return session.current().userId();
  }

  boolean loggedIn() {
    return userId() != 0;
  }

  /** The cached self, or null. */
  CompletableFuture<User> cachedSelf() {
    return self;
  }

  void cacheSelf(CompletableFuture<User> f) {
    self = f;
  }

  /** A successful login as {@code user}: keys on other DCs are no longer authorised for it. */
  void loggedIn(User user) {
    dcs.all().forEach(DcState::resetAuthorization);
    session.update(s -> s.withNoAuthorizations().withUser(user.id(), user.bot()));
    self = CompletableFuture.completedFuture(user);
    LOG.info("logged in as user {}{} on DC {}", user.id(), user.bot() ? " (bot)" : "", mainDc());
  }

  /** The home DC reported the login gone. */
  void loggedOut(int dc, String reason) {
    if (!loggedIn()) {
      return;
    }
    LOG.warn("logged out: home DC {} reports {}", dc, reason);
    dcs.all().forEach(DcState::resetAuthorization);
    session.update(s -> s.withNoAuthorizations().withUser(0, false));
    self = null;
  }

  /** Makes {@code dc} the home DC; the old home's key stays authorised when logged in. */
  void setMainDc(int dc) {
    int old = mainDc();
    if (old == dc) {
      return;
    }
    if (loggedIn()) {
      DcState previous = dcs.peek(old);
      if (previous != null && previous.currentKey() != null) {
        previous.markAuthorized(previous.currentKey().authKey());
      }
    }
    session.update(s -> s.withMainDc(dc));
    LOG.info("home DC is now {} (was {})", dc, old);
  }
}
