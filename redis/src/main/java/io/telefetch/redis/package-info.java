/**
 * Redis-backed shared state: {@link io.telefetch.redis.RedisShared} (one connection, outage
 * tracking), {@link io.telefetch.redis.RedisMetadataCache}, {@link
 * io.telefetch.redis.RedisFloodRegistry}, {@link io.telefetch.redis.RedisLeases} and {@link
 * io.telefetch.redis.RedisSessionStore}. Each keeps serving from local state while Redis is away and
 * rejoins when it returns.
 */
@NullMarked
package io.telefetch.redis;

import org.jspecify.annotations.NullMarked;
