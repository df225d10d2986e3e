/**
 * {@code telefetch serve}: an HTTP streaming gateway from Telegram links to bytes ({@link
 * io.telefetch.examples.serve.Gateway}), with Range requests, pipe-through with backpressure, a
 * small installable web page, per-client limits, an access log and Prometheus metrics.
 */
@NullMarked
package io.telefetch.examples.serve;

import org.jspecify.annotations.NullMarked;
