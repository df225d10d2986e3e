package io.telefetch.mtproto.client;

/** What a DC's connections are for: each DC has one pool per purpose. */
enum Purpose {
  /** Ordinary calls (and updates on the home DC). */
  MAIN,
  /** File transfer: a media-only address when the DC has one, more connections. */
  DOWNLOAD
}
