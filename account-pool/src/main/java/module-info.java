/**
 * Several Telegram accounts as one downloader ({@code io.telefetch.pool}): one file's parts spread
 * across the accounts that can see it, flood- and Premium-aware.
 */
module io.telefetch.pool {
  requires transitive io.telefetch.link;
  requires org.slf4j;

  exports io.telefetch.pool;
}
