/**
 * The account pool: {@link io.telefetch.pool.AccountPool} routes each part of a download to one of
 * several accounts ({@link io.telefetch.pool.PoolAccount}), keeps flood state per account and DC
 * ({@link io.telefetch.pool.FloodRegistry}), and reports accounts that leave the pool through an
 * {@link io.telefetch.pool.AccountPoolListener}.
 */
@NullMarked
package io.telefetch.pool;

import org.jspecify.annotations.NullMarked;
