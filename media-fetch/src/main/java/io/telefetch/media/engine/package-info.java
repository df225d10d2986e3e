/**
 * The download engine, free of TL and I/O: {@link io.telefetch.media.engine.PartPlan} turns a byte
 * range into aligned part requests, {@link io.telefetch.media.engine.DownloadEngine} keeps a
 * sliding window of them in flight, assembles their bytes in order into a {@link
 * io.telefetch.media.engine.PartSink} with bounded memory, adapts the window (AIMD) and retries
 * through a {@link io.telefetch.media.engine.RetryPolicy}.
 */
package io.telefetch.media.engine;
