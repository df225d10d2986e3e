/**
 * testkit: an in-process Telegram for tests, benchmarks and the demo. {@link
 * io.telefetch.testkit.TestCluster} starts real MTProto DC servers on loopback.
 */
@NullMarked
package io.telefetch.testkit;

import org.jspecify.annotations.NullMarked;
