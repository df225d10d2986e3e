package io.telefetch.mtproto.client;

/**
 * Where a call goes.
 *
 * @param dcId the DC, or 0 for "the home DC, following migrations"
 * @param purpose which of the DC's pools
 * @param cdn whether the DC is a CDN DC
 * @param authorize whether to import the account's authorization first on a non-home DC (false
 *     for the import call itself)
 */
record Route(int dcId, Purpose purpose, boolean cdn, boolean authorize) {
  /** Ordinary calls to the home DC. */
  static final Route HOME = new Route(0, Purpose.MAIN, false, true);

  static Route of(int dcId, Purpose purpose) {
    return new Route(dcId, purpose, false, true);
  }

  static Route cdn(int dcId) {
    return new Route(dcId, Purpose.DOWNLOAD, true, false);
  }

  Route unauthorized() {
    return new Route(dcId, purpose, cdn, false);
  }
}
