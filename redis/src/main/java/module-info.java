/**
 * Shared state of several gateway nodes on Redis through Lettuce ({@code io.telefetch.redis}): the
 * link metadata cache, the flood registry, account leases and encrypted session storage. Lettuce
 * types stay out of the API.
 */
module io.telefetch.redis {
  requires transitive io.telefetch.pool;
  requires lettuce.core;
  requires org.slf4j;

  exports io.telefetch.redis;
}
