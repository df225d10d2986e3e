package io.telefetch.mtproto.client;

/**
 * Where a call goes.
 *
 * @param dcId the DC, or 0 for "the home DC, following migrations"
 * @param purpose which of the DC's pools
 * @param cdn whether the DC is a CDN DC
 * @param authorize whether to import the account's authorization first on a non-home DC (false
 *     for the import call itself)
 * @param pinned whether the call stays on {@code dcId} whatever the server answers: a
 *     USER/PHONE/NETWORK_MIGRATE answer is returned to the caller instead of moving the home DC
 *     (the config fetch, which a migration itself may be waiting for)
 */
record Route(int dcId, Purpose purpose, boolean cdn, boolean authorize, boolean pinned) {
  /** Ordinary calls to the home DC. */
  static final Route HOME = new Route(0, Purpose.MAIN, false, true, false);

  static Route of(int dcId, Purpose purpose) {
    return new Route(dcId, purpose, false, true, false);
  }

  static Route cdn(int dcId) {
    return new Route(dcId, Purpose.DOWNLOAD, true, false, false);
  }

  /** An unauthorised call that stays on DC {@code dcId} (help.getConfig, help.getCdnConfig). */
  static Route pinned(int dcId) {
    return new Route(dcId, Purpose.MAIN, false, false, true);
  }

  Route unauthorized() {
    return new Route(dcId, purpose, cdn, false, pinned);
  }
}
